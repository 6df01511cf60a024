import Foundation
import Testing

@testable import ColdTraceCore

/// The logger CSV reader on the fixture exports in `Tests/Fixtures/loggers` (see its README): the generic mapping,
/// a Vietnamese export with a decimal comma, °F with Unix times, and rows that must stop the import.
struct LoggerCSVReaderTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/loggers")

  static func fixture(_ name: String) throws -> String {
    try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
  }

  static func time(_ text: String) -> Timestamp { Timestamp.parseRFC3339(text)! }

  @Test func theGenericMappingReadsTimeTemperatureAndHumidityByHeading() throws {
    var mapping = LoggerCSVMapping()
    mapping.timeColumns = ["time"]
    mapping.temperatureColumn = "TEMP_C"
    mapping.humidityColumn = "rh_pct"
    let readings = try LoggerCSVReader.read(try Self.fixture("generic.csv"), mapping: mapping)
    #expect(readings.count == 7)
    #expect(
      readings.first
        == ImportedReading(time: Self.time("2026-06-11T14:00:00+07:00"), temperature: 12, humidity: 86, line: 2))
    #expect(
      readings.last
        == ImportedReading(time: Self.time("2026-06-11T17:00:00+07:00"), temperature: 4.2, humidity: 91, line: 8))
  }

  @Test func aVietnameseExportWithADecimalCommaSplitDateAndTimeAndItsOwnHeader() throws {
    var mapping = LoggerCSVMapping()
    mapping.delimiter = ";"
    mapping.decimalComma = true
    mapping.skipLines = 3
    mapping.timeColumns = ["Ngày", "Giờ"]
    mapping.timeFormat = try #require(LoggerTimeFormat("dd/MM/yyyy HH:mm"))
    mapping.temperatureColumn = "Nhiệt độ"
    mapping.humidityColumn = "5"
    let readings = try LoggerCSVReader.read(try Self.fixture("decimal-comma.csv"), mapping: mapping)
    #expect(readings.map(\.temperature) == [3.5, 4.1, 6.4, 5.8, 4.0])
    #expect(readings.map(\.humidity) == [90.5, 91, 92.5, 92, 91.5])
    #expect(readings.first?.time == Self.time("2026-06-12T06:00:00+07:00"))
    #expect(readings.first?.line == 6)
  }

  @Test func fahrenheitWithUnixSecondsIsStoredInCelsius() throws {
    var mapping = LoggerCSVMapping()
    mapping.timeFormat = .epochSeconds
    mapping.unit = .fahrenheit
    let readings = try LoggerCSVReader.read(try Self.fixture("fahrenheit.csv"), mapping: mapping)
    #expect(readings.map { ($0.temperature * 100).rounded() / 100 } == [4, 4.5, 5, 7, 4.39])
    #expect(readings.first?.time == Self.time("2026-06-12T09:00:00Z"))
  }

  @Test func aRowThatDoesNotReadStopsTheImportWithItsLine() throws {
    var mapping = LoggerCSVMapping()
    mapping.timeColumns = ["time"]
    mapping.temperatureColumn = "temp_c"
    #expect(throws: LoggerCSVError(line: 4, "cannot read the temperature \"n/a\" as a number")) {
      try LoggerCSVReader.read(try Self.fixture("bad-row.csv"), mapping: mapping)
    }
  }

  @Test(arguments: [
    ("t,temp\n2026-06-11 14:00:00,12\n2026-06-11 14:00:00,13\n", 3, "was already read at line 2"),
    ("t,temp\n2026-06-11 14:00:00\n", 2, "no temperature column (2): the line has 1 fields"),
    ("t,temp\n31/06/2026 14:00,12\n", 2, "cannot read the time"),
    ("t,temp\n2026-06-11 14:00:00,912\n", 2, "is not plausible"),
    ("t,temperature\n2026-06-11 14:00:00,1\n", 1, "--temp-column \"temp\" is not a column"),
    ("t,temp\n\"2026-06-11 14:00:00,1\n", 2, "a quoted field is not closed"),
    ("t,temp\n", 0, "the file has no readings"),
  ])
  func badFilesAreNamedByLine(text: String, line: Int, message: String) {
    var mapping = LoggerCSVMapping()
    mapping.timeColumns = ["t"]
    mapping.temperatureColumn = "temp"
    do {
      _ = try LoggerCSVReader.read(text, mapping: mapping)
      Issue.record("read \(text) without an error")
    } catch {
      #expect(error.line == line)
      #expect(error.message.contains(message), "\(error.message)")
    }
  }

  @Test func timePatternsAndOffsets() {
    let parse = { (text: String, format: String) in
      LoggerTimeParser.parse(text, format: LoggerTimeFormat(format)!, utcOffsetMinutes: 420)
    }
    #expect(parse("1/6/2026 8:05", "dd/MM/yyyy HH:mm") == Self.time("2026-06-01T08:05:00+07:00"))
    #expect(parse("26-06-12 23:59:59", "yy-MM-dd HH:mm:ss") == Self.time("2026-06-12T23:59:59+07:00"))
    #expect(parse("2026-06-12T08:00:00Z", "iso8601") == Self.time("2026-06-12T08:00:00Z"))
    #expect(parse("2026-06-12 08:00", "iso8601") == Self.time("2026-06-12T08:00:00+07:00"))
    #expect(parse("2026-06-12 08:00 PM", "yyyy-MM-dd HH:mm") == nil)
    #expect(LoggerTimeFormat("HH:mm") == nil)
    // Out of 2000-2099, or past what a millisecond timestamp holds: refused (a trap before), not stored.
    for cell in ["99999999999999999", "1e300", "-1e300", "1781254800000", "0"] {
      #expect(LoggerTimeParser.parse(cell, format: .epochSeconds, utcOffsetMinutes: 0) == nil, "\(cell)")
    }
    #expect(parse("12/06/9999 08:00", "dd/MM/yyyy HH:mm") == nil)
    // In a zone with daylight saving time (Berlin's 2026 spring change at 01:00 UTC, built by hand): each local time
    // at the offset in force then, whatever the fixed offset says.
    let berlin = SiteTimeZone(
      identifier: "Europe/Berlin", initialOffsetSeconds: 3600,
      changes: [.init(start: Self.time("2026-03-29T01:00:00Z").milliseconds, offsetSeconds: 7200)])
    let inBerlin = { (text: String) in
      LoggerTimeParser.parse(text, format: .iso8601, utcOffsetMinutes: 420, zone: berlin)
    }
    #expect(inBerlin("2026-03-29 01:30") == Self.time("2026-03-29T00:30:00Z"))
    #expect(inBerlin("2026-03-29 03:30") == Self.time("2026-03-29T01:30:00Z"))
    #expect(inBerlin("2026-07-01 12:00:00") == Self.time("2026-07-01T10:00:00Z"))
    #expect(inBerlin("2026-07-01T12:00:00Z") == Self.time("2026-07-01T12:00:00Z"), "a written offset wins")
    #expect(LoggerTimeParser.parse("1781254800.5", format: .epochSeconds, utcOffsetMinutes: 0) != nil)
    #expect(LoggerCSVReader.number("12,5", decimalComma: true) == 12.5)
    #expect(LoggerCSVReader.number("1.200,5", decimalComma: true) == nil)
    #expect(LoggerCSVReader.number("0x10", decimalComma: false) == nil)
  }
}

extension LoggerCSVReaderTests {
  /// Tinytag Explorer's export: channel lines before the readings, each value with its unit (`4.6 °C`, `90.2 %RH`).
  @Test func theTinytagPresetReadsAnExportShapedLikeTheSample() throws {
    var mapping = LoggerPreset.tinytag.mapping
    mapping.humidityColumn = "4"
    let readings = try LoggerCSVReader.read(try Self.fixture("tinytag.csv"), mapping: mapping)
    #expect(readings.map(\.temperature) == [4.6, 4.8, 5.4, 5.1, 4.3])
    #expect(readings.map(\.humidity) == [90.2, 90.6, 91, 91.4, 91])
    #expect(readings.first?.time == Self.time("2026-06-12T18:30:00+07:00") && readings.first?.line == 6)
  }

  /// T&D Graph's export: three quoted header lines, the time twice (text, then a spreadsheet serial), then channels.
  @Test func theTandDPresetReadsAnExportShapedLikeTheSample() throws {
    var mapping = LoggerPreset.tandd.mapping
    mapping.humidityColumn = "4"
    let readings = try LoggerCSVReader.read(try Self.fixture("tandd.csv"), mapping: mapping)
    #expect(readings.map(\.temperature) == [4.2, 4.4, 4.9, 5.3, 4.7])
    #expect(readings.map(\.humidity) == [89, 89, 90, 90, 89])
    #expect(readings.last?.time == Self.time("2026-06-12T21:00:00+07:00") && readings.last?.line == 8)
  }

  @Test func aUnitWrittenInTheCellMustAgreeWithTheMapping() throws {
    var mapping = LoggerCSVMapping()
    #expect(throws: LoggerCSVError(line: 2, "the temperature \"39.2 °F\" is in °F, not °C (--unit)")) {
      try LoggerCSVReader.read("t,temp\n2026-06-12 08:00:00,39.2 °F\n", mapping: mapping)
    }
    mapping.unit = .fahrenheit
    #expect(try LoggerCSVReader.read("t,temp\n2026-06-12 08:00:00,39.2 °F\n", mapping: mapping).first?.temperature == 4)
    #expect(LoggerCSVReader.splitUnit("13.1 °C") == ("13.1", "°C"))
    #expect(LoggerCSVReader.splitUnit("-0.5") == ("-0.5", ""))
  }
}
