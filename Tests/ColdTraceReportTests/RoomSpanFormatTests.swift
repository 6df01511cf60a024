import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceReport

/// Defrosts and door openings in every format of the golden lot (two stays, four spans), and the span list capped for
/// a long lot.
@Suite(.timeLimit(.minutes(10)))
struct RoomSpanFormatTests {
  private let english = ReportFormatter(language: .en, utcOffsetMinutes: 420)

  @Test func jsonListsEverySpanAndEachStaysJudgement() throws {
    let text = ReportFormat.json.render(GoldenReportTests.report(), english)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let spans = try #require(object["spans"] as? [[String: Any]])
    #expect(spans.map { $0["signal"] as? String } == ["defrost", "door", "defrost", "door"])
    #expect(spans.map { $0["source"] as? String } == ["input", "input", "schedule", "input"])
    #expect(spans[0]["sensor"] as? String == "ctl2" && spans[2]["sensor"] is NSNull)
    #expect(spans[0]["start"] as? String == "2026-06-12T01:30:00.000Z")
    #expect(spans[0]["end"] as? String == "2026-06-12T01:55:00.000Z")
    #expect(spans[0]["minutes"] as? Double == 25)
    let rooms = try #require(object["rooms"] as? [[String: Any]])
    let first = try #require(rooms[0]["judged_by"] as? [String: Any])
    #expect(first["basis"] as? String == "product" && first["probes"] as? [String] == ["hongxuan/p1"])
    #expect(first["context"] as? [String] == ["hongxuan/a1", "hongxuan/ev1"])
    let second = try #require(rooms[1]["judged_by"] as? [String: Any])
    let excluded = try #require(second["excluded"] as? [String: Any])
    #expect(second["basis"] as? String == "air")
    #expect(excluded["defrosts"] as? Int == 1 && excluded["doors"] as? Int == 1 && excluded["minutes"] as? Double == 65)
    #expect((rooms[1]["defrost"] as? [String: Any])?["longest_minutes"] as? Double == 30)
    let placements = try #require(object["probe_placements"] as? [[String: Any]])
    #expect(placements.map { $0["placement"] as? String } == ["product", "air", "evaporator", "air"])
    #expect(placements.map { $0["judges"] as? Bool } == [true, false, false, true])
    let integrity = try #require(object["integrity"] as? [String: Any])
    #expect(
      integrity["seal_version"] as? Int == 2
        && integrity["spans_sha256"] as? String == String(repeating: "f", count: 64))
  }

  @Test func htmlTablesTheSpansAndShadesThemOnTheChart() {
    let html = ReportFormat.html.render(
      GoldenReportTests.report(), ReportFormatter(language: .vi, utcOffsetMinutes: 420))
    #expect(html.contains("<h2>Xả đá và mở cửa</h2>"))
    #expect(html.contains("<td>công tắc cửa door3</td>") && html.contains("<td>lịch xả đá</td>"))
    #expect(html.contains("Đã loại trừ: 1 lần xả đá, 1 lần mở cửa, 1 giờ 5 phút."))
    let defrostBands = html.components(separatedBy: "fill=\"\(ReportChart.spanColours[.defrost]!)\"").count - 1
    let doorBands = html.components(separatedBy: "fill=\"\(ReportChart.spanColours[.door]!)\"").count - 1
    #expect(defrostBands == 2 * 2 + 1, "two defrosts on both panels, and the legend")
    #expect(doorBands == 2 * 2 + 1)
    #expect(html.contains(">xả đá</text>") && html.contains(">mở cửa</text>"), "the legend names both")
    #expect(html.contains("stroke-opacity=\"0.6\"") && !html.contains("stroke-dasharray"), "context probes are paler")
  }

  @Test func csvAddsATableOfSpansAsWideAsTheReadings() {
    let csv = CSVReportRenderer.render(GoldenReportTests.report(), english)
    let tables = csv.components(separatedBy: "\r\n\r\n")
    #expect(tables.count == 2)
    let rows = tables[1].split(separator: "\r\n")
    #expect(rows.first == Substring(CSVReportRenderer.spanColumns.joined(separator: ",")))
    #expect(rows.count == 1 + 4)
    #expect(rows.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 10 })
    #expect(CSVReportRenderer.spanColumns.count == CSVReportRenderer.columns.count)
  }

  @Test func aLongLotListsTheFirstFiftySpansAndCountsTheRest() {
    var report = GoldenReportTests.report()
    let many = (0..<60).map { index in
      ReportFixtures.span(.door, .input, sensor: "door3", room: "cold3", from: 120 + 2 * index, to: 121 + 2 * index)
    }
    report.rooms[0].spans = []
    report.rooms[1].spans = many
    let text = ReportFormat.text.render(report, english)
    #expect(text.components(separatedBy: "door contact door3").count - 1 == TextReportRenderer.listedSpans)
    #expect(text.contains("… and 10 more (every span is in the JSON and CSV reports)"))
    #expect(report.rooms[1].summary(.door).count == 60)
    let html = ReportFormat.html.render(report, english)
    #expect(html.contains("… and 10 more"))
    #expect(CSVReportRenderer.render(report, english).components(separatedBy: ",door3,").count - 1 == 60)
  }
}
