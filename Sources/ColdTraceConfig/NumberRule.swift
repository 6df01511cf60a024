import ColdTraceCore

/// The numbers a configuration key accepts, and the words its error uses for them: `.within(0.5...3600)` refuses 0.2
/// with "must be 0.5…3600". NaN is refused by every rule with a bound; an infinity only by a finite bound.
public struct NumberRule<Number: Comparable & Sendable>: Sendable {
  private let lowest: Number?
  private let lowestIncluded: Bool
  private let highest: Number?
  /// What the error says after the key: "must be 0.5…3600".
  public let wording: String

  public func accepts(_ value: Number) -> Bool {
    // Written so that a comparison with NaN (always false) refuses.
    if let lowest, !(lowestIncluded ? value >= lowest : value > lowest) { return false }
    if let highest, !(value <= highest) { return false }
    return true
  }

  /// The same numbers, refused in other words: "must be 0 (never) to 10080 (a week)".
  public func saying(_ wording: String) -> NumberRule {
    NumberRule(lowest: lowest, lowestIncluded: lowestIncluded, highest: highest, wording: wording)
  }

  /// `low…high`, bounds included; `note` (what the bound means) follows in parentheses: "must be 0…10080 (a week)".
  static func within(_ range: ClosedRange<Number>, _ note: String?, text: (Number) -> String) -> NumberRule {
    NumberRule(
      lowest: range.lowerBound, lowestIncluded: true, highest: range.upperBound,
      wording: "must be \(text(range.lowerBound))…\(text(range.upperBound))" + noted(note))
  }

  static func noted(_ note: String?) -> String { note.map { " (\($0))" } ?? "" }
}

extension NumberRule where Number == Double {
  /// `low…high`, bounds included: "must be 0.5…3600", or "must be 0…10080 (a week)" with a note.
  public static func within(_ range: ClosedRange<Double>, _ note: String? = nil) -> NumberRule {
    within(range, note, text: JSONText.number)
  }

  /// More than zero: "must be positive".
  public static var positive: NumberRule {
    NumberRule(lowest: 0, lowestIncluded: false, highest: nil, wording: "must be positive")
  }

  /// More than zero, at most `highest`: "must be positive, at most 87600 (ten years)".
  public static func positive(atMost highest: Double, _ note: String? = nil) -> NumberRule {
    NumberRule(
      lowest: 0, lowestIncluded: false, highest: highest,
      wording: "must be positive, at most \(JSONText.number(highest))" + noted(note))
  }

  /// Zero or more: "must not be negative".
  public static var nonNegative: NumberRule {
    NumberRule(lowest: 0, lowestIncluded: true, highest: nil, wording: "must not be negative")
  }
}

extension NumberRule where Number == Int {
  /// `low…high`, bounds included: "must be 1…65536".
  public static func within(_ range: ClosedRange<Int>, _ note: String? = nil) -> NumberRule {
    within(range, note, text: { String($0) })
  }
}

/// Numbers checked against a `NumberRule` as they are read; a refused number is an error naming the key.
extension ConfigTable {
  /// The number at `key` if present; refused by `rule`, an error in the rule's words.
  public func double(_ key: String, _ rule: NumberRule<Double>) throws(ConfigError) -> Double? {
    guard let value = try double(key) else { return nil }
    guard rule.accepts(value) else { throw invalid(key, rule.wording) }
    return value
  }

  /// The number at `key`, or `default` when absent.
  public func double(_ key: String, _ rule: NumberRule<Double>, default: Double) throws(ConfigError) -> Double {
    try double(key, rule) ?? `default`
  }

  /// The number at `key`, which must be there: missing or refused, the error is in the rule's words.
  public func requiredDouble(_ key: String, _ rule: NumberRule<Double>) throws(ConfigError) -> Double {
    guard let value = try double(key, rule) else { throw invalid(key, rule.wording) }
    return value
  }

  /// The integer at `key` if present; refused by `rule`, an error in the rule's words.
  public func int(_ key: String, _ rule: NumberRule<Int>) throws(ConfigError) -> Int? {
    guard let value = try int(key) else { return nil }
    guard rule.accepts(value) else { throw invalid(key, rule.wording) }
    return value
  }

  /// The integer at `key`, or `default` when absent.
  public func int(_ key: String, _ rule: NumberRule<Int>, default: Int) throws(ConfigError) -> Int {
    try int(key, rule) ?? `default`
  }
}
