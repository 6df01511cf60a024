import ArgumentParser
import ColdTraceCore
import ColdTraceSystem

/// The command-line options that say how to read a logger's CSV export (`LoggerCSVMapping`).
struct LoggerMappingOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The time's column: heading or 1-based number; Date+Time joins two.", valueName: "column"))
  var timeColumn = "1"
  @Option(
    help: ArgumentHelp(
      "iso8601, epoch, or a pattern of yyyy yy MM dd HH mm ss, e.g. \"dd/MM/yyyy HH:mm:ss\".", valueName: "format"))
  var timeFormat = "iso8601"
  @Option(
    help: ArgumentHelp("The offset of times written without one (default +07:00, Vietnam).", valueName: "±HH:MM"))
  var utcOffset = "+07:00"
  @Option(help: ArgumentHelp("The temperature's column: heading or 1-based number.", valueName: "column"))
  var tempColumn = "2"
  @Option(help: ArgumentHelp("The relative humidity's column, if the logger has one.", valueName: "column"))
  var rhColumn: String?
  @Option(help: ArgumentHelp("The temperature's unit: C or F.", valueName: "unit")) var unit = "C"
  @Option(help: ArgumentHelp("The field delimiter: one character, or tab.", valueName: "char")) var delimiter = ","
  @Flag(help: "Numbers are written with a decimal comma (12,5).") var decimalComma = false
  @Option(help: ArgumentHelp("Lines of the logger's own header before the table.", valueName: "n")) var skipLines = 0
  @Flag(help: "The table has no header line; columns are named by number.") var noHeader = false

  func mapping() throws -> LoggerCSVMapping {
    var mapping = LoggerCSVMapping()
    let delimiterText = delimiter == "tab" || delimiter == "\\t" ? "\t" : delimiter
    guard delimiterText.count == 1, let character = delimiterText.first, character != "\"" else {
      throw UsageError("--delimiter must be one character (or tab), not \"\(delimiter)\"")
    }
    if decimalComma && character == "," {
      throw UsageError("--decimal-comma needs another --delimiter than \",\" (exports with a decimal comma use ;)")
    }
    mapping.delimiter = character
    mapping.decimalComma = decimalComma
    guard (0...1000).contains(skipLines) else { throw UsageError("--skip-lines must be from 0 to 1000") }
    mapping.skipLines = skipLines
    mapping.hasHeader = !noHeader
    let timeColumns = timeColumn.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
    guard (1...2).contains(timeColumns.count), !timeColumns.contains(where: \.isEmpty) else {
      throw UsageError("--time-column must be one column or two joined by +, not \"\(timeColumn)\"")
    }
    mapping.timeColumns = timeColumns
    guard let format = LoggerTimeFormat(timeFormat) else {
      throw UsageError(
        "--time-format must be iso8601, epoch or a pattern with yyyy (or yy), MM, dd, HH and mm, not \"\(timeFormat)\"")
    }
    mapping.timeFormat = format
    mapping.utcOffsetMinutes = try ReportCommand.parseOffset(utcOffset)
    mapping.temperatureColumn = tempColumn
    mapping.humidityColumn = rhColumn
    guard let parsedUnit = LoggerCSVMapping.Unit(rawValue: unit.uppercased().replacingOccurrences(of: "°", with: ""))
    else { throw UsageError("--unit must be C or F, not \"\(unit)\"") }
    mapping.unit = parsedUnit
    return mapping
  }
}
