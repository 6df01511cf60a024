/// Times as operators type them on the command line: a span back from now (`30m`, `24h`, `7d`, `2w`), an RFC 3339
/// time, or Unix seconds.
public enum TimeSpec {
  /// The time `text` names, relative to `now`; `nil` if it names none.
  public static func parse(_ text: String, now: Timestamp) -> Timestamp? {
    if let span = parseSpan(text) { return now.adding(seconds: -span) }
    if let time = Timestamp.parseRFC3339(text) { return time }
    if let seconds = Int64(text), seconds >= 0 { return Timestamp(seconds: seconds) }
    return nil
  }

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
