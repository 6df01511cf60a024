import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceReport

/// Readings whose time was corrected or is doubtful are marked in every format: a section per probe in text, HTML
/// and JSON, and a `time_quality` cell on each CSV row; a lot without any looks as before.
struct TimeQualityReportTests {
  private let english = ReportFormatter(language: .en, utcOffsetMinutes: 420)
  private let vietnamese = ReportFormatter(language: .vi, utcOffsetMinutes: 420)

  private func markedReport() -> LotReport {
    var report = GoldenReportTests.report()
    report.series[0].timeQualities = [0: .corrected, 1: .corrected, 3: .unsynced]
    return report
  }

  @Test func eachFormatCountsThemPerProbe() throws {
    let report = markedReport()
    let probe = "\(report.series[0].site)/\(report.series[0].sensor)"
    #expect(report.doubtfulTimes[probe]?.corrected == 2 && report.doubtfulTimes[probe]?.unsynced == 1)
    let text = ReportFormat.text.render(report, english)
    #expect(text.contains("Readings with a corrected or doubtful time"))
    #expect(text.contains("2 corrected, 1 doubtful, "))
    let html = ReportFormat.html.render(report, english)
    #expect(html.contains("Readings with a corrected or doubtful time") && html.contains("2 corrected, 1 doubtful"))
    let json = ReportFormat.json.render(report, english)
    #expect(json.contains(#""time_quality":[{"probe":"\#(probe)","corrected":2,"unsynced":1,"first":"#))
    let rows = ReportFormat.csv.render(report, english).split(separator: "\r\n")
    #expect(rows[1].hasSuffix(",corrected") && rows[2].hasSuffix(",corrected") && rows[3].hasSuffix(","))
    #expect(rows[4].hasSuffix(",unsynced"))
    let vi = ReportFormat.text.render(report, vietnamese)
    #expect(vi.contains("Số đo có thời gian đã hiệu chỉnh hoặc không chắc chắn") && vi.contains("2 đã hiệu chỉnh"))
  }

  @Test func aLotWithoutAnyHasNoSectionAndEmptyCells() {
    let report = GoldenReportTests.report()
    #expect(report.doubtfulTimes.isEmpty)
    #expect(!ReportFormat.text.render(report, english).contains("corrected or doubtful"))
    #expect(ReportFormat.json.render(report, english).contains(#""time_quality":[]"#))
    let rows = ReportFormat.csv.render(report, english).split(separator: "\r\n")
    #expect(rows[0].hasSuffix(",rh_status,time_quality") && rows[1].hasSuffix(",in,"))
  }
}
