/// A cold (disinfestation) treatment a market requires: the product held at or below `maxTempC` for `days`
/// consecutive days. Any reading above `maxTempC` restarts the clock (USDA APHIS practice); the treatment is complete
/// once the clock has run for `days` without a restart.
public struct ColdTreatment: Sendable, Codable, Equatable {
  /// The treatment temperature: readings above it restart the clock.
  public var maxTempC: Double
  /// How long the product must stay at or below `maxTempC`, in days (fractions allowed for tests and overrides).
  public var days: Double

  public init(maxTempC: Double, days: Double) {
    self.maxTempC = maxTempC
    self.days = days
  }

  public var durationSeconds: Double { days * 86_400 }
}

/// How much time outside its band a lot may accumulate over its whole life, across room moves, per metric; using it
/// up opens a critical `budget` alert for the lot, once. Time counts while readings are past the warning limit on
/// either side (before any alert delay: the delay decides when to alarm, not what the product went through).
public struct ExcursionBudget: Sendable, Codable, Equatable {
  /// Minutes of temperature past the warning limits the lot may accumulate; `nil` for no budget.
  public var temperatureMinutes: Double?
  /// Minutes of humidity past the warning limits the lot may accumulate; `nil` for no budget.
  public var humidityMinutes: Double?

  public init(temperatureMinutes: Double? = nil, humidityMinutes: Double? = nil) {
    self.temperatureMinutes = temperatureMinutes
    self.humidityMinutes = humidityMinutes
  }

  /// The budget of `metric` in minutes, if it has one.
  public func minutes(for metric: Metric) -> Double? {
    switch metric {
    case .temperature: temperatureMinutes
    case .humidity: humidityMinutes
    }
  }
}
