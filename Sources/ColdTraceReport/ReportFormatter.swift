import ColdTraceCore

/// Numbers, durations and times as the report's reader expects them: the language's decimal notation and date order,
/// in the site's time zone (each time at the zone's offset at that instant), stated once in the header.
public struct ReportFormatter: Sendable {
  public var language: Language
  /// The zone times are shown in: the config's `time_zone` (default Asia/Ho_Chi_Minh), UTC with `--utc`.
  public var timeZone: SiteTimeZone

  public init(language: Language, timeZone: SiteTimeZone) {
    self.language = language
    self.timeZone = timeZone
  }

  /// Times at one fixed offset from UTC (`--utc-offset`).
  public init(language: Language, utcOffsetMinutes: Int) {
    self.init(language: language, timeZone: .fixed(offsetMinutes: utcOffsetMinutes))
  }

  var strings: ReportStrings { ReportStrings(language: language) }

  func time(_ time: Timestamp) -> String { language.dateTime(time, in: timeZone) }

  /// The zone statement of a page covering `from` to `to`: `Asia/Ho_Chi_Minh (+07:00)`, `UTC`.
  func zone(from: Timestamp, to: Timestamp) -> String { timeZone.label(from: from, to: to) }

  func number(_ value: Double?, places: Int = 1) -> String {
    value.map { language.decimal($0, places: places) } ?? "–"
  }

  func value(_ value: Double?, _ metric: Metric) -> String {
    guard let value else { return "–" }
    return "\(language.decimal(value, places: 1)) \(metric.unit)"
  }

  func percent(_ value: Double?) -> String {
    value.map { "\(language.decimal($0, places: 1)) %" } ?? "–"
  }

  /// Whole minutes, as `1 d 2 h 5 min` (`1 ngày 2 giờ 5 phút`); under an hour with one decimal when not whole.
  func minutes(_ minutes: Double) -> String {
    let strings = strings
    if minutes < 60 {
      let places = minutes == minutes.rounded() ? 0 : 1
      return "\(language.decimal(minutes, places: places)) \(strings(.minutes))"
    }
    let total = Int(minutes.rounded())
    let days = total / 1440
    let hours = (total % 1440) / 60
    let rest = total % 60
    var parts: [String] = []
    if days > 0 { parts.append("\(language.integer(days)) \(strings(.days))") }
    if hours > 0 { parts.append("\(hours) \(strings(.hours))") }
    if rest > 0 { parts.append("\(rest) \(strings(.minutes))") }
    return parts.joined(separator: " ")
  }

  /// A band's limits for the reader, e.g. `warning 1.0–5.0 °C, critical −0.5–8.0 °C`.
  func limits(_ bands: MetricBands, _ metric: Metric) -> String {
    let strings = strings
    var parts: [String] = []
    for severity in Severity.allCases {
      let low = bands.limit(severity, .low).map { number($0.threshold) } ?? "…"
      let high = bands.limit(severity, .high).map { number($0.threshold) } ?? "…"
      guard bands.limit(severity, .low) != nil || bands.limit(severity, .high) != nil else { continue }
      parts.append("\(strings.severity(severity)) \(low) – \(high) \(metric.unit)")
    }
    return parts.isEmpty ? strings(.none) : parts.joined(separator: "; ")
  }
}
