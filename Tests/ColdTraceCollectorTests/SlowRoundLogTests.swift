import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

@testable import ColdTraceCollector

/// The writer's slow-round log: a round in which a light site's reading waited past the threshold is logged with its
/// phases, what it held and the round before it; a backlog's long rounds at most once per interval; a burst is
/// bounded and what was left out is counted.
@Suite(.timeLimit(.minutes(10)))
struct SlowRoundLogTests {
  private func store() throws -> SQLiteStore {
    let directory = try TemporaryDirectory.make(prefix: "slow-round")
    return try SQLiteStore(path: directory.appendingPathComponent("c.db").path, durability: .onDemand)
  }

  private func item(site: String, seq: Int64, receivedAt: ContinuousClock.Instant) -> IngestQueue.Item {
    let key = SensorKey(site: site, room: "cold2", sensor: "probe-\(seq % 7)")
    let sample = Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3)
    var item = IngestQueue.Item(
      topic: "coldtrace/v1/reading/\(site)/cold2/probe-\(seq % 7)", payload: [],
      reading: DecodedReading(key: key, agent: "edge-1", samples: [sample], isBatch: false))
    item.receivedAt = receivedAt
    return item
  }

  @Test func aLightSitesLongWaitIsLoggedWithThePhasesAndTheRoundBeforeIt() throws {
    let store = try store()
    var log = SlowRoundLog(threshold: .milliseconds(20), lightReadings: 32)
    let start = ContinuousClock.now
    // A flood's round of 500 readings, 15 ms: not slow by itself, remembered as the round before.
    let flood = WriterRound(
      asked: start, items: (1...500).map { item(site: "floodsite", seq: $0, receivedAt: start) }, store: store)
    let floodLine = log.line(for: flood, store: store, ended: flood.taken + .milliseconds(15))
    #expect(floodLine == nil)
    // Site B's one reading arrived 30 ms before its round ended; the commit took 12 ms of it.
    let light = WriterRound(
      asked: start, items: [item(site: "sim-site-01", seq: 42, receivedAt: flood.taken)], store: store)
    light.write.commit = .milliseconds(12)
    let logged = log.line(for: light, store: store, ended: flood.taken + .milliseconds(30))
    let line = try #require(logged)
    #expect(line.contains("a light site's reading waited 30.0 ms to its alert lines"))
    #expect(line.contains("commit 12.0"))
    #expect(line.contains("sim-site-01 1 readings (1 samples)"))
    #expect(line.contains("coldtrace/v1/reading/sim-site-01/cold2/probe-0 seq 42 received_us "))
    #expect(line.contains("the round before: floodsite 500 in 15.0 ms"))
    #expect(!line.contains("\n"))
  }

  @Test func aBacklogsLongRoundsAreLoggedOncePerIntervalAndABurstIsBounded() throws {
    let store = try store()
    var log = SlowRoundLog(threshold: .milliseconds(20), lightReadings: 2)
    let start = ContinuousClock.now
    let heavy = WriterRound(
      asked: start, items: (1...10).map { item(site: "floodsite", seq: $0, receivedAt: start) }, store: store)
    let first = log.line(for: heavy, store: store, ended: heavy.taken + .milliseconds(40))
    let second = log.line(for: heavy, store: store, ended: heavy.taken + .milliseconds(80))
    #expect(first != nil)
    #expect(second == nil, "once per interval")
    var logged = 0
    for round in 1...25 {
      let light = WriterRound(
        asked: start, items: [item(site: "quiet", seq: Int64(round), receivedAt: start)], store: store)
      if log.line(for: light, store: store, ended: light.taken + .milliseconds(50)) != nil { logged += 1 }
    }
    #expect(logged == 19, "20 lines per interval, the first was the backlog's")
    let later = WriterRound(asked: start, items: [item(site: "quiet", seq: 99, receivedAt: start)], store: store)
    let afterInterval = log.line(for: later, store: store, ended: later.taken + .seconds(11))
    let line = try #require(afterInterval)
    #expect(line.contains("6 slow rounds not logged since the last line"))
  }

  @Test func aHandlerCallHoldingTheNetworkThreadIsLoggedPastTheThreshold() {
    var log = SlowHandlerLog(threshold: .milliseconds(20))
    let quick = log.line(topic: "coldtrace/v1/status/floodsite/edge-1", took: .milliseconds(5))
    #expect(quick == nil)
    let line = log.line(topic: "coldtrace/v1/status/floodsite/edge-1", took: .milliseconds(45))
    #expect(
      line == "slow MQTT handler: the message on coldtrace/v1/status/floodsite/edge-1 held the network thread 45.0 ms")
  }
}
