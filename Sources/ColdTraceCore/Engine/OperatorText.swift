/// Numbers and durations as alert messages show them, without Foundation (the core stays portable and small).
enum OperatorText {
  /// At most two decimals, trailing zeros dropped, no negative zero: `7.4`, `5`, `-0.5`, `0.99`.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    let hundredths = Int64((value * 100).rounded())
    let magnitude = hundredths.magnitude
    let whole = magnitude / 100
    let fraction = magnitude % 100
    let sign = hundredths < 0 ? "-" : ""
    switch fraction {
    case 0: return "\(sign)\(whole)"
    case let f where f % 10 == 0: return "\(sign)\(whole).\(f / 10)"
    case let f where f < 10: return "\(sign)\(whole).0\(f)"
    default: return "\(sign)\(whole).\(fraction)"
    }
  }

  /// A span of event time for an operator: `40 s`, `15 min`, `2 h`, `2 h 5 min`, `3 d 4 h`.
  static func duration(milliseconds: Int64) -> String {
    let seconds = max(milliseconds, 0) / 1000
    if seconds < 60 { return "\(seconds) s" }
    let minutes = seconds / 60
    if minutes < 60 { return "\(minutes) min" }
    let hours = minutes / 60
    if hours < 48 { return minutes % 60 == 0 ? "\(hours) h" : "\(hours) h \(minutes % 60) min" }
    let days = hours / 24
    return hours % 24 == 0 ? "\(days) d" : "\(days) d \(hours % 24) h"
  }
}
