/// How to read one standalone logger's CSV export (`coldtrace import`): which columns hold the time, the
/// temperature and the humidity, how the time is written and in which offset, the unit, the delimiter and the decimal
/// mark, and how many lines of the logger's own header come before the table.
///
/// A column is named by its heading in the table's header line (matched without regard to case or surrounding
/// spaces) or by its 1-based position (`3`); the time may span two columns (`Date+Time`: joined with one space, as
/// exports that split the date and the clock write them).
public struct LoggerCSVMapping: Sendable, Equatable {
  public enum Unit: String, Sendable, CaseIterable {
    case celsius = "C"
    case fahrenheit = "F"
  }

  public var delimiter: Character = ","
  /// `12,5` rather than `12.5`, as many Vietnamese and European exports write numbers (then the delimiter is
  /// usually `;`).
  public var decimalComma = false
  /// Lines before the table's header line (the logger's serial number, its settings, a title).
  public var skipLines = 0
  /// Whether the first line after the skipped ones names the columns; without one, columns are named by position.
  public var hasHeader = true
  public var timeColumns: [String] = ["1"]
  public var timeFormat = LoggerTimeFormat.iso8601
  /// The offset of times written without one, in minutes east of UTC (+07:00 in Vietnam).
  public var utcOffsetMinutes = 7 * 60
  /// The zone of times written without an offset, each at the offset in force then; overrides `utcOffsetMinutes`
  /// (`coldtrace import` sets the lot's site's zone unless `--utc-offset` is given).
  public var timeZone: SiteTimeZone?
  public var temperatureColumn = "2"
  public var humidityColumn: String?
  public var unit = Unit.celsius

  public init() {}
}

/// A logger's way of writing a time: ISO 8601 / RFC 3339 (`2026-06-12T08:00:00+07:00`, or without an offset,
/// `2026-06-12 08:00:00`), Unix seconds (`epoch`), or a pattern of `yyyy`, `yy`, `MM`, `dd`, `HH`, `mm`, `ss` and
/// literal characters (`dd/MM/yyyy HH:mm:ss`).
public enum LoggerTimeFormat: Sendable, Equatable {
  case iso8601
  case epochSeconds
  case pattern(String)

  /// `iso8601`, `epoch` or a pattern; `nil` when a pattern lacks a year, month, day, hour or minute.
  public init?(_ text: String) {
    switch text.lowercased() {
    case "iso8601", "iso", "rfc3339": self = .iso8601
    case "epoch", "unix": self = .epochSeconds
    default:
      for field in ["yy", "MM", "dd", "HH", "mm"] where !text.contains(field) { return nil }
      self = .pattern(text)
    }
  }
}
