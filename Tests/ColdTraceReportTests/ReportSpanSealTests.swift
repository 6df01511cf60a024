import ColdTraceCore
import ColdTraceReport
import Foundation
import GRDB
import Testing

@testable import ColdTraceStorage

/// The seal over probe placements and room spans, on a real SQLite file: a changed span or placement is named, a span
/// still open when the report was made verifies once closed, an input is no probe, and a version 1 seal (made before
/// placements and spans counted) still verifies.
@Suite(.timeLimit(.minutes(10)))
struct ReportSpanSealTests {
  private let t0 = Timestamp(milliseconds: ReportFixtures.start)
  private let placements = [ProbeKey(site: "hx", sensor: "p1"): Placement.product]

  /// Lot LT-1 in hx/cold2 for 30 minutes: product probe p1, air probe a1 (warm during the defrost), the controller's
  /// defrost input ctl2, and the defrost span it gave, minutes 10–20 (left open when `closed` is false).
  private func filled(closed: Bool = true) throws -> SQLiteStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-span-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("span.db").path)
    _ = try store.addLot("LT-1", product: "litchi", market: "eu", site: "hx", room: "cold2", at: t0)
    try store.write { tx in
      for sensor in ["p1", "a1", "ctl2"] {
        let source = try tx.sourceID(for: SensorKey(site: "hx", room: "cold2", sensor: sensor), agent: "edge")
        let samples = (0..<30).map { minute in
          let ts = t0.adding(seconds: Double(minute) * 60)
          let defrost = (10..<20).contains(minute)
          return sensor == "ctl2"
            ? Sample(seq: Int64(minute + 1), ts: ts, defrost: defrost)
            : Sample(seq: Int64(minute + 1), ts: ts, tempC: sensor == "a1" && defrost ? 9 : 3.5, rhPct: 90)
        }
        _ = try tx.insertNew(samples, source: source)
      }
      let span = RoomSpan(signal: .defrost, source: .input, sensor: "ctl2", start: t0.adding(seconds: 600), end: nil)
      let id = try tx.openRoomSpan(span, site: "hx", room: "cold2")
      if closed { try tx.closeRoomSpan(id, at: t0.adding(seconds: 1200)) }
    }
    _ = try store.closeLot("LT-1", at: t0.adding(seconds: 1800))
    return store
  }

  private func sealedText(_ store: SQLiteStore, version: Int = ReportSeal.currentVersion) throws -> String {
    let input = try #require(
      try store.reportInput(lot: "LT-1", now: t0.adding(seconds: 7200), placements: placements, sealVersion: version))
    let report = LotReportBuilder.build(input, profile: BuiltInProfiles.litchi)
    return ReportFormat.text.render(report, ReportFormatter(language: .en, utcOffsetMinutes: 0))
  }

  private func differences(
    _ store: SQLiteStore, _ claimed: ReportSeal, placements: [ProbeKey: Placement]? = nil
  ) throws -> [String] {
    let again = try #require(
      try store.reportInput(
        lot: "LT-1", until: claimed.to, now: claimed.to, placements: placements ?? self.placements,
        sealVersion: claimed.version))
    return SealComparison.differences(claimed: claimed, recomputed: again.seal)
  }

  @Test func theQueryPlacesEachProbeReadsTheSpansAndLeavesTheInputOut() throws {
    let store = try filled()
    let input = try #require(try store.reportInput(lot: "LT-1", now: t0, placements: placements))
    #expect(input.series.map(\.sensor) == ["a1", "p1"])
    #expect(input.series.map(\.placement) == [.air, .product])
    #expect(input.spans.map(\.span.sensor) == ["ctl2"])
    #expect(input.spans.first?.end == t0.adding(seconds: 1200))
    let report = LotReportBuilder.build(input, profile: BuiltInProfiles.litchi)
    #expect(report.gaps.isEmpty, "the input has no values and is no probe with a gap")
    #expect(report.verdict.outcome == .withinLimits, "the product probe judges; the air's 9 °C is context")
  }

  @Test func aChangedSpanOrPlacementIsNamed() throws {
    let store = try filled()
    let claimed = try #require(ReportSeal.find(in: try sealedText(store)))
    #expect(claimed.version == 2)
    #expect(try differences(store, claimed).isEmpty)

    #expect(
      try differences(store, claimed, placements: [:])
        == ["a probe's placement (air, product, simulant, evaporator, ambient) changed"])

    try store.queue.write { db in try db.execute(sql: "UPDATE room_spans SET end_ms = end_ms + 60000") }
    #expect(try differences(store, claimed) == ["the rooms' defrost or door spans changed"])
    try store.queue.write { db in try db.execute(sql: "DELETE FROM room_spans") }
    #expect(try differences(store, claimed) == ["the rooms' defrost or door spans changed"])
  }

  @Test func aSpanOpenWhenTheReportWasMadeVerifiesOnceClosed() throws {
    let store = try filled(closed: false)
    let claimed = try #require(ReportSeal.find(in: try sealedText(store)))
    try store.write { tx in
      let id = try #require(try Int64.fetchOne(tx.db, sql: "SELECT id FROM room_spans"))
      try tx.closeRoomSpan(id, at: t0.adding(seconds: 2400))
    }
    #expect(try differences(store, claimed).isEmpty, "the span is cut at the lot's end either way")
  }

  @Test func aVersionOneSealStillVerifies() throws {
    let store = try filled()
    let text = try sealedText(store, version: 1)
    #expect(text.contains("coldtrace-integrity:v1;") && !text.contains(";spans="))
    let claimed = try #require(ReportSeal.find(in: text))
    #expect(claimed.version == 1 && claimed.spansSHA256 == nil)
    #expect(try differences(store, claimed).isEmpty)
    let current = try #require(ReportSeal.find(in: try sealedText(store)))
    #expect(current.sha256 != claimed.sha256, "version 2's digest covers placements and spans too")
    #expect(ReportSeal.find(in: text.replacingOccurrences(of: "integrity:v1;", with: "integrity:v9;")) == nil)
  }
}
