import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A reinstalled agent (its state directory lost, the same site, agent and sensor ids) numbers its samples from 1
/// again under a new incarnation: the real agent, a real mosquitto and the real collector store every sample of both
/// installs, whether the uplink was down or up at the reinstall and across a collector restart.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AgentReinstallTests {
  @Test func aReinstallWithTheUplinkDownStoresEverySampleOfBothIncarnations() throws {
    let broker = try MosquittoBroker(persistence: true)
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let first = try facility.startAgent(samples: 30, interval: 0.05, arguments: ["--drain-seconds", "30"])
    #expect(first.wait(seconds: 60) && first.exitStatus == 0)
    #expect(eventually(timeout: 20) { (try? store.counts().readings) == 30 })
    let former = try incarnation(of: facility)

    // The SD card is replaced while the uplink is down: a fresh install samples before it can reach the broker.
    try FileManager.default.removeItem(at: facility.agentStateDirectory())
    broker.stop()
    let second = try facility.startAgent(samples: 20, interval: 0.05, arguments: ["--drain-seconds", "60"])
    defer { second.stop() }
    Thread.sleep(forTimeInterval: 3)
    let reinstalled = try incarnation(of: facility)
    #expect(reinstalled != former)
    try broker.launch()
    #expect(second.wait(seconds: 90), "the reinstalled agent did not finish and drain")
    #expect(second.exitStatus == 0)
    #expect(eventually(timeout: 30) { (try? store.counts().readings) == 50 })
    facility.stopCollector()

    try expectBothSeries(in: store, first: 30, second: 20)
    let agentLog = try String(contentsOf: facility.agentLog(), encoding: .utf8)
    #expect(!agentLog.contains("samples wait in the outbox"), "the reinstalled agent exited with unconfirmed samples")
    try expectReinstallRecorded(facility, from: former, to: reinstalled)
  }

  @Test func aReinstallWithTheUplinkUpAndACollectorRestartBetweenStoresEverySample() throws {
    let broker = try MosquittoBroker(persistence: true)
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let first = try facility.startAgent(samples: 25, interval: 0.05, arguments: ["--drain-seconds", "30"])
    #expect(first.wait(seconds: 60) && first.exitStatus == 0)
    #expect(eventually(timeout: 20) { (try? store.counts().readings) == 25 })
    let former = try incarnation(of: facility)

    facility.stopCollector()
    try FileManager.default.removeItem(at: facility.agentStateDirectory())
    // An acknowledgement of the former install waits in the agent's persistent session on the broker (as one sent
    // after the old box went away would): the new install receives it as soon as it connects.
    try publish(
      broker, "coldtrace/v1/ack/hongxuan/hx-edge-1", #"{"sensors":{"cold2-air":1000},"inc":"\#(former)"}"#)
    try facility.startCollector()
    // The uplink is up: the new install must not take the former install's watermark for its own.
    let second = try facility.startAgent(samples: 20, interval: 0.05, arguments: ["--drain-seconds", "30"])
    defer { second.stop() }
    #expect(second.wait(seconds: 60) && second.exitStatus == 0)
    let reinstalled = try incarnation(of: facility)
    let agentLog = try String(contentsOf: facility.agentLog(), encoding: .utf8)
    #expect(agentLog.contains("ignored an acknowledgement for incarnation \(former)"), "\(agentLog)")
    #expect(eventually(timeout: 20) { (try? store.counts().readings) == 45 })
    // The collector restarts again: the new install's numbers keep their offset, nothing is stored twice.
    facility.stopCollector()
    try facility.startCollector()
    let third = try facility.startAgent(samples: 5, interval: 0.05, arguments: ["--drain-seconds", "30"])
    #expect(third.wait(seconds: 60) && third.exitStatus == 0)
    #expect(eventually(timeout: 20) { (try? store.counts().readings) == 50 })
    facility.stopCollector()

    try expectBothSeries(in: store, first: 25, second: 25)
    try expectReinstallRecorded(facility, from: former, to: reinstalled)
  }

  /// The first `first` stored samples are the former install's 1…first; the rest are the new install's 1…second,
  /// stored above them in order, none missing and none twice.
  private func expectBothSeries(in store: SQLiteStore, first: Int, second: Int) throws {
    let readings = try store.readings(ReadingFilter()).filter { $0.key.sensor == "cold2-air" }
    #expect(readings.count == first + second)
    let seqs = readings.compactMap(\.sample.seq)
    #expect(Array(seqs.prefix(first)) == (1...Int64(first)).map { $0 }, "the former install's samples")
    let later = Array(seqs.dropFirst(first))
    if let base = later.first.map({ $0 - 1 }) {
      #expect(base >= Int64(first), "the new series must be stored above the former one")
      #expect(later == (1...Int64(second)).map { base + $0 }, "the new install's samples, in order")
    }
    #expect(Set(readings.map(\.sample.ts)).count == readings.count, "a sample stored twice")
  }

  private func expectReinstallRecorded(_ facility: Facility, from former: String, to reinstalled: String) throws {
    let journal = try String(contentsOfFile: facility.journal, encoding: .utf8)
    #expect(
      journal.contains("\"event\":\"agent_reinstalled\"") && journal.contains("\"from\":\"\(former)\"")
        && journal.contains("\"to\":\"\(reinstalled)\""),
      "no agent_reinstalled line from \(former) to \(reinstalled) in the journal")
    #expect(journal.contains("agent hx-edge-1 reinstalled: incarnation \(former) → \(reinstalled)"))
    let status = try facility.shell(["status"])
    #expect(status.status == 0)
    #expect(
      status.stdout.contains("hongxuan/hx-edge-1  incarnation \(reinstalled)")
        && status.stdout.contains("was \(former)"), "status: \(status.stdout)")
  }

  private func publish(_ broker: MosquittoBroker, _ topic: String, _ payload: String) throws {
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: pub), ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", topic, "-m", payload])
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }

  private func incarnation(of facility: Facility) throws -> String {
    let file = facility.agentStateDirectory().appendingPathComponent("outbox/incarnation")
    return try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
