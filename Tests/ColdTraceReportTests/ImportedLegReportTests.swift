import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceReport

/// The golden lot (`GoldenReportTests`) with two legs imported from the logger fixtures: the truck from the farm the
/// day before (`generic.csv`, 12 °C at loading: an excursion) and the truck to the port after it (`fahrenheit.csv`,
/// 7 °C once: past the warning limit only). Text, JSON and CSV byte for byte, in English and Vietnamese; the HTML report
/// lists and charts the legs; the room figures and verdict stay those without the legs.
/// `COLDTRACE_UPDATE_GOLDEN=1 swift test --filter ImportedLegReportTests` rewrites the files after a deliberate change.
@Suite(.timeLimit(.minutes(10)))
struct ImportedLegReportTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/loggers")

  static func leg(_ name: String, file: String, mapping: LoggerCSVMapping, logger: String?) throws -> ImportedLeg {
    let bytes = try Data(contentsOf: fixtures.appendingPathComponent(file))
    let readings = try LoggerCSVReader.read(String(decoding: bytes, as: UTF8.self), mapping: mapping)
    var series = ProbeSeries(
      site: ImportedLeg.site, room: name, sensor: name, fromMilliseconds: readings.first!.time.milliseconds,
      toMilliseconds: readings.last!.time.milliseconds)
    for reading in readings {
      series.append(
        milliseconds: reading.time.milliseconds, temperature: reading.temperature, humidity: reading.humidity)
    }
    return ImportedLeg(
      name: name, logger: logger, fileName: file, fileSHA256: String(repeating: "ab", count: 32), importedBy: "Lan",
      importedAt: Timestamp.parseRFC3339("2026-06-13T09:00:00+07:00")!, series: series)
  }

  static func report() throws -> LotReport {
    var generic = LoggerCSVMapping()
    generic.timeColumns = ["time"]
    generic.temperatureColumn = "temp_c"
    generic.humidityColumn = "rh_pct"
    var fahrenheit = LoggerCSVMapping()
    fahrenheit.timeFormat = .epochSeconds
    fahrenheit.unit = .fahrenheit
    var input = GoldenReportTests.input()
    input.legs = [
      try leg("farm-packhouse", file: "generic.csv", mapping: generic, logger: "RC-5 EF001234"),
      try leg("packhouse-port", file: "fahrenheit.csv", mapping: fahrenheit, logger: nil),
    ]
    return LotReportBuilder.build(input, profile: ReportFixtures.profile())
  }

  @Test(arguments: [ReportFormat.text, .json, .csv], Language.allCases)
  func matchesTheGoldenFile(format: ReportFormat, language: Language) throws {
    guard format != .json || language == .en else { return }
    let rendered = format.render(try Self.report(), ReportFormatter(language: language, utcOffsetMinutes: 420))
    let file = GoldenReportTests.golden.appendingPathComponent(
      "report-legs-\(language.rawValue).\(format == .text ? "txt" : format.rawValue)")
    if ProcessInfo.processInfo.environment["COLDTRACE_UPDATE_GOLDEN"] == "1" {
      try rendered.write(to: file, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    #expect(
      rendered == expected, "differs from \(file.lastPathComponent); rerun with COLDTRACE_UPDATE_GOLDEN=1 if meant")
  }

  @Test func legsHaveTheirOwnFiguresAndLeaveTheRoomsFiguresAlone() throws {
    let report = try Self.report()
    let without = GoldenReportTests.report()
    #expect(report.temperature == without.temperature && report.verdict == without.verdict)
    #expect(report.excursions == without.excursions && report.readings == without.readings)
    let farm = try #require(report.legs.first)
    #expect(farm.leg.name == "farm-packhouse" && farm.temperature.min == 4.2 && farm.temperature.max == 12)
    #expect(farm.excursions.map(\.metric) == [.temperature] && farm.excursions[0].pastCritical)
    let port = try #require(report.legs.last)
    #expect(port.excursions.count == 1 && abs(port.excursions[0].peak - 7) < 1e-9 && !port.excursions[0].pastCritical)
  }

  @Test func theHTMLReportMarksEachLegAsImported() throws {
    let html = ReportFormat.html.render(try Self.report(), ReportFormatter(language: .en, utcOffsetMinutes: 420))
    #expect(html.contains("Legs imported from standalone loggers"))
    #expect(html.contains("farm-packhouse") && html.contains("RC-5 EF001234") && html.contains("generic.csv"))
    #expect(html.contains(String(repeating: "ab", count: 32)))
  }

  /// Each leg's chart has one line, the logger's: its legend names the logger as imported, not as an air probe.
  @Test func theLegChartsLegendNamesTheImportedLogger() throws {
    let report = try Self.report()
    let english = ReportFormat.html.render(report, ReportFormatter(language: .en, utcOffsetMinutes: 420))
    let legs = try #require(english.range(of: "Legs imported from standalone loggers")).upperBound
    let legSections = String(english[legs...])
    #expect(legSections.contains(">logger RC-5 EF001234 (imported)</text>"), "\(legSections)")
    #expect(legSections.contains(">logger (imported)</text>"), "the unnamed logger of packhouse-port")
    #expect(!legSections.contains("import/farm-packhouse (") && !legSections.contains("import/packhouse-port ("))
    #expect(!legSections.contains("(air)</text>"))
    let vietnamese = ReportFormat.html.render(report, ReportFormatter(language: .vi, utcOffsetMinutes: 420))
    #expect(vietnamese.contains(">máy ghi RC-5 EF001234 (nhập từ tệp)</text>"))
    // the rooms' chart keeps its probes' placements
    #expect(english[..<legs].contains("(air)</text>") || english[..<legs].contains("(product)</text>"))
  }
}

extension ImportedLegReportTests {
  @Test func eachLegIsATransportingEventAndTheDocumentStillValidates() throws {
    let formatter = ReportFormatter(language: .en, utcOffsetMinutes: 420)
    let document = ReportFormat.epcis.render(try Self.report(), formatter, identifiers: TraceIdentifiers())
    let valid = try EPCISFixtures.validate([document])
    #expect(valid.status == 0, "\(valid.output)")
    let (_, events) = try EPCISFixtures.parse(document)
    let steps = events.map { $0["bizStep"] as? String ?? "" }
    #expect(steps.first == "transporting" && steps.last == "transporting", "\(steps)")
    let farm = events[0]
    let imported = try #require(farm["coldtrace:importedLeg"] as? [String: Any])
    #expect(imported["leg"] as? String == "farm-packhouse" && imported["file"] as? String == "generic.csv")
    #expect(imported["fileSHA256"] as? String == String(repeating: "ab", count: 32))
    let elements = try #require(farm["sensorElementList"] as? [[String: Any]])
    let whole = try #require((elements.first?["sensorReport"] as? [[String: Any]])?.first)
    #expect(whole["minValue"] as? Double == 4.2 && whole["maxValue"] as? Double == 12)
    let alarms = elements.compactMap { ($0["sensorReport"] as? [[String: Any]])?.first }
      .filter { $0["exception"] as? String == "ALARM_CONDITION" }
    #expect(alarms.count == 1 && alarms[0]["maxValue"] as? Double == 12)
    #expect(farm["readPoint"] == nil && farm["eventTime"] as? String == "2026-06-11T17:00:00.000+07:00")
  }
}
