import ColdTraceCore
import ColdTraceReport
import ColdTraceStorage
import Foundation
import Testing

/// The room report in a zone with daylight saving time (local days of 23 hours, each time at its own offset) and its
/// marks on readings whose time was corrected or is doubtful, from a real database.
@Suite struct RoomReportLocalTimeTests {
  private static func utc(_ text: String) -> Timestamp { Timestamp.parseRFC3339(text)! }

  /// Europe/Berlin around the change to summer time on 29 March 2026 (01:00 UTC).
  private static let berlin = SiteTimeZone(
    identifier: "Europe/Berlin", initialOffsetSeconds: 3600,
    changes: [.init(start: utc("2026-03-29T01:00:00Z").milliseconds, offsetSeconds: 7200)])

  /// Probe p1 in hub/cold1 every hour from 28 March 00:00 to 30 March 23:00 UTC; the readings of 29 March 10:00 and
  /// 11:00 UTC stamped again after a clock correction, the one of 12:00 doubtful.
  private static func store() throws -> SQLiteStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-roomtz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("rooms.db").path)
    let first = utc("2026-03-28T00:00:00Z")
    var samples: [Sample] = []
    for hour in 0..<72 {
      let quality: TimeQuality? = hour == 34 || hour == 35 ? .corrected : hour == 36 ? .unsynced : nil
      samples.append(
        Sample(
          seq: Int64(hour + 1), ts: first.adding(seconds: Double(hour) * 3600), tempC: 3, rhPct: 90,
          timeQuality: quality))
    }
    try store.write { tx in
      let source = try tx.sourceID(for: SensorKey(site: "hub", room: "cold1", sensor: "p1"), agent: "edge")
      _ = try tx.insertNew(samples, source: source)
    }
    return store
  }

  private func report(_ zone: SiteTimeZone) throws -> RoomReport {
    let input = try Self.store().roomReportInput(
      site: "hub", rooms: ["cold1"], scope: "hub/cold1", from: Self.utc("2026-03-27T23:00:00Z"),
      to: Self.utc("2026-03-30T22:00:00Z"))
    return RoomReportBuilder.build(input, profiles: ["cold1": BuiltInProfiles.litchi], dayZone: zone)
  }

  @Test func theDayTheClocksGoForwardHas23Readings() throws {
    let report = try report(Self.berlin)
    let days = report.days.filter { $0.metric == .temperature }
    // Local days: 28 March (00:00–23:00 UTC, 23 readings from 00:00), 29 March (23:00–22:00 UTC: 23 hours),
    // 30 March (22:00 UTC on, to the period's end at 22:00 UTC on the 30th).
    #expect(days.map { Language.en.date($0.day, in: Self.berlin) } == ["2026-03-28", "2026-03-29", "2026-03-30"])
    #expect(days.map(\.readings) == [23, 23, 24])
    let text = ReportFormat.text.render(report, ReportFormatter(language: .en, timeZone: Self.berlin))
    #expect(text.contains("Europe/Berlin (+01:00, +02:00)"), "\(text)")
    let json = ReportFormat.json.render(report, ReportFormatter(language: .en, timeZone: Self.berlin))
    #expect(json.contains(#""day_utc_offset":"+01:00","time_zone":"Europe/Berlin""#))
    let vietnam = try self.report(.vietnam).days.filter { $0.metric == .temperature }
    #expect(vietnam.map(\.readings) == [17, 24, 24, 5], "the same readings cut at +07:00 midnights")
  }

  @Test func readingsWithACorrectedOrDoubtfulTimeAreMarkedInEveryFormat() throws {
    let report = try report(Self.berlin)
    #expect(
      report.doubtfulTimes["hub/p1"]
        == DoubtfulTimes(
          corrected: 2, unsynced: 1, first: Self.utc("2026-03-29T10:00:00Z"), last: Self.utc("2026-03-29T12:00:00Z")))
    let format = ReportFormatter(language: .en, timeZone: Self.berlin)
    let text = ReportFormat.text.render(report, format)
    #expect(text.contains("Readings with a corrected or doubtful time"))
    #expect(text.contains("hub/p1") && text.contains("2 corrected, 1 doubtful, 2026-03-29 12:00 → 2026-03-29 14:00"))
    let vietnamese = ReportFormat.html.render(report, ReportFormatter(language: .vi, timeZone: Self.berlin))
    #expect(vietnamese.contains("2 đã hiệu chỉnh, 1 không chắc chắn, 29/03/2026 12:00 → 29/03/2026 14:00"))
    let json = ReportFormat.json.render(report, format)
    #expect(
      json.contains(
        #""time_quality":[{"probe":"hub/p1","corrected":2,"unsynced":1,"first":"2026-03-29T10:00:00.000Z","#
          + #""last":"2026-03-29T12:00:00.000Z"}]"#), "\(json)")
    let clean = RoomReportBuilder.build(
      try Self.store().roomReportInput(
        site: "hub", rooms: ["cold1"], scope: "hub/cold1", from: Self.utc("2026-03-28T00:00:00Z"),
        to: Self.utc("2026-03-29T00:00:00Z")),
      profiles: [:], dayZone: Self.berlin)
    #expect(!ReportFormat.text.render(clean, format).contains("doubtful time"), "no section without such readings")
  }
}
