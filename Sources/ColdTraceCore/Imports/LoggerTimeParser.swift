/// Reads one time cell as `LoggerTimeFormat` says, in the mapping's offset when the cell has none; pure.
enum LoggerTimeParser {
  /// Times a logger's export can hold: 2000-01-01 to 2100-01-01 UTC, in seconds. Anything else is a misread column
  /// (epoch milliseconds read as seconds) or a number that would overflow the millisecond timestamp.
  static let plausibleSeconds: ClosedRange<Int64> = 946_684_800...4_102_444_800

  /// With `zone`, a time written without an offset is the zone's local time, at the offset in force then (a file
  /// that spans a daylight-saving change reads right); without it, at `utcOffsetMinutes`.
  static func parse(_ text: String, format: LoggerTimeFormat, utcOffsetMinutes: Int, zone: SiteTimeZone? = nil)
    -> Timestamp?
  {
    guard let time = anyTime(text, format: format, utcOffsetMinutes: utcOffsetMinutes, zone: zone),
      plausibleSeconds.contains(time.milliseconds / 1000)
    else { return nil }
    return time
  }

  private static func anyTime(_ text: String, format: LoggerTimeFormat, utcOffsetMinutes: Int, zone: SiteTimeZone?)
    -> Timestamp?
  {
    let local = { (cell: String, pattern: String) -> Timestamp? in
      guard let zone else { return Self.pattern(cell, pattern, utcOffsetMinutes) }
      return Self.pattern(cell, pattern, 0).map { Self.utc(ofLocal: $0, in: zone) }
    }
    let cell = text.trimmedCell
    switch format {
    case .epochSeconds:
      if let seconds = Int64(cell) { return plausibleSeconds.contains(seconds) ? Timestamp(seconds: seconds) : nil }
      guard let seconds = Double(cell), seconds.isFinite, abs(seconds) < 1e12 else { return nil }
      return Timestamp(milliseconds: Int64((seconds * 1000).rounded()))
    case .iso8601:
      if let stamped = Timestamp.parseRFC3339(cell) { return stamped }
      return local(cell, "yyyy-MM-dd HH:mm:ss") ?? local(cell, "yyyy-MM-ddTHH:mm:ss") ?? local(cell, "yyyy-MM-dd HH:mm")
    case .pattern(let pattern):
      return local(cell, pattern)
    }
  }

  /// The instant whose local time in `zone` is `wallClock` (read as if it were UTC): the offset is the one in force
  /// at that instant (looked up twice, so a time just after a change takes the new offset).
  static func utc(ofLocal wallClock: Timestamp, in zone: SiteTimeZone) -> Timestamp {
    let guess = wallClock.adding(seconds: -Double(zone.offsetSeconds(at: wallClock)))
    return wallClock.adding(seconds: -Double(zone.offsetSeconds(at: guess)))
  }

  /// Matches `cell` against `pattern` field by field; numbers may have fewer digits than their field when a
  /// non-digit follows (`1/6/2026 8:05`).
  static func pattern(_ cell: String, _ pattern: String, _ offsetMinutes: Int) -> Timestamp? {
    let text = Array(cell.unicodeScalars)
    let shape = Array(pattern.unicodeScalars)
    var values: [String: Int64] = [:]
    var position = 0
    var index = 0
    while index < shape.count {
      let letter = shape[index]
      var width = 1
      while index + width < shape.count, shape[index + width] == letter { width += 1 }
      let field = String(String.UnicodeScalarView(shape[index..<index + width]))
      if ["yyyy", "yy", "MM", "dd", "HH", "mm", "ss"].contains(field) {
        var digits: Int64 = 0
        var count = 0
        while count < width, position < text.count, let digit = Self.digit(text[position]) {
          digits = digits * 10 + digit
          count += 1
          position += 1
        }
        guard count > 0, count == width || field != "yyyy" else { return nil }
        values[field] = digits
        index += width
      } else {
        for _ in 0..<width {
          guard position < text.count, text[position] == letter else { return nil }
          position += 1
        }
        index += width
      }
    }
    guard position == text.count else { return nil }
    let year = values["yyyy"] ?? values["yy"].map { 2000 + $0 }
    guard let year, let month = values["MM"], let day = values["dd"], let hour = values["HH"],
      let minute = values["mm"]
    else { return nil }
    let second = values["ss"] ?? 0
    guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year),
      (0..<24).contains(hour),
      (0..<60).contains(minute), (0..<60).contains(second)
    else { return nil }
    let days = CivilDate.toDays(year: year, month: month, day: day)
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - Int64(offsetMinutes) * 60
    return Timestamp(seconds: seconds)
  }
}

extension LoggerTimeParser {
  static func digit(_ scalar: Unicode.Scalar) -> Int64? {
    (48...57).contains(scalar.value) ? Int64(scalar.value - 48) : nil
  }
}

extension String {
  /// Without surrounding spaces, tabs and carriage returns.
  var trimmedCell: String {
    var scalars = Substring(self)
    while let first = scalars.first, first == " " || first == "\t" || first == "\r" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
    return String(scalars)
  }
}
