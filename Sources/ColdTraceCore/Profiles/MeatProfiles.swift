/// Meat and poultry profiles, general and with the EU's legal limits.
extension BuiltInProfiles {
  /// Chilled pork carcasses and cuts.
  public static let chilledPork = ProductProfile(
    id: "chilled-pork",
    name: "Pork, chilled",
    temperature: MetricBands(
      warningHigh: .past(2, afterMinutes: 30),
      criticalHigh: .past(4, afterMinutes: 30),
      warningLow: .past(-2, afterMinutes: 30),
      criticalLow: .past(-3, afterMinutes: 30),
      hysteresis: 0.5
    ),
    humidity: MetricBands(warningLow: .past(80, afterMinutes: 120), hysteresis: 2),
    budget: ExcursionBudget(temperatureMinutes: 120, humidityMinutes: 720),
    trend: .chilledRoom,
    sources: [
      "ASHRAE Handbook, Refrigeration (2010), meat storage: pork −1.5–1 °C (0–1 °C in other tables), 85–90 % RH, "
        + "3–7 days."
    ],
    notes: [
      "The excursion budget (2 h of temperature, 12 h of humidity outside the warning band) is a ColdTrace choice, "
        + "not from a source.",
      "Pork freezes near −2 °C: the low limits guard against it. High limits and delays are ColdTrace choices; for "
        + "the EU's legal maximum use chilled-pork-eu.",
    ]
  )

  /// Chilled pork for the EU: ≤ 7 °C throughout (Regulation (EC) No 853/2004, Annex III, Section I).
  public static let chilledPorkEU = ProductProfile(
    id: "chilled-pork-eu",
    name: "Pork, chilled (EU limits)",
    market: "EU",
    temperature: MetricBands(
      warningHigh: .past(4, afterMinutes: 30),
      criticalHigh: .past(7, afterMinutes: 10),
      warningLow: chilledPork.temperature.warningLow,
      criticalLow: chilledPork.temperature.criticalLow,
      hysteresis: 0.5
    ),
    humidity: chilledPork.humidity,
    budget: chilledPork.budget,
    trend: .chilledRoom,
    sources: ["Regulation (EC) No 853/2004, Annex III, Section I, Chapter VII: meat at ≤ 7 °C throughout."]
      + chilledPork.sources,
    notes: ["7 °C is the legal maximum: the critical alarm fires after 10 minutes above it (a ColdTrace choice)."]
  )

  /// Chilled chicken and other poultry meat.
  public static let chilledChicken = ProductProfile(
    id: "chilled-chicken",
    name: "Chicken, chilled",
    temperature: MetricBands(
      warningHigh: .past(2, afterMinutes: 30),
      criticalHigh: .past(4, afterMinutes: 15),
      warningLow: .past(-2.5, afterMinutes: 30),
      criticalLow: .past(-3, afterMinutes: 30),
      hysteresis: 0.5
    ),
    humidity: MetricBands(warningLow: .past(80, afterMinutes: 120), hysteresis: 2),
    budget: ExcursionBudget(temperatureMinutes: 120, humidityMinutes: 720),
    trend: .chilledRoom,
    sources: ["ASHRAE Handbook, Refrigeration (2010), poultry storage: −2–0 °C, 85–100 % RH, 5–21 days."],
    notes: [
      "The excursion budget (2 h of temperature, 12 h of humidity outside the warning band) is a ColdTrace choice, "
        + "not from a source.",
      "Poultry freezes near −2.8 °C. High limits and delays are ColdTrace choices; for the EU use chilled-chicken-eu.",
    ]
  )

  /// Fresh poultry meat for the EU: −2 to +4 °C (Regulation (EC) No 543/2008, Article 2).
  public static let chilledChickenEU = ProductProfile(
    id: "chilled-chicken-eu",
    name: "Chicken, chilled (EU limits)",
    market: "EU",
    temperature: MetricBands(
      warningHigh: .past(2.5, afterMinutes: 30),
      criticalHigh: .past(4, afterMinutes: 10),
      warningLow: .past(-1.5, afterMinutes: 30),
      criticalLow: .past(-2, afterMinutes: 10),
      hysteresis: 0.5
    ),
    humidity: chilledChicken.humidity,
    budget: chilledChicken.budget,
    trend: .chilledRoom,
    sources: ["Regulation (EC) No 543/2008, Article 2: fresh poultry meat kept at −2 °C to +4 °C."]
      + chilledChicken.sources,
    notes: ["−2 and +4 °C are the legal bounds: critical after 10 minutes past either (a ColdTrace choice)."]
  )

  /// Frozen meat.
  public static let frozenMeat = ProductProfile(
    id: "frozen-meat",
    name: "Meat, frozen",
    temperature: MetricBands(
      warningHigh: .past(-18, afterMinutes: 30),
      criticalHigh: .past(-12, afterMinutes: 30),
      hysteresis: 1
    ),
    humidity: .unwatched,
    budget: ExcursionBudget(temperatureMinutes: 360),
    sources: [
      "ASHRAE Handbook, Refrigeration (2010), frozen meat: −23 to −18 °C, 90–95 % RH, 4–12 months.",
      "Regulation (EC) No 853/2004, Annex III, Section I, Chapter VII: frozen meat at ≤ −12 °C.",
    ],
    notes: [
      "The excursion budget (6 h above −18 °C over the lot's life) is a ColdTrace choice that leaves room for "
        + "defrosts.",
      "Warning above −18 °C (ASHRAE), critical above the EU's −12 °C legal limit; delays cover defrost cycles.",
      "No temp_trend alarm: the trend settings are tuned on chilled rooms, and freezer defrosts lift the air further "
        + "and for longer.",
    ]
  )
}
