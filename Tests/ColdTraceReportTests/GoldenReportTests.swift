import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceReport

/// The text and CSV reports of a small fixed lot, byte for byte, in English and Vietnamese.
/// `COLDTRACE_UPDATE_GOLDEN=1 swift test --filter GoldenReportTests` rewrites the files after a deliberate change.
@Suite(.timeLimit(.minutes(10)))
struct GoldenReportTests {
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

  /// Two stays of two hours, readings every 10 minutes (08:00–12:00 at UTC+07:00):
  /// - cold2 has a product probe p1 (silent at 09:30 and 09:40: a gap), an air probe a1 and an evaporator probe ev1; a
  ///   defrost 08:30–08:55 and a door opening 09:20–09:25 from the room's inputs send the air to 9.5 and 6.5 °C,
  ///   which does not count (the product probe judges);
  /// - cold3 has only an air probe a3: its scheduled defrost 10:30–11:00 (air up to 9 °C, 5.5 °C while it recovers)
  ///   and a door opening 11:40–11:45 are left out, a real excursion to 5.8 °C at 11:50–12:00 counts (10 min, within
  ///   the 45 min alarm delay); one acknowledged alert with a note.
  static func report() -> LotReport {
    LotReportBuilder.build(input(), profile: ReportFixtures.profile())
  }

  static func input() -> LotReportInput {
    let alert = AlertRecord(
      id: 12, kind: .tempHigh, severity: .warning, state: .resolved, site: "hongxuan", room: "cold3", sensor: "a3",
      lots: ["LT-2026-0612"], product: "litchi", openedAt: ReportFixtures.time(minutes: 230),
      resolvedAt: ReportFixtures.time(minutes: 239), ackedAt: ReportFixtures.time(minutes: 235), ackedBy: "Lan",
      note: "Cửa phòng mở, đã đóng lại", limit: 5, peak: 5.8, message: "temperature above 5 °C")
    let series = [
      ReportFixtures.probe(
        "p1", room: "cold2", placement: .product, step: 10, minutes: 120,
        [3.8, 3.9, 3.9, 4.0, 4.1, 4.2, 4.1, 4.0, 4.0, nil, nil, 3.8]),
      ReportFixtures.probe(
        "a1", room: "cold2", placement: .air, step: 10, minutes: 120,
        [2.5, 2.8, 2.6, 7.5, 9.5, 6.0, 3.2, 2.9, 6.5, 2.8, 2.6, 2.7]),
      ReportFixtures.probe(
        "ev1", room: "cold2", placement: .evaporator, step: 10, minutes: 120, humidity: nil,
        [-6, -6.5, -6, 4, 12, -2, -6, -6.2, -5.8, -6, -6.1, -6]),
      ReportFixtures.probe(
        "a3", room: "cold3", placement: .air, fromMinute: 120, step: 10, minutes: 120,
        [3.1, 3.0, 3.2, 8.5, 9.0, 7.0, 6.0, 5.5, 5.2, 4.0, 4.5, 5.8]),
    ]
    let spans = [
      ReportFixtures.span(.defrost, .input, sensor: "ctl2", room: "cold2", from: 30, to: 55),
      ReportFixtures.span(.door, .input, sensor: "door2", room: "cold2", from: 80, to: 85),
      ReportFixtures.span(.defrost, .schedule, sensor: nil, room: "cold3", from: 150, to: 180),
      ReportFixtures.span(.door, .input, sensor: "door3", room: "cold3", from: 220, to: 225),
    ]
    let readings = series.reduce(0) { $0 + $1.count }
    let input = LotReportInput(
      lot: ReportFixtures.lot(rooms: ["cold2", "cold3"], minutes: 120), from: ReportFixtures.time(minutes: 0),
      to: ReportFixtures.time(minutes: 240), series: series, alerts: [alert], spans: spans,
      seal: ReportFixtures.seal(readings: readings, minutes: 240))
    return input
  }

  @Test(arguments: [ReportFormat.text, .csv], Language.allCases)
  func matchesTheGoldenFile(format: ReportFormat, language: Language) throws {
    let rendered = format.render(Self.report(), ReportFormatter(language: language, timeZone: .vietnam))
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
    #expect(ReportStrings(language: .vi)(.defrostSignal) == "xả đá")
    #expect(ReportStrings(language: .vi)(.doorSignal) == "mở cửa")
    #expect(ReportStrings(language: .vi)(.probeProduct) == "đầu dò sản phẩm")
    #expect(ReportStrings(language: .vi)(.probeAir) == "đầu dò không khí")
  }

  @Test func theSealRoundTripsThroughEveryFormatThatCarriesIt() throws {
    let report = Self.report()
    for format in ReportFormat.allCases where format.carriesSeal {
      let text = format.render(report, ReportFormatter(language: .vi, utcOffsetMinutes: 420))
      #expect(ReportSeal.find(in: text) == report.seal, "\(format)")
    }
  }
}
