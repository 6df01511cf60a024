/// Vegetable and herb profiles.
extension BuiltInProfiles {
  /// Leafy vegetables (lettuce, cabbage, spinach, herbs for fresh use).
  public static let leafyVegetables = ProductProfile(
    id: "leafy-vegetables",
    name: "Leafy vegetables, fresh",
    temperature: MetricBands(
      warningHigh: .past(3, afterMinutes: 30),
      criticalHigh: .past(6, afterMinutes: 30),
      warningLow: .past(-0.3, afterMinutes: 15),
      criticalLow: .past(-1, afterMinutes: 10),
      hysteresis: 0.5
    ),
    humidity: MetricBands(
      warningLow: .past(90, afterMinutes: 60),
      criticalLow: .past(85, afterMinutes: 60),
      hysteresis: 2
    ),
    budget: ExcursionBudget(temperatureMinutes: 120, humidityMinutes: 720),
    trend: .chilledRoom,
    sources: [
      "USDA Agriculture Handbook 66, The Commercial Storage of Fruits, Vegetables, and Florist and Nursery Stocks "
        + "(2016), storage tables: leafy greens 0–2 °C, 95–100 % RH, 1–3 weeks."
    ],
    notes: [
      "The excursion budget (2 h of temperature, 12 h of humidity outside the warning band) is a ColdTrace choice, "
        + "not from a source.",
      "Leaves freeze just below 0 °C: the low limits are tight and quick. High limits above the 0–2 °C range and all "
        + "delays are ColdTrace choices.",
    ]
  )

  /// Frozen vegetables (quick-frozen).
  public static let frozenVegetables = ProductProfile(
    id: "frozen-vegetables",
    name: "Vegetables, quick-frozen",
    temperature: MetricBands(
      warningHigh: .past(-18, afterMinutes: 30),
      criticalHigh: .past(-15, afterMinutes: 30),
      hysteresis: 1
    ),
    humidity: .unwatched,
    budget: ExcursionBudget(temperatureMinutes: 360),
    sources: [
      "Codex Alimentarius CXC 8-1976, Code of practice for the processing and handling of quick frozen foods: −18 °C "
        + "or colder at the product core; brief rises to at most −15 °C in distribution."
    ],
    notes: [
      "The excursion budget (6 h above −18 °C over the lot's life) is a ColdTrace choice: it leaves room for "
        + "defrosts and loading, which Codex tolerates as brief rises.",
      "Air temperature rises during defrost cycles, hence the 30-minute delays (a ColdTrace choice); product-core "
        + "probes lag the air by hours.",
      "No temp_trend alarm: the trend settings are tuned on chilled rooms, and freezer defrosts lift the air further "
        + "and for longer.",
    ]
  )

  /// Dried medicinal herbs.
  public static let driedHerbs = ProductProfile(
    id: "dried-herbs",
    name: "Medicinal herbs, dried",
    temperature: MetricBands(
      warningHigh: .past(25, afterMinutes: 120),
      criticalHigh: .past(30, afterMinutes: 120),
      hysteresis: 1
    ),
    humidity: MetricBands(
      warningHigh: .past(60, afterMinutes: 240),
      criticalHigh: .past(70, afterMinutes: 240),
      hysteresis: 3
    ),
    budget: ExcursionBudget(temperatureMinutes: 1440, humidityMinutes: 2880),
    sources: [
      "WHO guidelines on good agricultural and collection practices (GACP) for medicinal plants (2003): store dry, "
        + "cool, protected from moisture; ≤ 25 °C and < 60 % RH are the usual reading of \"cool\" and \"dry\"."
    ],
    notes: [
      "The excursion budget (1 day above 25 °C, 2 days above 60 % RH over the lot's life) is a ColdTrace choice: "
        + "moisture regain is cumulative.",
      "A weak source: WHO GACP gives no numbers. The thresholds are the common reading of it, and the long delays "
        + "reflect that moisture regain and mould take hours to days.",
      "No temp_trend alarm: a dry store warms and cools with the weather, harmlessly within the long delays.",
    ]
  )
}
