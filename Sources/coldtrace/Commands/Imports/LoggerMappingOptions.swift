import ArgumentParser
import ColdTraceCore
import ColdTraceSystem

/// The command-line options that say how to read a logger's CSV export (`LoggerCSVMapping`): a preset, and options
/// that override it (or the defaults, without one).
struct LoggerMappingOptions: ParsableArguments {
  @Option(help: ArgumentHelp("A logger's export format: tinytag or tandd.", valueName: "name")) var preset: String?
  @Option(
    help: ArgumentHelp("The time's column: heading or 1-based number; Date+Time joins two (1).", valueName: "column"))
  var timeColumn: String?
  @Option(
    help: ArgumentHelp(
      "iso8601 (the default), epoch, or a pattern of yyyy yy MM dd HH mm ss, e.g. \"dd/MM/yyyy HH:mm:ss\".",
      valueName: "format"))
  var timeFormat: String?
  @Option(
    help: ArgumentHelp(
      "The offset of times written without one (default: the lot's site's time_zone, Asia/Ho_Chi_Minh).",
      valueName: "±HH:MM"))
  var utcOffset: String?
  @Option(help: ArgumentHelp("The temperature's column: heading or 1-based number (2).", valueName: "column"))
  var tempColumn: String?
  @Option(help: ArgumentHelp("The relative humidity's column, if the logger has one.", valueName: "column"))
  var rhColumn: String?
  @Option(help: ArgumentHelp("The temperature's unit: C (the default) or F.", valueName: "unit")) var unit: String?
  @Option(help: ArgumentHelp("The field delimiter: one character, or tab (,).", valueName: "char")) var delimiter:
    String?
  @Flag(help: "Numbers are written with a decimal comma (12,5).") var decimalComma = false
  @Option(help: ArgumentHelp("Lines of the logger's own header before the table (0).", valueName: "n"))
  var skipLines: Int?
  @Flag(help: "The table has no header line; columns are named by number.") var noHeader = false

  func mapping() throws -> LoggerCSVMapping {
    var mapping = LoggerCSVMapping()
    if let preset {
      guard let known = LoggerPreset(rawValue: preset.lowercased()) else {
        let names = LoggerPreset.allCases.map(\.rawValue).joined(separator: ", ")
        throw UsageError("--preset must be one of \(names), not \(JSONText.quoted(preset))")
      }
      mapping = known.mapping
    }
    if let delimiter {
      let text = delimiter == "tab" || delimiter == "\\t" ? "\t" : delimiter
      guard text.count == 1, let character = text.first, character != "\"" else {
        throw UsageError("--delimiter must be one character (or tab), not \(JSONText.quoted(delimiter))")
      }
      mapping.delimiter = character
    }
    if decimalComma { mapping.decimalComma = true }
    if mapping.decimalComma && mapping.delimiter == "," {
      throw UsageError("--decimal-comma needs another --delimiter than \",\" (exports with a decimal comma use ;)")
    }
    if let skipLines {
      guard (0...1000).contains(skipLines) else { throw UsageError("--skip-lines must be from 0 to 1000") }
      mapping.skipLines = skipLines
    }
    if noHeader { mapping.hasHeader = false }
    if let timeColumn {
      let columns = timeColumn.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
      guard (1...2).contains(columns.count), !columns.contains(where: \.isEmpty) else {
        throw UsageError("--time-column must be one column or two joined by +, not \(JSONText.quoted(timeColumn))")
      }
      mapping.timeColumns = columns
    }
    if let timeFormat {
      guard let format = LoggerTimeFormat(timeFormat) else {
        throw UsageError(
          "--time-format must be iso8601, epoch or a pattern with yyyy (or yy), MM, dd, HH and mm, not \(JSONText.quoted(timeFormat))"
        )
      }
      mapping.timeFormat = format
    }
    if let utcOffset { mapping.utcOffsetMinutes = try ReportTimeOptions.parseOffset(utcOffset) }
    if let tempColumn { mapping.temperatureColumn = tempColumn }
    if let rhColumn { mapping.humidityColumn = rhColumn }
    if let unit {
      guard let parsed = LoggerCSVMapping.Unit(rawValue: unit.uppercased().replacingOccurrences(of: "°", with: ""))
      else { throw UsageError("--unit must be C or F, not \(JSONText.quoted(unit))") }
      mapping.unit = parsed
    }
    return mapping
  }
}
