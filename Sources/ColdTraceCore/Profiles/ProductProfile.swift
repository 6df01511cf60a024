/// The storage conditions ColdTrace holds a product to: alarm limits for temperature and humidity, with the sources
/// every number comes from and notes on where sources disagree.
///
/// Built-in profiles live in `BuiltInProfiles`; a configuration can override or add profiles (per market, per
/// cooperative) with the same fields.
public struct ProductProfile: Sendable, Codable, Equatable, Identifiable {
  /// Stable id used on the command line and in the database, e.g. `litchi`.
  public var id: String
  /// Name for people, e.g. `Litchi (lychee)`.
  public var name: String
  /// The export market these limits are for (e.g. `JP`), or `nil` for the general profile.
  public var market: String?
  public var temperature: MetricBands
  public var humidity: MetricBands
  /// Cumulative time-outside-band allowance per lot, if the profile has one.
  public var budget: ExcursionBudget?
  /// The cold treatment the market requires, if any.
  public var coldTreatment: ColdTreatment?
  /// When a temperature rise inside the band is fast and long enough to warn (`temp_trend`); `nil` for no trend
  /// alarm (profiles saved before trends existed decode so).
  public var trend: TrendSettings?
  /// Where the numbers come from, one citation per entry.
  public var sources: [String]
  /// Disagreements between sources, hazards, and the reasoning behind limits that are ColdTrace's own choice.
  public var notes: [String]

  public init(
    id: String, name: String, market: String? = nil, temperature: MetricBands, humidity: MetricBands,
    budget: ExcursionBudget? = nil, coldTreatment: ColdTreatment? = nil, trend: TrendSettings? = nil,
    sources: [String], notes: [String] = []
  ) {
    self.id = id
    self.name = name
    self.market = market
    self.temperature = temperature
    self.humidity = humidity
    self.budget = budget
    self.coldTreatment = coldTreatment
    self.trend = trend
    self.sources = sources
    self.notes = notes
  }

  /// The bands that apply to `metric`.
  public func bands(for metric: Metric) -> MetricBands {
    switch metric {
    case .temperature: temperature
    case .humidity: humidity
    }
  }

  /// Operator-readable reasons this profile cannot work as intended (prefixed with the metric); empty when sound.
  public func problems() -> [String] {
    var found: [String] = []
    if id.isEmpty { found.append("profile id is empty") }
    if sources.isEmpty { found.append("profile \(id) cites no source for its numbers") }
    for metric in Metric.allCases {
      found += bands(for: metric).problems(unit: metric.unit).map { "profile \(id), \(metric.label): \($0)" }
    }
    found += (trend?.problems() ?? []).map { "profile \(id): \($0)" }
    return found
  }
}
