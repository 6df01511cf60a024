import ColdTraceCore
import ColdTraceReport
import Foundation
import Testing

@testable import ColdTraceCollector
@testable import ColdTraceStorage

/// Readings that arrive after a newer reading of their probe: stored, passed over by the live rules, recorded as late,
/// and listed by the lot report (docs/alert-rules.md, "Late readings"), through the real pipeline on a real SQLite file.
@Suite("Late readings", .timeLimit(.minutes(10)))
struct LateReadingTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let pipeline: IngestPipeline

  init() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ct-late-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    pipeline = try IngestPipeline(
      store: try SQLiteStore(path: directory.appendingPathComponent("c.db").path), products: ProductAssignment())
  }

  /// A third-party probe's reading (no `seq`) at `minute`, `tempC` °C.
  private func send(_ probe: String, minute: Int, _ tempC: Double) throws {
    let ts = start.adding(seconds: Double(minute) * 60)
    let payload = Array(ReadingEncoder.encode(agent: "a", sample: Sample(seq: nil, ts: ts, tempC: tempC)).utf8)
    _ = try payload.withUnsafeBytes {
      try pipeline.ingest(
        topic: "coldtrace/v1/reading/hongxuan/cold2/\(probe)", payload: $0, receivedAt: start.adding(seconds: 7200))
    }
  }

  @Test func aLateReadingIsStoredPassedOverAndListedByTheReport() throws {
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    for minute in stride(from: 0, through: 60, by: 5) { try send("air", minute: minute, 3.5 + Double(minute % 2)) }
    // Two readings of the past arrive after minute 60 (a publisher catching up out of order), one of them far past
    // the critical limit: stored, but the live rules have moved on.
    try send("air", minute: 12, 12)
    try send("air", minute: 31, 3.6)
    // An in-order reading of another probe is not late.
    try send("pulp", minute: 61, 3.8)

    #expect(try pipeline.store.counts().readings == 16)
    #expect(try pipeline.store.alerts(AlertFilter()).isEmpty, "the live rules passed over the late 12 °C")
    let input = try #require(try pipeline.store.reportInput(lot: "L1", now: start.adding(seconds: 7200)))
    let late = try #require(input.lateReadings["hongxuan/air"])
    #expect(late.count == 2)
    #expect(late.first == start.adding(seconds: 720) && late.last == start.adding(seconds: 1860))
    #expect(input.lateReadings["hongxuan/pulp"] == nil)

    let report = LotReportBuilder.build(input, profile: BuiltInProfiles.litchi)
    let text = ReportFormat.text.render(report, ReportFormatter(language: .en, utcOffsetMinutes: 420))
    #expect(text.contains("Readings that arrived late"))
    #expect(text.contains("hongxuan/air           2 readings, 2026-06-13 00:12 → 2026-06-13 00:31"), "\(text)")
    let json = ReportFormat.json.render(report, ReportFormatter(language: .en, utcOffsetMinutes: 420))
    #expect(json.contains(#""late_readings":[{"probe":"hongxuan/air","count":2,"#))
    let vietnamese = ReportFormat.text.render(report, ReportFormatter(language: .vi, utcOffsetMinutes: 420))
    #expect(vietnamese.contains("Số đo đến muộn") && vietnamese.contains("2 số đo"))
  }

  @Test func aLotWithoutLateReadingsHasNoSuchSection() throws {
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    for minute in stride(from: 0, through: 30, by: 5) { try send("air", minute: minute, 3.5) }
    try send("air", minute: 30, 3.5)  // the same instant again: a duplicate, not late
    let input = try #require(try pipeline.store.reportInput(lot: "L1", now: start.adding(seconds: 7200)))
    #expect(input.lateReadings.isEmpty)
    let report = LotReportBuilder.build(input, profile: BuiltInProfiles.litchi)
    let text = ReportFormat.text.render(report, ReportFormatter(language: .en, utcOffsetMinutes: 420))
    #expect(!text.contains("arrived late"))
  }
}
