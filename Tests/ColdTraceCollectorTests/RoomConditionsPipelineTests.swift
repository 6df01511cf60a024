import ColdTraceConfig
import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// Defrosts and doors through the real ingest pipeline on a real SQLite file (docs/alert-rules.md, "Defrost and
/// doors"): input samples and a schedule write `room_spans`, pause an air-only lot's budget, raise `door_open`, and
/// survive a restart.
@Suite("Defrost and doors through the ingest pipeline", .timeLimit(.minutes(10)))
struct RoomConditionsPipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T19:00:00Z")!  // 02:00 in +07:00
  private let database: String

  init() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ct-cond-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    database = directory.appendingPathComponent("c.db").path
  }

  private func open(_ config: String = "") throws -> IngestPipeline {
    let file = try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: config))
    return try IngestPipeline(
      store: try SQLiteStore(path: database), products: ProductAssignment(), conditionConfig: file.roomConditions)
  }

  private func ingest(_ pipeline: IngestPipeline, _ sensor: String, _ sample: Sample) throws {
    let payload = Array(ReadingEncoder.encode(agent: "a", sample: sample).utf8)
    _ = try payload.withUnsafeBytes {
      try pipeline.ingest(topic: "coldtrace/v1/reading/hongxuan/cold2/\(sensor)", payload: $0, receivedAt: sample.ts)
    }
  }

  /// Every minute from `from` to `to` (minutes after the start): the air at `air(minute)`, and the input's state
  /// first when `input` gives one.
  private func play(
    _ pipeline: IngestPipeline, from: Int, to: Int, air: (Int) -> Double, input: ((Int) -> Sample?)? = nil
  ) throws {
    for minute in from...to {
      let ts = start.adding(seconds: Double(minute) * 60)
      if let sample = input?(minute) { try ingest(pipeline, "cold2-controller", sample) }
      try ingest(pipeline, "air", Sample(seq: Int64(minute + 1), ts: ts, tempC: air(minute) + Double(minute % 2) / 10))
    }
  }

  private func at(_ minute: Int) -> Timestamp { start.adding(seconds: Double(minute) * 60) }

  @Test func aDefrostInputPausesTheBudgetAndIsRecordedAsASpan() throws {
    let pipeline = try open()
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    // Three defrosts a day for two days: 25 min at 7.5 °C, recovering at 6 °C for 40 min.
    let defrosting = { (minute: Int) in minute % 480 < 25 }
    try play(
      pipeline, from: 0, to: 2880, air: { minute in defrosting(minute) ? 7.5 : minute % 480 < 65 ? 6 : 3.5 },
      input: { Sample(seq: Int64($0 + 1), ts: self.at($0), defrost: defrosting($0)) })
    let alerts = try pipeline.store.alerts(AlertFilter())
    #expect(alerts.isEmpty, "\(alerts.map(\.message))")
    let spans = try pipeline.store.roomSpans(site: "hongxuan", room: "cold2")
    #expect(spans.count == 7)
    #expect(spans.allSatisfy { $0.signal == .defrost && $0.source == .input && $0.sensor == "cold2-controller" })
    #expect(spans.first?.start == at(0))
    #expect(spans.first?.end == at(25))
  }

  @Test func withoutTheInputTheSameAirSpendsTheBudget() throws {
    let pipeline = try open()
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    try play(pipeline, from: 0, to: 2880, air: { minute in minute % 480 < 25 ? 7.5 : minute % 480 < 65 ? 6 : 3.5 })
    #expect(try pipeline.store.alerts(AlertFilter()).contains { $0.kind == .budget && $0.severity == .critical })
  }

  @Test func aScheduleWritesItsSpansAndPausesTheBudget() throws {
    let pipeline = try open(
      """
      [[defrost_schedule]]
      room = "hongxuan/cold2"
      times = ["02:00", "10:00", "18:00"]
      minutes = 25
      zone = "+07:00"
      """)
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    try play(pipeline, from: 0, to: 2880, air: { minute in minute % 480 < 25 ? 7.5 : minute % 480 < 65 ? 6 : 3.5 })
    #expect(try pipeline.store.alerts(AlertFilter()).isEmpty)
    let spans = try pipeline.store.roomSpans(site: "hongxuan", room: "cold2")
    #expect(spans.map(\.source) == Array(repeating: .schedule, count: 7))
    #expect(spans.first.map { $0.start == at(0) && $0.end == at(25) } == true)
  }

  @Test func aDoorHeldOpenWarnsEscalatesAndResolvesAcrossARestart() throws {
    var pipeline = try open()
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    let door = { (minute: Int) in
      Sample(seq: Int64(minute + 1), ts: self.at(minute), doorOpen: (5..<30).contains(minute))
    }
    try play(pipeline, from: 0, to: 12, air: { _ in 3.5 }, input: door)
    // The collector restarts with the door open: the span and the open alert carry on.
    pipeline = try open()
    try play(pipeline, from: 13, to: 40, air: { _ in 3.5 }, input: door)
    let alerts = try pipeline.store.alerts(AlertFilter()).filter { $0.kind == .doorOpen }
    #expect(alerts.count == 1)
    let alert = try #require(alerts.first)
    #expect(alert.severity == .critical)
    #expect(alert.lots == ["L1"])
    #expect(alert.sensor == "cold2-controller")
    #expect(alert.openedAt == at(13))
    #expect(alert.resolvedAt == at(30))
    let spans = try pipeline.store.roomSpans(site: "hongxuan", room: "cold2")
    #expect(spans.count == 1)
    #expect(spans.first.map { $0.signal == .door && $0.start == at(5) && $0.end == at(30) } == true)
  }

  @Test func aRoomWithoutSignalsKeepsNoConditions() throws {
    let pipeline = try open()
    try play(pipeline, from: 0, to: 30, air: { _ in 3.5 })
    #expect(try pipeline.store.roomConditions().isEmpty)
    #expect(try pipeline.store.roomSpans(site: "hongxuan", room: "cold2").isEmpty)
  }

  @Test func theSettingsAndTheScheduleAreInTheJournalledSnapshot() throws {
    let file = try CollectorConfigFile.load(
      try ConfigTable(
        path: "collector.toml",
        text: """
          [doors]
          warning_minutes = 6
          [[room_conditions]]
          room = "hongxuan/cold3"
          defrost_max_minutes = 60
          [[defrost_schedule]]
          room = "hongxuan/cold2"
          times = ["23:50", "11:50"]
          minutes = 20
          zone = "+07:00"
          """))
    let settings = try file.configurationSnapshot().settings
    #expect(settings["defrost.max_minutes"] == "45")
    #expect(settings["doors.warning_minutes"] == "6")
    #expect(settings["defrost_schedule hongxuan/cold2"] == "11:50,23:50 20 min UTC+7h")
    #expect(settings["room_conditions hongxuan/cold3"]?.contains("defrost.max_minutes=60") == true)
  }
}
