import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import Foundation
import Synchronization
import TestSupport
import Testing

/// Group commit is for agents that keep an outbox: an agent whose status announces one has its readings committed in
/// batches behind the end-to-end acknowledgement, and the collector remembers it across restarts.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct OutboxAnnouncementTests {
  @Test func anAgentAnnouncingAnOutboxIsBatchedAndRemembered() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let publisher = try MosquittoClient(
      options: ClientOptions(clientID: "edge", broker: try BrokerAddress(url: broker.url)))
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })

    let status =
      #"{"state":"online","agent":"hx-edge-1","version":"t","ts":"2026-11-29T00:00:00Z","outbox":{"pending":0,"dropped":0}}"#
    let accepted = Atomic<Int>(0)
    _ = try publisher.publish(
      topic: Topics.status(site: "hongxuan", agent: "hx-edge-1"), payload: Array(status.utf8), retain: true)
    let start = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000)
    let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-a")
    let total = 300
    for seq in 1...Int64(total) {
      let sample = Sample(seq: seq, ts: start.adding(seconds: Double(seq)), tempC: 3.5)
      let payload = Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample).utf8)
      _ = try publisher.publish(topic: Topics.reading(key), payload: payload) { outcome in
        if outcome == .accepted { accepted.add(1, ordering: .relaxed) }
      }
    }
    #expect(eventually(timeout: 30) { accepted.load(ordering: .relaxed) == total })
    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually(timeout: 30) { ((try? store.counts().readings) ?? 0) == total })
    facility.stopCollector()

    let stopped = facility.collectorLog.split(separator: "\n").last { $0.contains("collector stopped") }
    let batches = stopped.flatMap { line in
      line.split(separator: " ").first { $0.hasPrefix("batches=") }.flatMap { Int($0.dropFirst("batches=".count)) }
    }
    #expect((batches ?? 0) >= 1, "the announced agent's readings did not go through group commit: \(stopped ?? "")")
    #expect(try store.agentsWithOutbox() == [AgentKey(site: "hongxuan", agent: "hx-edge-1")])
  }
}
