import ColdTraceConfig
import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// The cumulative caps on defrost and door pauses, the defrost input over the schedule, and the lot catch-up with the
/// room's pauses, through the real ingest pipeline on a real SQLite file (docs/alert-rules.md, "Defrost and doors").
@Suite("Pause caps through the ingest pipeline", .timeLimit(.minutes(10)))
struct AirPauseCapsPipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T19:00:00Z")!  // 02:00 in +07:00
  private let database: String

  init() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ct-caps-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    database = directory.appendingPathComponent("c.db").path
  }

  private func open(_ config: String = "") throws -> IngestPipeline {
    let file = try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: config))
    return try IngestPipeline(
      store: try SQLiteStore(path: database), products: ProductAssignment(), conditionConfig: file.roomConditions)
  }

  private func at(_ minute: Int) -> Timestamp { start.adding(seconds: Double(minute) * 60) }

  private func ingest(_ pipeline: IngestPipeline, _ sensor: String, _ sample: Sample) throws {
    let payload = Array(ReadingEncoder.encode(agent: "a", sample: sample).utf8)
    _ = try payload.withUnsafeBytes {
      try pipeline.ingest(topic: "coldtrace/v1/reading/hongxuan/cold2/\(sensor)", payload: $0, receivedAt: sample.ts)
    }
  }

  /// Every minute of `minutes`: the input's sample first (when `input` gives one), then the air at `air`.
  private func play(
    _ pipeline: IngestPipeline, _ minutes: ClosedRange<Int>, air: Double, input: (Int) -> Sample?
  ) throws {
    for minute in minutes {
      if let sample = input(minute) { try ingest(pipeline, "cold2-controller", sample) }
      try ingest(pipeline, "air", Sample(seq: Int64(minute + 1), ts: at(minute), tempC: air + Double(minute % 2) / 10))
    }
  }

  private func opened(_ store: SQLiteStore, _ kind: AlertKind) throws -> [Timestamp] {
    try store.alerts(AlertFilter()).filter { $0.kind == kind }.map(\.openedAt).sorted()
  }

  @Test func aDoorOpenedEverySixMinutesPausesAtMostHalfAnHour() throws {
    let pipeline = try open()
    // Open 3 min of every 6 for 4 hours, the air past litchi's 8 °C critical limit all along: each opening and its
    // 15-min bypass reach the next, so without a cap the room would be paused the whole time.
    try play(pipeline, 0...240, air: 9) { Sample(seq: Int64($0 + 1), ts: self.at($0), doorOpen: $0 % 6 < 3) }
    let criticals = try pipeline.store.alerts(AlertFilter()).filter { $0.kind == .tempHigh }
    #expect(criticals.count == 1)
    // 30 paused minutes, then the 10-min critical delay (one minute in: the first sample past it).
    #expect(criticals.first?.openedAt == at(40))
    #expect(criticals.first?.severity == .critical)
    #expect(try opened(pipeline.store, .doorOpen).isEmpty, "no opening lasts 8 minutes")
  }

  @Test func theDoorCapIsAConfigSetting() throws {
    let pipeline = try open("[doors]\npause_per_hour_max_minutes = 60\n")
    try play(pipeline, 0...240, air: 9) { Sample(seq: Int64($0 + 1), ts: self.at($0), doorOpen: $0 % 6 < 3) }
    #expect(try opened(pipeline.store, .tempHigh).first == at(70), "an hour paused, then the 10-min delay")
  }

  @Test(arguments: [
    ("[doors]\npause_per_hour_max_minutes = 61\n", "doors.pause_per_hour_max_minutes"),
    ("[doors]\npause_per_hour_max_minutes = nan\n", "doors.pause_per_hour_max_minutes"),
    ("[defrost]\nper_day_max = -1\n", "defrost.per_day_max"),
    ("[defrost]\nper_day_max = 6.5\n", "defrost.per_day_max"),
    ("[[room_conditions]]\nroom = \"hongxuan/cold2\"\ndefrost_per_day_max = 49\n", "defrost_per_day_max"),
    ("[[room_conditions]]\nroom = \"hongxuan/cold2\"\ndoor_pause_per_hour_max_minutes = -5\n", "door_pause_per_hour"),
  ])
  func aBadCapIsRefusedInOneLineNamingItsKey(_ text: String, _ key: String) {
    #expect {
      try open(text)
    } throws: { error in
      "\(error)".contains(key) && !"\(error)".contains("\n")
    }
  }

  @Test func theCapsAreReadWithTheirDefaults() throws {
    #expect(
      try CollectorConfigFile.load(try ConfigTable(path: "c.toml", text: "")).roomConditions.defaults.defrostPerDayMax
        == 6)
    let file = try CollectorConfigFile.load(
      try ConfigTable(
        path: "c.toml",
        text: "[doors]\npause_per_hour_max_minutes = 20\n[defrost]\nper_day_max = 4\n"
          + "[[room_conditions]]\nroom = \"hongxuan/cold2\"\ndefrost_per_day_max = 8\n"))
    let conditions = file.roomConditions
    #expect(conditions.defaults.doorPausePerHourMaxMinutes == 20 && conditions.defaults.defrostPerDayMax == 4)
    #expect(conditions.settings(site: "hongxuan", room: "cold2").defrostPerDayMax == 8)
    #expect(conditions.settings(site: "hongxuan", room: "cold2").doorPausePerHourMaxMinutes == 20)
    let snapshot = try file.configurationSnapshot().settings
    #expect(snapshot["defrost.per_day_max"] == "4" && snapshot["doors.pause_per_hour_max_minutes"] == "20")
  }

  @Test func aControllerDefrostingEveryHourPausesSixDefrostsADay() throws {
    let pipeline = try open()
    // 20 min of defrost every hour; each defrost with its 60-min bypass reaches the next. The air sits at 6 °C,
    // above litchi's 5 °C warning (45 min delay).
    try play(pipeline, 0...600, air: 6) { Sample(seq: Int64($0 + 1), ts: self.at($0), defrost: $0 % 60 < 20) }
    // The sixth defrost (minute 300) pauses to minute 380 with its bypass; the seventh (360) is normal air.
    #expect(try opened(pipeline.store, .tempHigh) == [at(425)])
  }

  @Test func theDefrostCapIsAConfigSetting() throws {
    let pipeline = try open("[defrost]\nper_day_max = 24\n")
    try play(pipeline, 0...600, air: 6) { Sample(seq: Int64($0 + 1), ts: self.at($0), defrost: $0 % 60 < 20) }
    #expect(try opened(pipeline.store, .tempHigh).isEmpty)
  }

  @Test func aReportingDefrostInputOverridesTheSchedule() throws {
    let pipeline = try open(
      """
      [[defrost_schedule]]
      room = "hongxuan/cold2"
      times = ["02:30"]
      minutes = 25
      zone = "+07:00"
      """)
    // The controller's output says no defrost at 02:30 while the air is past 8 °C from 02:20: the excursion is
    // real, and the schedule's slot must not hide it.
    try play(pipeline, 0...20, air: 3.5) { Sample(seq: Int64($0 + 1), ts: self.at($0), defrost: false) }
    try play(pipeline, 21...120, air: 9) { Sample(seq: Int64($0 + 1), ts: self.at($0), defrost: false) }
    #expect(try opened(pipeline.store, .tempHigh) == [at(31)])
    let spans = try pipeline.store.roomSpans(site: "hongxuan", room: "cold2")
    #expect(spans.isEmpty, "a slot the input did not confirm is no defrost: \(spans)")
  }

  @Test func aSilentDefrostInputLeavesTheScheduleInForce() throws {
    let pipeline = try open(
      """
      [[defrost_schedule]]
      room = "hongxuan/cold2"
      times = ["02:30"]
      minutes = 25
      zone = "+07:00"
      """)
    // The input last reported at 02:00: by 02:30 it has been silent for 30 min, so the schedule speaks.
    try play(pipeline, 0...0, air: 3.5) { Sample(seq: Int64($0 + 1), ts: self.at($0), defrost: false) }
    try play(pipeline, 1...20, air: 3.5) { _ in nil }
    try play(pipeline, 21...130, air: 9) { _ in nil }
    // 9 minutes past 8 °C before the slot, paused for its 25 min and the 60-min bypass, then the tenth minute.
    let openedAt = try opened(pipeline.store, .tempHigh)
    #expect(openedAt == [at(116)])
    #expect(try pipeline.store.roomSpans(site: "hongxuan", room: "cold2").map(\.source) == [.schedule])
  }

  @Test func aLotAddedAfterTheReadingsIsJudgedWithTheRoomsPauses() throws {
    let pipeline = try open()
    // Two days of a room defrosting three times a day (25 min at 7.5 °C, then 40 min at 6 °C), no lot yet: live, a
    // lot there would spend nothing (`RoomConditionsPipelineTests`).
    let defrosting = { (minute: Int) in minute % 480 < 25 }
    for minute in 0...2880 {
      try ingest(
        pipeline, "cold2-controller", Sample(seq: Int64(minute + 1), ts: at(minute), defrost: defrosting(minute)))
      let air = defrosting(minute) ? 7.5 : minute % 480 < 65 ? 6 : 3.5
      try ingest(pipeline, "air", Sample(seq: Int64(minute + 1), ts: at(minute), tempC: air))
    }
    let raised = try pipeline.store.write { tx in
      _ = try tx.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
      var runner = LotRuleRunner(products: ProductAssignment(), tx: tx)
      let raised = try runner.catchUp(
        lot: "L1", product: "litchi", site: "hongxuan", room: "cold2", from: start, conditions: RoomConditionConfig())
      try runner.save()
      return raised
    }
    #expect(raised.isEmpty, "\(raised.map(\.alert.message))")
    #expect(try pipeline.store.lotRuleState("L1")?.temperatureBudget.usedMs == 0)
  }
}
