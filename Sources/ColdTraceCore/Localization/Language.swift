/// The languages ColdTrace speaks to people in: reports, `coldtrace status`, and the numbers and dates within them.
///
/// Machine formats (JSON, the journal, CSV column names) never change with the language; only text meant for a reader.
public enum Language: String, Sendable, CaseIterable, Codable {
  case en
  case vi

  /// The language chosen by the locale variables, in POSIX precedence (`LC_ALL`, then `LC_MESSAGES`, then `LANG`):
  /// `vi_VN.UTF-8`, `vi` and the like give Vietnamese; anything else, or nothing set, gives English.
  public static func fromLocale(_ environment: [String: String]) -> Language {
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
      guard let value = environment[name], !value.isEmpty else { continue }
      return value.lowercased().hasPrefix("vi") ? .vi : .en
    }
    return .en
  }

  /// `value` with `places` decimals, in the reader's notation: `3.42` in English, `3,42` in Vietnamese; a minus
  /// sign that would show on a rounded zero is dropped.
  public func decimal(_ value: Double, places: Int) -> String {
    guard value.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<max(0, places) { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let negative = value < 0 && scaled != 0
    let whole = Int64(scaled / scale)
    var text = grouped(whole)
    if places > 0 {
      let fraction = Int64(scaled) - whole * Int64(scale)
      var digits = String(fraction)
      while digits.count < places { digits = "0" + digits }
      text += (self == .vi ? "," : ".") + digits
    }
    return negative ? "−" + text : text
  }

  /// A whole number with the reader's thousands separator: `170,000` in English, `170.000` in Vietnamese.
  public func integer(_ value: Int) -> String {
    value < 0 ? "−" + grouped(Int64(value.magnitude)) : grouped(Int64(value))
  }

  /// A date and time at `utcOffsetMinutes` from UTC, as the reader writes it: `2026-11-29 10:40` in English,
  /// `29/11/2026 10:40` in Vietnamese. Callers state the zone once (see `zoneLabel`) rather than on every time.
  public func dateTime(_ time: Timestamp, utcOffsetMinutes: Int) -> String {
    let parts = LocalTime(time, utcOffsetMinutes: utcOffsetMinutes)
    return "\(date(parts)) \(two(parts.hour)):\(two(parts.minute))"
  }

  /// The date alone, in the reader's order.
  public func date(_ time: Timestamp, utcOffsetMinutes: Int) -> String {
    date(LocalTime(time, utcOffsetMinutes: utcOffsetMinutes))
  }

  /// A date and time in `zone`, at its offset at that instant (daylight saving time included).
  public func dateTime(_ time: Timestamp, in zone: SiteTimeZone) -> String {
    dateTime(time, utcOffsetMinutes: zone.offsetMinutes(at: time))
  }

  /// The local date alone in `zone`, in the reader's order.
  public func date(_ time: Timestamp, in zone: SiteTimeZone) -> String {
    date(time, utcOffsetMinutes: zone.offsetMinutes(at: time))
  }

  /// The zone the times are in, e.g. `UTC+07:00`.
  public static func zoneLabel(utcOffsetMinutes: Int) -> String {
    guard utcOffsetMinutes != 0 else { return "UTC" }
    let sign = utcOffsetMinutes < 0 ? "−" : "+"
    let minutes = abs(utcOffsetMinutes)
    return "UTC\(sign)\(two(Int64(minutes / 60))):\(two(Int64(minutes % 60)))"
  }

  private func date(_ parts: LocalTime) -> String {
    switch self {
    case .en: "\(parts.year)-\(two(parts.month))-\(two(parts.day))"
    case .vi: "\(two(parts.day))/\(two(parts.month))/\(parts.year)"
    }
  }

  private func grouped(_ value: Int64) -> String {
    let digits = Array(String(value))
    var text = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { text += self == .vi ? "." : "," }
      text.append(digit)
    }
    return text
  }
}

private func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

/// Calendar fields of a timestamp shifted by a fixed offset from UTC.
struct LocalTime {
  var year: Int64
  var month: Int64
  var day: Int64
  var hour: Int64
  var minute: Int64

  init(_ time: Timestamp, utcOffsetMinutes: Int) {
    let totalMinutes = (time.milliseconds + Int64(utcOffsetMinutes) * 60_000).floorDivided(by: 60_000).quotient
    let (days, minuteOfDay) = totalMinutes.floorDivided(by: 1440)
    (year, month, day) = CivilDate.fromDays(days)
    hour = minuteOfDay / 60
    minute = minuteOfDay % 60
  }
}
