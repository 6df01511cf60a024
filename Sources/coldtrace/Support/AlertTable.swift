import ColdTraceCore

/// The `coldtrace alerts` table, written straight from the records into bytes: the same text as a `TextTable` of
/// their cells, without a string per cell (a 30-day listing has thousands of rows of nine cells).
struct AlertTable {
  static let headers = ["ID", "OPENED (UTC)", "STATE", "SEVERITY", "KIND", "WHERE", "LOTS", "PEAK", "MESSAGE"]

  private var alerts: [AlertRecord] = []
  private var peaks: [String] = []
  /// Each padded column's width in characters (all but MESSAGE).
  private var widths = headers.dropLast().map(\.count)

  var isEmpty: Bool { alerts.isEmpty }

  mutating func add(_ alert: AlertRecord) {
    let peak = formatted(alert.peak)
    let cells = Self.widths(of: alert, peak: peak)
    for column in widths.indices { widths[column] = max(widths[column], cells[column]) }
    alerts.append(alert)
    peaks.append(peak)
  }

  func render() -> String {
    var bytes: [UInt8] = []
    write(to: &bytes) { _ in }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Writes the table and a final newline to standard output, in 64 KiB pieces.
  func printToStandardOutput() {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(1 << 16)
    write(to: &bytes) { bytes in
      if bytes.count >= 1 << 16 { StandardOutput.write(&bytes) }
    }
    bytes.append(UInt8(ascii: "\n"))
    StandardOutput.write(&bytes)
  }

  private func write(to bytes: inout [UInt8], drain: (inout [UInt8]) -> Void) {
    for (column, header) in Self.headers.enumerated() {
      cell(header.utf8, width: header.count, column: column, to: &bytes)
    }
    for (alert, peak) in zip(alerts, peaks) {
      bytes.append(UInt8(ascii: "\n"))
      let cells = Self.widths(of: alert, peak: peak)
      cell(String(alert.id).utf8, width: cells[0], column: 0, to: &bytes)
      cell(Self.minute(alert.openedAt), width: cells[1], column: 1, to: &bytes)
      cell(alert.state.rawValue.utf8, width: cells[2], column: 2, to: &bytes)
      cell(alert.severity.rawValue.utf8, width: cells[3], column: 3, to: &bytes)
      cell(alert.kind.rawValue.utf8, width: cells[4], column: 4, to: &bytes)
      bytes.append(contentsOf: "  ".utf8)
      bytes.append(contentsOf: alert.site.utf8)
      bytes.append(UInt8(ascii: "/"))
      bytes.append(contentsOf: alert.room.utf8)
      bytes.append(UInt8(ascii: "/"))
      bytes.append(contentsOf: alert.sensor.utf8)
      pad(widths[5] - cells[5], to: &bytes)
      bytes.append(contentsOf: "  ".utf8)
      if alert.lots.isEmpty { bytes.append(UInt8(ascii: "-")) }
      for (index, lot) in alert.lots.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: lot.utf8)
      }
      pad(widths[6] - cells[6], to: &bytes)
      cell(peak.utf8, width: cells[7], column: 7, to: &bytes)
      if let silenced = alert.silenced {
        // A silenced alert notified nobody: the mark says which silence or window covered it.
        bytes.append(contentsOf: "  [silenced \(silenced)] ".utf8)
        bytes.append(contentsOf: alert.message.utf8)
      } else {
        cell(alert.message.utf8, width: 0, column: 8, to: &bytes)
      }
      drain(&bytes)
    }
  }

  /// A cell with its separator before it and, unless it is the last column, its padding after it.
  private func cell<Bytes: Sequence>(_ text: Bytes, width: Int, column: Int, to bytes: inout [UInt8])
  where Bytes.Element == UInt8 {
    if column > 0 { bytes.append(contentsOf: "  ".utf8) }
    bytes.append(contentsOf: text)
    if column < widths.count { pad(widths[column] - width, to: &bytes) }
  }

  private func pad(_ count: Int, to bytes: inout [UInt8]) {
    if count > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
  }

  /// The widths in characters of an alert's padded cells (ID through PEAK).
  private static func widths(of alert: AlertRecord, peak: String) -> [Int] {
    let lots = alert.lots.isEmpty ? 1 : alert.lots.reduce(alert.lots.count - 1) { $0 + width($1) }
    return [
      digits(alert.id), 16, alert.state.rawValue.utf8.count, alert.severity.rawValue.utf8.count,
      alert.kind.rawValue.utf8.count, width(alert.site) + width(alert.room) + width(alert.sensor) + 2, lots,
      peak.utf8.count,
    ]
  }

  /// A text's width in characters: its byte count when it is ASCII (identifiers always are), else its characters.
  private static func width(_ text: String) -> Int {
    let utf8 = text.utf8
    return utf8.allSatisfy { $0 < 0x80 } ? utf8.count : text.count
  }

  private static func digits(_ value: Int64) -> Int {
    var count = value < 0 ? 2 : 1
    var rest = value.magnitude
    while rest >= 10 {
      rest /= 10
      count += 1
    }
    return count
  }

  /// `2026-11-29 03:40`: a time to the minute, UTC (the first 16 characters of its RFC 3339 form, `T` a space).
  static func minute(_ time: Timestamp) -> [UInt8] {
    var text = Array(time.rfc3339.utf8.prefix(16))
    if text.count > 10 { text[10] = UInt8(ascii: " ") }
    return text
  }
}
