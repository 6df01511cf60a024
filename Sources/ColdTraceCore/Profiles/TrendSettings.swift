/// When a temperature rise is fast enough to alarm before any limit is crossed (docs/alert-rules.md, "Trend": change
/// over the recent readings, projected per hour). A failing compressor or a door left ajar shows as a
/// steady climb long before the air passes the warning limit; a defrost or a door opened for a delivery climbs as fast
/// but only for minutes, so the rise must last `sustainMinutes` before a `temp_trend` warning opens.
///
/// The rate is the least-squares slope of the temperature readings of the last `windowMinutes`, in °C per hour.
public struct TrendSettings: Sendable, Codable, Equatable {
  /// The rise rate, °C per hour, above which the room counts as warming.
  public var riseCPerHour: Double
  /// The rate the slope must fall to (or below) to resolve an open trend alert: the trend's hysteresis.
  public var clearCPerHour: Double
  /// The span of recent readings the slope is fitted over.
  public var windowMinutes: Double
  /// How long the slope must stay above `riseCPerHour`, without a break, before the alert opens.
  public var sustainMinutes: Double

  public init(riseCPerHour: Double, clearCPerHour: Double, windowMinutes: Double, sustainMinutes: Double) {
    self.riseCPerHour = riseCPerHour
    self.clearCPerHour = clearCPerHour
    self.windowMinutes = windowMinutes
    self.sustainMinutes = sustainMinutes
  }

  /// The chilled-room default: warming faster than 0.5 °C/h, fitted over 30 min, for 50 min without a break; resolved
  /// once the rate is 0.2 °C/h or less. Tuned on the simulator's scenarios: the rate of a normal week (compressor
  /// cycling, four defrosts a day, door openings) stays above 0.5 °C/h for at most 40 min and a 25-min defrost's for
  /// about 32 min, while a compressor failing in a 3 t longan room keeps it up for over an hour and opens the alert at
  /// 6.6 °C, an hour before the 7 °C limit (the air then creeps up at about 0.4 °C/h, buffered by the fruit).
  public static let chilledRoom = TrendSettings(
    riseCPerHour: 0.5, clearCPerHour: 0.2, windowMinutes: 30, sustainMinutes: 50)

  /// The most sensitive combination, for a room shared by products with different settings (like the bands): the
  /// lowest rise rate, the lowest clearing rate (below the lowest rise rate, since each is below its own), the
  /// longest window and the shortest sustain time. `nil` when none of them watches the trend.
  public static func strictest(of settings: [TrendSettings]) -> TrendSettings? {
    guard let first = settings.first else { return nil }
    return TrendSettings(
      riseCPerHour: settings.map(\.riseCPerHour).min() ?? first.riseCPerHour,
      clearCPerHour: settings.map(\.clearCPerHour).min() ?? first.clearCPerHour,
      windowMinutes: settings.map(\.windowMinutes).max() ?? first.windowMinutes,
      sustainMinutes: settings.map(\.sustainMinutes).min() ?? first.sustainMinutes)
  }

  /// Operator-readable reasons these settings cannot work; empty when sound.
  public func problems() -> [String] {
    var found: [String] = []
    if !(riseCPerHour > 0) || !riseCPerHour.isFinite { found.append("trend rise rate must be above 0 °C/h") }
    if !(clearCPerHour < riseCPerHour) || !clearCPerHour.isFinite {
      found.append("trend clearing rate must be below the rise rate (\(OperatorText.number(riseCPerHour)) °C/h)")
    }
    if !(windowMinutes >= 2) || !windowMinutes.isFinite { found.append("trend window must be at least 2 min") }
    if !(sustainMinutes >= 0) || !sustainMinutes.isFinite { found.append("trend sustain time must be 0 min or more") }
    return found
  }
}
