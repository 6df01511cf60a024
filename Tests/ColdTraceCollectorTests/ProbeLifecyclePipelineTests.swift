import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// Probes over their life through the real ingest pipeline on a real SQLite file: a probe that moves rooms leaves its
/// old readings in the old room (readings, reports, a lot's catch-up), and the `calibration_due` timer rule.
@Suite("Probe lifecycle through the ingest pipeline", .timeLimit(.minutes(10)))
struct ProbeLifecyclePipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let database: String

  init() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ct-life-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    database = directory.appendingPathComponent("c.db").path
  }

  private func minute(_ minutes: Int) -> Timestamp { start.adding(seconds: Double(minutes * 60)) }

  /// One reading a minute at 7 °C (above litchi's 5 °C warning) from `probe-1`, minutes `range`, on `room`'s topic.
  private func play(_ pipeline: IngestPipeline, room: String, minutes range: Range<Int>) throws {
    for step in range {
      let sample = Sample(seq: Int64(step + 1), ts: minute(step), tempC: 7 + Double(step % 2) / 10)
      let payload = Array(ReadingEncoder.encode(agent: "a", sample: sample).utf8)
      _ = try payload.withUnsafeBytes {
        try pipeline.ingest(
          topic: "coldtrace/v1/reading/hongxuan/\(room)/probe-1", payload: $0, receivedAt: minute(step))
      }
    }
  }

  /// The minutes of temperature budget a lot added in `room` at minute 0 spends over the stored readings.
  private func caughtUpBudget(_ store: SQLiteStore, lot: String, room: String) throws -> Double {
    _ = try store.write { tx in
      _ = try tx.addLot(lot, product: "litchi", market: nil, site: "hongxuan", room: room, at: start)
      var rules = LotRuleRunner(products: ProductAssignment(), tx: tx)
      let events = try rules.catchUp(
        lot: lot, product: "litchi", site: "hongxuan", room: room, from: start, conditions: RoomConditionConfig())
      try rules.save()
      return events
    }
    return Double(try #require(try store.lotRuleState(lot)).temperatureBudget.usedMs) / 60_000
  }

  @Test func aProbeThatMovesLeavesItsOldReadingsInTheOldRoom() throws {
    let pipeline = try IngestPipeline(store: try SQLiteStore(path: database), products: ProductAssignment())
    try play(pipeline, room: "cold2", minutes: 0..<100)
    try play(pipeline, room: "cold3", minutes: 100..<200)
    let store = pipeline.store
    var filter = ReadingFilter()
    filter.room = "cold2"
    #expect(try store.readings(filter).map(\.sample.ts) == (0..<100).map(minute))
    filter.room = "cold3"
    #expect(try store.readings(filter).map(\.sample.ts) == (100..<200).map(minute))
    // Lots placed in each room in the past count only the readings taken there: the first reading of the probe
    // for a lot stands for no time, so 100 readings a minute apart are 99 minutes.
    #expect(try caughtUpBudget(store, lot: "L2", room: "cold2") == 99)
    #expect(try caughtUpBudget(store, lot: "L3", room: "cold3") == 99)
    let report = try #require(try store.reportInput(lot: "L2", until: minute(300), now: minute(300)))
    #expect(report.series.map(\.count) == [100])
    #expect(report.series.first?.toMilliseconds == minute(100).milliseconds)
    // After a restart the collector keeps the room it knows, and the history stays as it was.
    let reopened = try IngestPipeline(store: try SQLiteStore(path: database), products: ProductAssignment())
    try play(reopened, room: "cold3", minutes: 200..<210)
    filter.room = "cold2"
    #expect(try reopened.store.readings(filter).count == 100)
  }

  @Test func calibrationDueOpensEscalatesAndResolvesOnTheCollectorsClock() throws {
    let pipeline = try IngestPipeline(store: try SQLiteStore(path: database), products: ProductAssignment())
    try play(pipeline, room: "cold2", minutes: 0..<3)
    let probe = ProbeKey(site: "hongxuan", sensor: "probe-1")
    let due = start.adding(seconds: 90 * 86_400)
    let rule = CalibrationRule()
    _ = try pipeline.store.write { tx in
      try tx.calibrateProbe(
        probe, certificate: "VN-CAL-1", at: start, due: due, by: "lan", now: start, rule: rule)
    }
    func day(_ days: Double) -> Timestamp { due.adding(seconds: days * 86_400) }
    #expect(try pipeline.checkCalibrations(now: day(-31), rule: rule).alerts.isEmpty, "31 days ahead: no notice")
    let opened = try pipeline.checkCalibrations(now: day(-30), rule: rule).alerts
    #expect(
      opened.map { "\($0.event.alert.kind.rawValue) \($0.event.alert.severity.rawValue)" } == [
        "calibration_due warning"
      ])
    #expect(opened.first?.key.room == "cold2")
    #expect(try pipeline.checkCalibrations(now: day(-1), rule: rule).alerts.isEmpty, "still due: nothing changes")
    let escalated = try pipeline.checkCalibrations(now: day(0), rule: rule)
    #expect(escalated.alerts.first?.event.alert.severity == .critical)
    #expect(escalated.journal.first?.line.contains("\"event\":\"escalated\"") == true)
    #expect(try pipeline.checkCalibrations(now: day(1), rule: rule).alerts.isEmpty)
    // A new calibration with a later due date, recorded by the shell a day after the due date, resolves it.
    let resolved = try pipeline.store.write { tx in
      try tx.calibrateProbe(
        probe, certificate: "VN-CAL-2", at: day(1), due: day(366), by: "lan", now: day(1), rule: rule)
    }
    #expect(resolved.map(\.alert.state) == [.resolved])
    #expect(resolved.first?.alert.message.contains("VN-CAL-2") == true)
    #expect(try pipeline.checkCalibrations(now: day(2), rule: rule).alerts.isEmpty)
    // A retired probe is no longer looked at.
    _ = try pipeline.store.write { tx in try tx.retireProbe(probe, reason: "broken", by: "lan", at: day(2)) }
    #expect(try pipeline.checkCalibrations(now: day(400), rule: rule).alerts.isEmpty)
  }

  @Test func aRetiredProbeRaisesNoOfflineAndItsLateReadingsAreStored() throws {
    let pipeline = try IngestPipeline(store: try SQLiteStore(path: database), products: ProductAssignment())
    try play(pipeline, room: "cold2", minutes: 0..<3)
    let silence = SilenceRule(silentAfterSeconds: 600)
    let offline = pipeline.checkSilence(now: minute(20), rule: silence)
    #expect(offline.committed.alerts.map(\.event.alert.kind) == [.offline])
    let probe = ProbeKey(site: "hongxuan", sensor: "probe-1")
    let resolved = try pipeline.store.write { tx in
      try tx.retireProbe(probe, reason: "cable cut", by: "lan", at: minute(21))
    }
    #expect(resolved.map(\.alert.state) == [.resolved])
    #expect(resolved.first?.alert.message.contains("retired") == true)
    // Its readings still arrive: stored, and the offline it no longer has is not resolved twice.
    try play(pipeline, room: "cold2", minutes: 22..<25)
    #expect(try pipeline.store.counts().readings == 6)
    #expect(pipeline.checkSilence(now: minute(60), rule: silence).committed.alerts.isEmpty)
    #expect(pipeline.checkSilence(now: minute(120), rule: silence).committed.alerts.isEmpty)
    #expect(try pipeline.store.alerts(AlertFilter()).count == 1, "the one offline alert, resolved at retirement")
    let records = try pipeline.store.probeRecords(site: nil, retired: true, now: minute(120))
    #expect(records.map(\.retirement?.reason) == ["cable cut"], "readings do not bring it back")
  }

  /// Sends `sample` from `sensor` of hongxuan/cold2.
  private func send(_ pipeline: IngestPipeline, _ sensor: String, _ sample: Sample) throws {
    let payload = Array(ReadingEncoder.encode(agent: "a", sample: sample).utf8)
    _ = try payload.withUnsafeBytes {
      try pipeline.ingest(topic: "coldtrace/v1/reading/hongxuan/cold2/\(sensor)", payload: $0, receivedAt: sample.ts)
    }
  }

  @Test func retiringResolvesEveryOpenAlertOfTheProbeAndEndsTheSpansItHeldOpen() throws {
    let pipeline = try IngestPipeline(store: try SQLiteStore(path: database), products: ProductAssignment())
    // A door contact reports the door open for 12 minutes (a critical door_open), a probe sits past 8 °C.
    for step in 0...12 {
      try send(pipeline, "cold2-door", Sample(seq: Int64(step + 1), ts: minute(step), doorOpen: true))
      try send(pipeline, "probe-1", Sample(seq: Int64(step + 1), ts: minute(step), tempC: 9 + Double(step % 2) / 10))
    }
    for step in 13...30 {
      try send(pipeline, "probe-1", Sample(seq: Int64(step + 1), ts: minute(step), tempC: 9 + Double(step % 2) / 10))
    }
    let store = pipeline.store
    var open = AlertFilter()
    open.state = .open
    #expect(Set(try store.alerts(open).map(\.kind)) == [.doorOpen, .tempHigh])
    #expect(try store.roomSpans(site: "hongxuan", room: "cold2").map(\.end) == [nil])

    let door = try store.write { tx in
      try tx.retireProbe(
        ProbeKey(site: "hongxuan", sensor: "cold2-door"), reason: "contact removed", by: "lan", at: minute(31))
    }
    #expect(door.map(\.alert.kind) == [.doorOpen])
    #expect(door.allSatisfy { $0.alert.state == .resolved && $0.alert.message.contains("retired") })
    #expect(try store.roomSpans(site: "hongxuan", room: "cold2").map(\.end) == [minute(31)])
    let saved = try #require(try store.roomConditions().first { $0.room == "cold2" }?.conditions)
    #expect(saved.open(.door) == nil)

    // The collector learns it, and its memory (saved with the next change of the room) ends the span too.
    try pipeline.refreshRetirements()
    try send(pipeline, "cold2-defrost", Sample(seq: 1, ts: minute(32), defrost: false))
    let after = try #require(try store.roomConditions().first { $0.room == "cold2" }?.conditions)
    #expect(after.open(.door) == nil)
    #expect(after.spans.first?.span.end == minute(31))

    let probe = try store.write { tx in
      try tx.retireProbe(ProbeKey(site: "hongxuan", sensor: "probe-1"), reason: "broken", by: "lan", at: minute(33))
    }
    #expect(probe.map(\.alert.kind) == [.tempHigh], "not only offline: every open alert of the probe")
    #expect(try store.alerts(open).isEmpty)
  }

  @Test func aRetiredProbesLateReadingsAreStoredAndJudgeNothing() throws {
    let pipeline = try IngestPipeline(store: try SQLiteStore(path: database), products: ProductAssignment())
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    try play(pipeline, room: "cold2", minutes: 0..<10)
    _ = try pipeline.store.write { tx in
      try tx.retireProbe(
        ProbeKey(site: "hongxuan", sensor: "probe-1"), reason: "left on the desk", by: "lan", at: minute(10))
    }
    // The collector learns it on its next timer round; three hours at 7 °C then raise no temp_high (45 min) and
    // spend no budget (120 min), and the lot's report stops at the retirement.
    try pipeline.refreshRetirements()
    try play(pipeline, room: "cold2", minutes: 10..<190)
    #expect(try pipeline.store.counts().readings == 190)
    #expect(try pipeline.store.alerts(AlertFilter()).isEmpty)
    #expect(try pipeline.store.lotRuleState("L1")?.temperatureBudget.usedMs == 9 * 60_000)
    let report = try #require(try pipeline.store.reportInput(lot: "L1", until: minute(300), now: minute(300)))
    #expect(report.series.map(\.count) == [10])
    #expect(report.series.first?.toMilliseconds == minute(10).milliseconds)
  }
}
