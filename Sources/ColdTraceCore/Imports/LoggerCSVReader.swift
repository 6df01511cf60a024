/// One reading of an imported logger file, in °C and %.
public struct ImportedReading: Sendable, Equatable {
  public var time: Timestamp
  public var temperature: Double
  public var humidity: Double?
  /// The file's line it came from (1-based), for messages.
  public var line: Int

  public init(time: Timestamp, temperature: Double, humidity: Double? = nil, line: Int) {
    self.time = time
    self.temperature = temperature
    self.humidity = humidity
    self.line = line
  }
}

/// What is wrong with a logger file, and where: `line` is 1-based, 0 for the file as a whole.
public struct LoggerCSVError: Error, Sendable, Equatable, CustomStringConvertible {
  public var line: Int
  public var message: String

  public init(line: Int, _ message: String) {
    self.line = line
    self.message = message
  }

  public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// Reads a standalone logger's CSV export with a `LoggerCSVMapping`; pure (the text in, readings out), so every
/// preset and option is tested on fixture text. Every data line must give a time and a temperature: a line that does
/// not is an error naming it, never skipped (a silently dropped row would hide an excursion); blank lines are
/// skipped. Readings come back oldest first; two with the same time are an error.
public enum LoggerCSVReader {
  /// Warmest and coldest temperature a logger may report, in °C: anything past them is a misread column.
  static let plausible = -80.0...120.0

  public static func read(_ text: String, mapping: LoggerCSVMapping) throws(LoggerCSVError) -> [ImportedReading] {
    // `\r\n` is one Character in Swift: lines end at any newline, as Windows programs write them.
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { String($0) }
    if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
    guard lines.count > mapping.skipLines else {
      throw LoggerCSVError(line: 0, "the file has \(lines.count) lines, fewer than the \(mapping.skipLines) to skip")
    }
    var index = mapping.skipLines
    var headings: [String] = []
    if mapping.hasHeader {
      while index < lines.count, lines[index].trimmedCell.isEmpty { index += 1 }
      guard index < lines.count else {
        throw LoggerCSVError(line: 0, "no header line after \(mapping.skipLines) skipped")
      }
      headings = try fields(lines[index], mapping.delimiter, line: index + 1).map { $0.trimmedCell.lowercased() }
      index += 1
    }
    let headerLine = mapping.hasHeader ? index : 0
    func column(_ name: String, _ option: String) throws(LoggerCSVError) -> Int {
      if let position = Int(name), position >= 1 { return position - 1 }
      if let found = headings.firstIndex(of: name.trimmedCell.lowercased()) { return found }
      let known =
        headings.isEmpty
        ? "the file has no header line" : "its columns: \(headings.prefix(20).map(quoted).joined(separator: ", "))"
      throw LoggerCSVError(line: headerLine, "\(option) \(quoted(name)) is not a column of the header (\(known))")
    }
    var timeColumns: [Int] = []
    for name in mapping.timeColumns { timeColumns.append(try column(name, "--time-column")) }
    let temperatureColumn = try column(mapping.temperatureColumn, "--temp-column")
    let humidityColumn: Int?
    if let name = mapping.humidityColumn {
      humidityColumn = try column(name, "--rh-column")
    } else {
      humidityColumn = nil
    }
    var readings: [ImportedReading] = []
    var lineOfTime: [Int64: Int] = [:]
    while index < lines.count {
      let lineNumber = index + 1
      let line = lines[index]
      index += 1
      if line.trimmedCell.isEmpty { continue }
      let cells = try fields(line, mapping.delimiter, line: lineNumber)
      func cell(_ column: Int, _ what: String) throws(LoggerCSVError) -> String {
        guard column < cells.count else {
          throw LoggerCSVError(
            line: lineNumber, "no \(what) column (\(column + 1)): the line has \(cells.count) fields")
        }
        return cells[column].trimmedCell
      }
      var timeParts: [String] = []
      for column in timeColumns { timeParts.append(try cell(column, "time")) }
      let timeText = timeParts.joined(separator: " ")
      guard
        let time = LoggerTimeParser.parse(
          timeText, format: mapping.timeFormat, utcOffsetMinutes: mapping.utcOffsetMinutes, zone: mapping.timeZone)
      else {
        throw LoggerCSVError(
          line: lineNumber, "cannot read the time \(quoted(timeText)) as \(describe(mapping.timeFormat))")
      }
      let temperatureText = try cell(temperatureColumn, "temperature")
      let (temperatureNumber, written) = splitUnit(temperatureText)
      guard let read = number(temperatureNumber, decimalComma: mapping.decimalComma),
        let unit = written.isEmpty ? mapping.unit : temperatureUnits[written]
      else {
        throw LoggerCSVError(line: lineNumber, "cannot read the temperature \(quoted(temperatureText)) as a number")
      }
      guard unit == mapping.unit else {
        throw LoggerCSVError(
          line: lineNumber,
          "the temperature \(quoted(temperatureText)) is in °\(unit.rawValue), not °\(mapping.unit.rawValue) (--unit)")
      }
      // °F to °C to a thousandth of a degree: finer than any logger reads, and 44.6 °F is 7 °C, not 7.000000000000001.
      let celsius = mapping.unit == .fahrenheit ? ((read - 32) * 5 / 9 * 1000).rounded() / 1000 : read
      guard plausible.contains(celsius) else {
        throw LoggerCSVError(
          line: lineNumber, "temperature \(temperatureText) °\(mapping.unit.rawValue) is not plausible")
      }
      var humidity: Double?
      if let humidityColumn {
        let humidityText = try cell(humidityColumn, "humidity")
        let (humidityNumber, written) = splitUnit(humidityText)
        guard humidityUnits.contains(written), let value = number(humidityNumber, decimalComma: mapping.decimalComma),
          (0...100).contains(value)
        else {
          throw LoggerCSVError(
            line: lineNumber, "cannot read the humidity \(quoted(humidityText)) as a number from 0 to 100")
        }
        humidity = value
      }
      if let earlier = lineOfTime[time.milliseconds] {
        throw LoggerCSVError(line: lineNumber, "time \(time.rfc3339) was already read at line \(earlier)")
      }
      lineOfTime[time.milliseconds] = lineNumber
      readings.append(ImportedReading(time: time, temperature: celsius, humidity: humidity, line: lineNumber))
    }
    guard !readings.isEmpty else { throw LoggerCSVError(line: 0, "the file has no readings") }
    return readings.sorted { $0.time < $1.time }
  }

  /// The units a temperature cell may carry after its number, as loggers print them (`13.1 °C`).
  static let temperatureUnits: [String: LoggerCSVMapping.Unit] = [
    "°C": .celsius, "℃": .celsius, "C": .celsius, "°F": .fahrenheit, "℉": .fahrenheit, "F": .fahrenheit,
  ]
  /// The units a humidity cell may carry after its number (`56.3 %RH`), or none.
  static let humidityUnits: Set<String> = ["", "%", "%RH", "%rh", "% RH"]

  /// `13.1 °C` as `13.1` and `°C`: the cell's number and what follows it, both without surrounding spaces.
  static func splitUnit(_ text: String) -> (number: String, unit: String) {
    guard let end = text.lastIndex(where: { $0.isASCII && $0.isNumber }) else { return (text, "") }
    let after = text.index(after: end)
    return (String(text[..<after]), String(text[after...]).trimmedCell)
  }

  /// `12.5`, `-0.3`, `+4` (or `12,5` with a decimal comma); `nil` for anything else.
  static func number(_ text: String, decimalComma: Bool) -> Double? {
    guard !text.isEmpty else { return nil }
    var plain = text
    if decimalComma {
      guard !text.contains(".") else { return nil }
      plain = String(text.map { $0 == "," ? "." : $0 })
    }
    guard plain.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }),
      let value = Double(plain), value.isFinite
    else { return nil }
    return value
  }

  /// The fields of one line: `delimiter`-separated, a field in double quotes may hold the delimiter and `""`.
  static func fields(_ line: String, _ delimiter: Character, line number: Int) throws(LoggerCSVError) -> [String] {
    var found: [String] = []
    var current = ""
    var quoted = false
    var atFieldStart = true
    var characters = Substring(line)
    while let character = characters.popFirst() {
      if quoted {
        if character == "\"" {
          if characters.first == "\"" {
            current.append("\"")
            characters.removeFirst()
          } else {
            quoted = false
          }
        } else {
          current.append(character)
        }
      } else if character == "\"" && atFieldStart {
        quoted = true
        atFieldStart = false
      } else if character == delimiter {
        found.append(current)
        current = ""
        atFieldStart = true
      } else {
        current.append(character)
        if character != " " { atFieldStart = false }
      }
    }
    if quoted { throw LoggerCSVError(line: number, "a quoted field is not closed") }
    found.append(current)
    return found
  }

  /// `text` as a JSON string, cut at 60 characters: a file's or an option's text in a one-line message.
  static func quoted(_ text: String) -> String {
    JSONText.quoted(text.count > 60 ? String(text.prefix(60)) + "…" : text)
  }

  static func describe(_ format: LoggerTimeFormat) -> String {
    switch format {
    case .iso8601: "ISO 8601 (e.g. 2026-06-12 08:00:00 or 2026-06-12T08:00:00+07:00)"
    case .epochSeconds: "Unix seconds"
    case .pattern(let pattern): quoted(pattern)
    }
  }
}
