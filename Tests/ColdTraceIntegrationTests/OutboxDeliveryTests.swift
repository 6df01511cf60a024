import ColdTraceAgent
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The agent's outbox and the collector's acknowledgement, with real processes and a real broker that goes away.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct OutboxDeliveryTests {
  @Test func aBrokerDownForAMinuteLosesNothingAndStoresEverythingOnceInOrder() throws {
    let broker = try MosquittoBroker(persistence: true)
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let rounds = 1500
    // 20 samples a second of two probes for 75 s; the broker is away for 60 of them.
    let agent = try facility.startAgent(
      samples: rounds, interval: 0.05, extraSensors: ["cold2-door"], arguments: ["--drain-seconds", "60"])
    defer { agent.stop() }
    #expect(eventually(timeout: 20) { ((try? store.counts().readings) ?? 0) >= 100 })
    broker.stop()
    Thread.sleep(forTimeInterval: 60)
    try broker.launch()
    #expect(agent.wait(seconds: 90), "the agent did not finish and drain")
    #expect(agent.exitStatus == 0)
    #expect(eventually(timeout: 30) { ((try? store.counts().readings) ?? 0) >= 2 * rounds })
    facility.stopCollector()

    let readings = try store.readings(ReadingFilter())
    #expect(readings.count == 2 * rounds)
    for sensor in ["cold2-air", "cold2-door"] {
      let mine = readings.filter { $0.key.sensor == sensor }
      #expect(
        mine.compactMap(\.sample.seq) == (1...Int64(rounds)).map { $0 }, "\(sensor): lost, repeated or out of order")
    }
    let agentLog = try String(contentsOf: facility.agentLog(), encoding: .utf8)
    #expect(!agentLog.contains("samples wait in the outbox"), "the agent exited with unconfirmed samples")
  }

  @Test func anAgentKilledMidReplayLosesNothingAndStoresNothingTwice() throws {
    let broker = try MosquittoBroker()
    let facility = try Facility(broker: broker)
    broker.stop()
    // A backlog recorded while the broker is unreachable.
    let first = try facility.startAgent(interval: 0.002)
    Thread.sleep(forTimeInterval: 6)
    try broker.launch()
    defer { broker.stop() }
    try facility.startCollector()
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually(timeout: 30) { ((try? store.counts().readings) ?? 0) > 0 })
    first.kill()
    let produced = try Outbox(directory: facility.agentStateDirectory().path).nextSequence(for: "cold2-air") - 1
    let storedAtKill = try store.counts().readings
    #expect(produced > 500)
    #expect(Int64(storedAtKill) < produced, "the replay finished before the kill; nothing was tested")

    let second = try facility.startAgent(samples: 10, interval: 0.01)
    #expect(second.wait(seconds: 60))
    let total = produced + 10
    #expect(eventually(timeout: 30) { Int64((try? store.counts().readings) ?? 0) >= total })
    facility.stopCollector()
    let seqs = try store.readings(ReadingFilter()).compactMap(\.sample.seq)
    #expect(seqs.count == Int(total))
    #expect(Set(seqs) == Set(1...total))
    print(
      "agent kill test: \(produced) samples in backlog, \(storedAtKill) stored at the kill, \(seqs.count) at the end")
  }

  @Test func aFullOutboxDropsTheOldestCountsThemAndTheRestStillFlows() throws {
    let broker = try MosquittoBroker()
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    broker.stop()
    let rounds = 800
    let agent = try facility.startAgent(
      samples: rounds, interval: 0.005, outboxMaxMB: 0.02, outboxSegmentKB: 4, arguments: ["--drain-seconds", "60"])
    defer { agent.stop() }
    let state = facility.agentStateDirectory().appendingPathComponent("outbox/acknowledged.state")
    #expect(
      eventually(timeout: 30) {
        ((try? String(contentsOf: state, encoding: .utf8)) ?? "").contains("#dropped") == true
          && !((try? String(contentsOf: state, encoding: .utf8)) ?? "").contains("#dropped 0\n")
      }, "the outbox never filled up")
    try broker.launch()
    defer { broker.stop() }
    #expect(agent.wait(seconds: 60), "the agent did not finish and drain")
    #expect(agent.exitStatus == 0)

    let outbox = try Outbox(directory: facility.agentStateDirectory().path)
    #expect(outbox.dropped > 0)
    #expect(outbox.pendingCount == 0, "the collector's watermark passed the dropped samples and confirmed the rest")
    let store = try SQLiteStore(path: facility.database, create: false)
    let seqs = try store.readings(ReadingFilter()).compactMap(\.sample.seq)
    // The oldest went; every sample not dropped arrived, once. (A dropped sample may still have arrived: it can be
    // published and then dropped before the collector's confirmation came back.)
    #expect(Set(seqs).isSuperset(of: Int64(outbox.dropped + 1)...Int64(rounds)), "a kept sample was lost")
    #expect(seqs.count == Set(seqs).count)
    #expect(seqs.count < rounds, "nothing was dropped")
    #expect(seqs.allSatisfy { (1...Int64(rounds)).contains($0) })
    let status = retained("coldtrace/v1/status/hongxuan/hx-edge-1", broker) ?? ""
    #expect(status.contains("\"dropped\":\(outbox.dropped)"), "status: \(status)")
    print("full outbox test: \(rounds) produced, \(outbox.dropped) dropped and announced, \(seqs.count) stored")
  }

  @Test func anExcursionDuringAnOutageRaisesItsAlertWhenTheBacklogArrives() throws {
    // Persistence keeps the collector's session across the restart, so nothing published before it resubscribes is
    // lost and re-sent out of order.
    let broker = try MosquittoBroker(persistence: true)
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    broker.stop()
    // Three hours of 1-second readings played back while the broker is away, the door open for the last hour; then
    // live readings every second, which must not overtake the backlog (the engine would skip the older door samples).
    let agent = try facility.startAgent(
      interval: 1, catchUpMinutes: 180, speed: 3000, doorOpenAtMinute: 120, doorOpenMinutes: 60)
    defer { agent.stop() }
    let outboxState = facility.agentStateDirectory()
    #expect(
      eventually(timeout: 60) {
        ((try? Outbox(directory: outboxState.path).nextSequence(for: "cold2-air")) ?? 0) > 10_800
      }, "the playback did not finish")
    let reconnectedAt = WallClock.now()
    try broker.launch()
    defer { broker.stop() }
    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually(timeout: 60) { ((try? store.counts().readings) ?? 0) > 10_800 })
    let alerts = try store.alerts(AlertFilter()).filter { $0.kind == .tempHigh }
    let outageAlert = alerts.first { $0.openedAt < reconnectedAt.adding(seconds: -1200) }
    let readings = try store.readings(ReadingFilter()).map(\.sample)
    let warmest = readings.max { ($0.tempC ?? -99) < ($1.tempC ?? -99) }
    #expect(
      outageAlert != nil,
      """
      no temp_high opened during the outage; alerts: \(alerts.map { "\($0.openedAt) \($0.message)" }); \
      \(readings.count) readings from \(readings.first?.ts.rfc3339 ?? "-"), warmest \(warmest?.tempC ?? 0) at \
      \(warmest?.ts.rfc3339 ?? "-")
      """)
  }
}
