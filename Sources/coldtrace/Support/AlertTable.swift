import ColdTraceCore

/// The `coldtrace alerts` table, written straight from the records into bytes: the same text as a `TextTable` of
/// their cells, without a string per cell (a 30-day listing has thousands of rows of nine cells). Opening times are in
/// each alert's site's zone (`zones`), to the minute, in the reader's date order; the caller states the zone.
struct AlertTable {
  static func headers(_ language: Language) -> [String] {
    switch language {
    case .en: ["ID", "OPENED", "STATE", "SEVERITY", "KIND", "WHERE", "LOTS", "PEAK", "MESSAGE"]
    case .vi: ["SỐ", "MỞ LÚC", "TRẠNG THÁI", "MỨC ĐỘ", "LOẠI", "Ở ĐÂU", "LÔ HÀNG", "ĐỈNH", "NỘI DUNG"]
    }
  }

  let language: Language
  let zones: SiteTimeZones
  private let headers: [String]
  private var alerts: [AlertRecord] = []
  private var peaks: [String] = []
  /// Each padded column's width in characters (all but MESSAGE).
  private var widths: [Int]

  init(language: Language = .en, zones: SiteTimeZones = SiteTimeZones(default: .utc)) {
    self.language = language
    self.zones = zones
    headers = Self.headers(language)
    widths = headers.dropLast().map(\.count)
  }

  /// The sites and the first and last opening time of the listed alerts, for the zone statement.
  var span: (sites: [String], from: Timestamp, to: Timestamp)? {
    guard let first = alerts.first else { return nil }
    let times = alerts.map(\.openedAt)
    return (Array(Set(alerts.map(\.site))), times.min() ?? first.openedAt, times.max() ?? first.openedAt)
  }

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
    for (column, header) in headers.enumerated() {
      cell(header.utf8, width: header.count, column: column, to: &bytes)
    }
    for (alert, peak) in zip(alerts, peaks) {
      bytes.append(UInt8(ascii: "\n"))
      let cells = Self.widths(of: alert, peak: peak)
      cell(String(alert.id).utf8, width: cells[0], column: 0, to: &bytes)
      cell(minute(alert.openedAt, site: alert.site).utf8, width: cells[1], column: 1, to: &bytes)
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

  /// `2026-11-29 10:40` (`29/11/2026 10:40`): a time to the minute in the site's zone.
  func minute(_ time: Timestamp, site: String) -> String { language.dateTime(time, in: zones.zone(ofSite: site)) }
}
