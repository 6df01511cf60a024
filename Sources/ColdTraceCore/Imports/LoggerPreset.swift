/// Mappings for loggers whose CSV export was seen in a public sample file, so the operator need not spell out the
/// columns (`coldtrace import --preset NAME`; options given with it override the preset). Each case says the shape
/// it was made from; `Tests/Fixtures/loggers/` holds a file of that shape for each.
public enum LoggerPreset: String, Sendable, CaseIterable {
  /// Gemini's Tinytag Explorer, CSV export (seen from a Tinytag Ultra 2 temperature/humidity logger, TGU-4500): a
  /// line of channel numbers (`,Time,1,2,3`), then four lines describing the channels (`S/N`, `Type`, `Description`,
  /// `Property`: `Temperature`, `Humidity`, `Dew Point`), then one line per reading: its number, the time
  /// (`2020-01-06 11:26:00`, the computer's local time) and each channel's value with its unit (`13.1 °C`,
  /// `56.3 %RH`). The temperature is the first channel (column 3); a logger with humidity has it in column 4
  /// (`--rh-column 4`).
  case tinytag
  /// T&D's T&D Graph, CSV export (seen from a TR-74Ui): three lines naming the channels (`"No.1"`…, `"ch1"`…) and
  /// their units (`"°C"`, `"%"`), then one line per reading, every field quoted: the time (`2021-08-21 08:06:00`),
  /// the same time as a spreadsheet serial number, then one column per channel. The temperature is taken from the
  /// first channel (column 3), as on a temperature-only logger; on a logger whose first channel is something else,
  /// give `--temp-column` (the sample's temperature is its third channel, column 5).
  case tandd

  public var mapping: LoggerCSVMapping {
    var mapping = LoggerCSVMapping()
    mapping.hasHeader = false
    mapping.timeFormat = .pattern("yyyy-MM-dd HH:mm:ss")
    mapping.temperatureColumn = "3"
    switch self {
    case .tinytag:
      mapping.skipLines = 5
      mapping.timeColumns = ["2"]
    case .tandd:
      mapping.skipLines = 3
      mapping.timeColumns = ["1"]
    }
    return mapping
  }
}
