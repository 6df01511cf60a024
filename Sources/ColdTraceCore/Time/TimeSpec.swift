/// Times as operators type them on the command line: a span back from now (`30m`, `24h`, `7d`, `2w`), an RFC 3339
/// time, or Unix seconds.
public enum TimeSpec {
  /// The time `text` names, relative to `now`; `nil` if it names none. Spans reach back at most `maxSpanSeconds`
  /// and Unix seconds stop at `maxUnixSeconds`, so no spelling of a huge number can overflow a `Timestamp`.
  public static func parse(_ text: String, now: Timestamp) -> Timestamp? {
    if let span = parseSpan(text) {
      guard span <= maxSpanSeconds else { return nil }
      return now.adding(seconds: -span)
    }
    if let time = Timestamp.parseRFC3339(text) { return time }
    if let seconds = Int64(text), (0...maxUnixSeconds).contains(seconds) { return Timestamp(seconds: seconds) }
    return nil
  }

  /// The longest span back from now: 10,000 years, beyond any stored history.
  public static let maxSpanSeconds: Double = 10_000 * 366 * 86_400
  /// The last second of the year 9999 (the last an RFC 3339 time can name).
  public static let maxUnixSeconds: Int64 = 253_402_300_799

  /// `90s`, `30m`, `24h`, `7d`, `2w` in seconds.
  public static func parseSpan(_ text: String) -> Double? {
    guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0, amount.isFinite else { return nil }
    switch unit {
    case "s": return amount
    case "m": return amount * 60
    case "h": return amount * 3600
    case "d": return amount * 86_400
    case "w": return amount * 604_800
    default: return nil
    }
  }
}
