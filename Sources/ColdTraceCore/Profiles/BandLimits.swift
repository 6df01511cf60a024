/// Which side of a band a limit guards: values above a high limit or below a low limit are past it.
public enum BandDirection: String, Sendable, Codable, CaseIterable {
  case high
  case low

  /// Whether `value` is strictly past `threshold` on this side (a value equal to the threshold is inside).
  public func isPast(_ value: Double, _ threshold: Double) -> Bool {
    switch self {
    case .high: value > threshold
    case .low: value < threshold
    }
  }

  /// The word used in messages: `above` or `below`.
  public var preposition: String {
    switch self {
    case .high: "above"
    case .low: "below"
    }
  }
}

/// One alarm zone: a threshold and the continuous event time a reading must stay past it before the zone alarms.
///
/// Professional loggers call this a single-event delay: the clock starts at the first reading past the threshold and
/// any reading back inside stops it.
public struct BandLimit: Sendable, Codable, Equatable {
  /// The limit in the metric's unit (°C or % RH).
  public var threshold: Double
  /// Seconds of continuous event time past `threshold` before alarming; 0 alarms on the first reading past it.
  public var delaySeconds: Int

  public init(threshold: Double, delaySeconds: Int) {
    self.threshold = threshold
    self.delaySeconds = delaySeconds
  }

  /// A limit whose delay is given in minutes, as profiles are usually written.
  public static func past(_ threshold: Double, afterMinutes minutes: Int) -> BandLimit {
    BandLimit(threshold: threshold, delaySeconds: minutes * 60)
  }
}

/// The alarm zones of one metric for one product: a warning and a critical limit on each side, any of them absent,
/// and the dead band an alert must clear before it resolves.
///
/// A high alert resolves at a value ≤ `warningHigh − hysteresis`, a low alert at ≥ `warningLow + hysteresis` (the
/// critical limit stands in when a side has no warning limit).
public struct MetricBands: Sendable, Codable, Equatable {
  public var warningHigh: BandLimit?
  public var criticalHigh: BandLimit?
  public var warningLow: BandLimit?
  public var criticalLow: BandLimit?
  /// Dead band on clearing, in the metric's unit; never negative.
  public var hysteresis: Double

  public init(
    warningHigh: BandLimit? = nil, criticalHigh: BandLimit? = nil,
    warningLow: BandLimit? = nil, criticalLow: BandLimit? = nil,
    hysteresis: Double = 0
  ) {
    self.warningHigh = warningHigh
    self.criticalHigh = criticalHigh
    self.warningLow = warningLow
    self.criticalLow = criticalLow
    self.hysteresis = hysteresis
  }

  /// No limits at all: the metric is not watched for this product.
  public static let unwatched = MetricBands()

  /// The limit of `severity` on the `direction` side, if the profile sets one.
  public func limit(_ severity: Severity, _ direction: BandDirection) -> BandLimit? {
    switch (severity, direction) {
    case (.warning, .high): warningHigh
    case (.critical, .high): criticalHigh
    case (.warning, .low): warningLow
    case (.critical, .low): criticalLow
    }
  }

  /// The threshold an open alert on the `direction` side must clear (by `hysteresis`) to resolve: the warning
  /// limit, or the critical one when that side has no warning limit.
  public func clearingThreshold(_ direction: BandDirection) -> Double? {
    (limit(.warning, direction) ?? limit(.critical, direction))?.threshold
  }

  /// Whether `value` has cleared the `direction` side's clearing threshold by the hysteresis.
  public func hasCleared(_ value: Double, _ direction: BandDirection) -> Bool {
    guard let threshold = clearingThreshold(direction) else { return true }
    switch direction {
    case .high: return value <= threshold - hysteresis
    case .low: return value >= threshold + hysteresis
    }
  }

  /// Operator-readable reasons these bands cannot work as intended; empty when they are consistent.
  public func problems(unit: String) -> [String] {
    var found: [String] = []
    if !(hysteresis >= 0) || !hysteresis.isFinite {
      found.append("hysteresis must be 0 or more, not \(OperatorText.number(hysteresis))")
    }
    for direction in BandDirection.allCases {
      for severity in Severity.allCases {
        guard let limit = limit(severity, direction) else { continue }
        let name = "\(severity.rawValue) \(direction.rawValue) limit"
        if !limit.threshold.isFinite { found.append("\(name) is not a number") }
        if limit.delaySeconds < 0 { found.append("\(name) has a negative delay (\(limit.delaySeconds) s)") }
      }
      if let warning = limit(.warning, direction)?.threshold, let critical = limit(.critical, direction)?.threshold,
        direction.isPast(warning, critical)
      {
        found.append(
          "critical \(direction.rawValue) limit \(OperatorText.number(critical)) \(unit) must not be inside the "
            + "warning \(direction.rawValue) limit \(OperatorText.number(warning)) \(unit)")
      }
    }
    if let high = clearingThreshold(.high), let low = clearingThreshold(.low), high - hysteresis <= low + hysteresis {
      found.append(
        "high and low limits overlap once the \(OperatorText.number(hysteresis)) \(unit) hysteresis is applied "
          + "(high \(OperatorText.number(high)) \(unit), low \(OperatorText.number(low)) \(unit))")
    }
    return found
  }
}
