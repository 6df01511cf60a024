import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceReport

/// The text and CSV reports of a small fixed lot, byte for byte, in English and Vietnamese.
/// `COLDTRACE_UPDATE_GOLDEN=1 swift test --filter GoldenReportTests` rewrites the files after a deliberate change.
@Suite(.timeLimit(.minutes(10)))
struct GoldenReportTests {
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

  /// Two probes, an excursion, a gap, and one acknowledged alert with a note.
  static func report() -> LotReport {
    let alert = AlertRecord(
      id: 12, kind: .tempHigh, severity: .warning, state: .resolved, site: "hongxuan", room: "cold2", sensor: "b",
      lots: ["LT-2026-0612"], product: "litchi", openedAt: ReportFixtures.time(minutes: 5),
      resolvedAt: ReportFixtures.time(minutes: 6), ackedAt: ReportFixtures.time(minutes: 7), ackedBy: "Lan",
      note: "Cửa phòng mở, đã đóng lại", limit: 5, peak: 7.25, message: "temperature above 5 °C")
    let input = ReportFixtures.input(
      [
        ReportFixtures.probe("a", [3.1, 3.2, 6.04, 5.5, 3, nil, nil, nil, 2.9, 3]),
        ReportFixtures.probe("b", [3, 3.3, 3.1, 6.5, 3, 7.25, 3, 3.4, -0.2, 3]),
      ], minutes: 10, alerts: [alert])
    return LotReportBuilder.build(input, profile: ReportFixtures.profile())
  }

  @Test(arguments: [ReportFormat.text, .csv], Language.allCases)
  func matchesTheGoldenFile(format: ReportFormat, language: Language) throws {
    let rendered = format.render(Self.report(), ReportFormatter(language: language, utcOffsetMinutes: 420))
    let file = Self.golden.appendingPathComponent("report-\(language.rawValue).\(format == .csv ? "csv" : "txt")")
    if ProcessInfo.processInfo.environment["COLDTRACE_UPDATE_GOLDEN"] == "1" {
      try rendered.write(to: file, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    #expect(
      rendered == expected, "differs from \(file.lastPathComponent); rerun with COLDTRACE_UPDATE_GOLDEN=1 if meant")
  }

  @Test func everyStringHasAVietnameseTranslationWithItsDiacritics() {
    for key in ReportStrings.Key.allCases {
      let (english, vietnamese) = ReportStrings.pair(key)
      #expect(!english.isEmpty && !vietnamese.isEmpty)
    }
    #expect(ReportStrings(language: .vi)(.temperature) == "Nhiệt độ")
    #expect(ReportStrings(language: .vi)(.verdict) == "Kết luận")
  }

  @Test func theSealRoundTripsThroughEveryFormatThatCarriesIt() throws {
    let report = Self.report()
    for format in ReportFormat.allCases where format.carriesSeal {
      let text = format.render(report, ReportFormatter(language: .vi, utcOffsetMinutes: 420))
      #expect(ReportSeal.find(in: text) == report.seal, "\(format)")
    }
  }
}
