import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import Foundation
import Synchronization
import TestSupport
import Testing

/// The collector killed with SIGKILL mid-stream, twice, and restarted: every reading of a publisher that keeps no
/// outbox (a third-party source, or one that names an agent and numbers its samples but never announced an outbox)
/// the broker accepted is stored, and none twice.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct CollectorCrashTests {
  @Test(arguments: [nil, "foreign-logger"])
  func sigkillMidStreamLosesNothingAndStoresNothingTwice(agent: String?) throws {
    let total = 3000
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    #expect(eventually { facility.collectorLog.contains("subscribed to coldtrace/v1/reading/+/+/+") })
    let store = try SQLiteStore(path: facility.database, create: false)

    // Two probes, seq 1...1500 each, published at about 500 a second from another thread while the collector is
    // killed twice; every one is PUBACKed by the broker.
    let publisher = try MosquittoClient(
      options: ClientOptions(clientID: "load", broker: try BrokerAddress(url: broker.url)))
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })
    let accepted = Atomic<Int>(0)
    let start = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000)
    let feeder = Thread {
      for index in 0..<total {
        let sensor = index % 2 == 0 ? "probe-a" : "probe-b"
        let seq = Int64(index / 2 + 1)
        let sample = Sample(seq: seq, ts: start.adding(seconds: Double(seq)), tempC: 3 + Double(index % 7) / 10)
        let key = SensorKey(site: "hongxuan", room: "cold2", sensor: sensor)
        // A publisher without an outbox: the collector must commit before the PUBACK leaves. Readings of agents
        // that announced an outbox are committed in batches behind the end-to-end acknowledgement instead; the fault
        // suite's collector-SIGKILL case covers those with a real agent.
        let agentField = agent.map { #""agent":"\#($0)","# } ?? ""
        let payload = Array(
          (#"{"v":1,\#(agentField)"seq":\#(seq),"ts":"\#(sample.ts.rfc3339)","#
            + #""temp_c":\#(JSONText.number(sample.tempC!))}"#).utf8)
        _ = try? publisher.publish(topic: Topics.reading(key), payload: payload) { outcome in
          if outcome == .accepted { accepted.add(1, ordering: .relaxed) }
        }
        usleep(2000)
      }
    }
    feeder.start()

    for killAt in [total / 5, total / 2] {
      #expect(eventually(timeout: 60) { ((try? store.counts().readings) ?? 0) >= killAt })
      facility.killCollector()
      let storedAtKill = try store.counts().readings
      try facility.startCollector()
      #expect(storedAtKill < total, "the collector finished before it could be killed mid-stream")
    }
    #expect(eventually(timeout: 60) { accepted.load(ordering: .relaxed) == total })
    #expect(eventually(timeout: 60) { ((try? store.counts().readings) ?? 0) >= total })
    // Let any redelivery still in flight arrive, then stop cleanly and count.
    Thread.sleep(forTimeInterval: 0.5)
    facility.stopCollector()

    let readings = try store.readings(ReadingFilter())
    #expect(readings.count == total)
    for sensor in ["probe-a", "probe-b"] {
      let seqs = readings.filter { $0.key.sensor == sensor }.compactMap(\.sample.seq)
      #expect(seqs.sorted() == (1...Int64(total / 2)).map { $0 }, "\(sensor) is missing or repeating readings")
    }
    let log = facility.collectorLog
    #expect(log.contains("collector stopped"))
    #expect(lastTotals(log).contains("batches=0"), "a publisher without an outbox went through group commit")
    print("crash test: \(total) readings published, \(readings.count) stored; final run: \(lastTotals(log))")
  }

  private func lastTotals(_ log: String) -> String {
    log.split(separator: "\n").last { $0.contains("collector stopped") }.map(String.init) ?? "no totals"
  }
}
