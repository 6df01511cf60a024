/// RFC 3339 formatting and parsing for `Timestamp`, without Foundation (the agent stays small).
extension Timestamp {
  /// `2026-11-29T03:40:00.000Z`: UTC, always with milliseconds.
  public var rfc3339: String {
    let (days, msOfDay) = milliseconds.floorDivided(by: 86_400_000)
    let (year, month, day) = CivilDate.fromDays(days)
    let hour = msOfDay / 3_600_000
    let minute = msOfDay / 60_000 % 60
    let second = msOfDay / 1000 % 60
    let millis = msOfDay % 1000
    guard (0...9999).contains(year) else {
      return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))."
        + "\(pad(millis, 3))Z"
    }
    // Digits written in place: listing thousands of alerts formats several times per alert.
    return String(unsafeUninitializedCapacity: 24) { out in
      var index = 0
      func put(_ value: Int64, _ width: Int, then separator: UInt8) {
        var rest = value
        for position in stride(from: index + width - 1, through: index, by: -1) {
          out[position] = UInt8(ascii: "0") + UInt8(rest % 10)
          rest /= 10
        }
        out[index + width] = separator
        index += width + 1
      }
      put(year, 4, then: UInt8(ascii: "-"))
      put(month, 2, then: UInt8(ascii: "-"))
      put(day, 2, then: UInt8(ascii: "T"))
      put(hour, 2, then: UInt8(ascii: ":"))
      put(minute, 2, then: UInt8(ascii: ":"))
      put(second, 2, then: UInt8(ascii: "."))
      put(millis, 3, then: UInt8(ascii: "Z"))
      return index
    }
  }

  /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t`, `z` and a space separator are accepted as RFC 3339
  /// allows. Fractions beyond milliseconds are truncated. Returns `nil` for anything else, including impossible dates.
  public static func parseRFC3339<S: StringProtocol>(_ text: S) -> Timestamp? {
    // A native String's bytes are read in place; copying them costs the collector an allocation per reading.
    if let parsed = text.utf8.withContiguousStorageIfAvailable({ parseRFC3339(bytes: $0) }) { return parsed }
    return Array(text.utf8).withUnsafeBufferPointer { parseRFC3339(bytes: $0) }
  }

  /// `parseRFC3339` of text held as UTF-8 bytes.
  static func parseRFC3339(bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    var scanner = DigitScanner(bytes)
    guard let year = scanner.digits(4), scanner.skip("-"),
      let month = scanner.digits(2), scanner.skip("-"),
      let day = scanner.digits(2)
    else { return nil }
    guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") else { return nil }
    guard let hour = scanner.digits(2), scanner.skip(":"),
      let minute = scanner.digits(2), scanner.skip(":"),
      let second = scanner.digits(2)
    else { return nil }
    var millis: Int64 = 0
    if scanner.skip(".") {
      var count = 0
      while let digit = scanner.digit() {
        if count < 3 { millis = millis * 10 + digit }
        count += 1
      }
      guard count > 0 else { return nil }
      for _ in count..<max(count, 3) { millis *= 10 }
    }
    var offsetMinutes: Int64 = 0
    if scanner.skip("Z") || scanner.skip("z") {
      offsetMinutes = 0
    } else if let sign = scanner.sign(), let offHour = scanner.digits(2), scanner.skip(":"),
      let offMinute = scanner.digits(2), offHour < 24, offMinute < 60
    {
      offsetMinutes = sign * (offHour * 60 + offMinute)
    } else {
      return nil
    }
    guard scanner.atEnd, (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year),
      hour < 24, minute < 60, second < 61
    else { return nil }
    let days = CivilDate.toDays(year: year, month: month, day: day)
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetMinutes * 60
    return Timestamp(milliseconds: seconds * 1000 + millis)
  }
}

private func pad(_ value: Int64, _ width: Int) -> String {
  let text = String(value)
  return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

extension Int64 {
  /// Floor division and a non-negative remainder, for times before 1970.
  func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
    let quotient = (self >= 0 ? self : self - divisor + 1) / divisor
    return (quotient, self - quotient * divisor)
  }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's `days_from_civil` / `civil_from_days`).
enum CivilDate {
  static func toDays(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  static func fromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  static func daysIn(month: Int64, year: Int64) -> Int64 {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}

/// A cursor over ASCII bytes for fixed-width numeric fields.
struct DigitScanner {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  var atEnd: Bool { index == bytes.count }

  mutating func digit() -> Int64? {
    guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
    defer { index += 1 }
    return Int64(bytes[index] - 0x30)
  }

  mutating func digits(_ count: Int) -> Int64? {
    var value: Int64 = 0
    for _ in 0..<count {
      guard let digit = digit() else { return nil }
      value = value * 10 + digit
    }
    return value
  }

  mutating func skip(_ character: Unicode.Scalar) -> Bool {
    guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
    index += 1
    return true
  }

  mutating func sign() -> Int64? {
    if skip("+") { return 1 }
    if skip("-") { return -1 }
    return nil
  }
}
