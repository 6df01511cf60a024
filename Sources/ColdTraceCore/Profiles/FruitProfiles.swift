/// Fruit profiles besides general litchi: longan, and litchi held for a cold treatment.
extension BuiltInProfiles {
  /// The humidity band of fresh litchi and longan (both kept at 90–95 % RH): warning above 98 % after two hours and
  /// below 85 % after an hour, critical below 80 % after an hour.
  static let freshFruitHumidity = MetricBands(
    warningHigh: .past(98, afterMinutes: 120),
    warningLow: .past(85, afterMinutes: 60),
    criticalLow: .past(80, afterMinutes: 60),
    hysteresis: 2
  )

  /// Fresh longan (*Dimocarpus longan*).
  public static let longan = ProductProfile(
    id: "longan",
    name: "Longan, fresh",
    temperature: MetricBands(
      warningHigh: .past(7, afterMinutes: 30),
      criticalHigh: .past(10, afterMinutes: 30),
      warningLow: .past(1, afterMinutes: 60),
      criticalLow: .past(-0.5, afterMinutes: 10),
      hysteresis: 0.5
    ),
    humidity: freshFruitHumidity,
    budget: ExcursionBudget(temperatureMinutes: 180, humidityMinutes: 720),
    trend: .chilledRoom,
    sources: [
      "Y. Jiang et al., Postharvest biology and handling of longan fruit (IIR fridoc 120596, 2002): 1–5 °C, 90–95 % RH.",
      "R. E. Paull and S. Ketsa, Longan, USDA-ARS Agriculture Handbook 66 (2016 edition): 4–7 °C; about 30 days.",
    ],
    notes: [
      "The excursion budget (3 h of temperature, 12 h of humidity outside the warning band over the lot's life) is "
        + "a ColdTrace choice, not from a source; longan tolerates warmth a little better than litchi.",
      "Sources disagree (1–5 °C against 4–7 °C; some tables give 1–10 °C). The warning band spans 1–7 °C so rooms run "
        + "to either source do not alarm; a cooperative tightens it in configuration.",
      "Critical limits (10 °C high, −0.5 °C low) and every delay are ColdTrace choices, not from a source.",
    ]
  )

  /// Litchi held for a cold (disinfestation) treatment, e.g. pulp ≤ 0.99 °C for 17 days or ≤ 1.38 °C for 20 days
  /// (Australia, lychee from China; USDA practice restarts the clock when any probe rises above the limit).
  public static let litchiColdTreatment = ProductProfile(
    id: "litchi-cold-treatment",
    name: "Litchi, fresh, under cold treatment",
    market: "AU",
    temperature: MetricBands(
      warningHigh: .past(1.5, afterMinutes: 15),
      criticalHigh: .past(5, afterMinutes: 15),
      warningLow: .past(-0.6, afterMinutes: 30),
      criticalLow: .past(-0.9, afterMinutes: 10),
      hysteresis: 0.2
    ),
    humidity: litchi.humidity,
    budget: ExcursionBudget(temperatureMinutes: 120, humidityMinutes: 720),
    coldTreatment: ColdTreatment(maxTempC: 0.99, days: 17),
    trend: .chilledRoom,
    sources: [
      "Australian import conditions for fresh lychee from China (BICON): cold treatment, pulp ≤ 0.99 °C for 17 days "
        + "or ≤ 1.38 °C for 20 days; several pulp probes, hourly records to 0.1 °C.",
      "USDA APHIS Treatment Manual, T107 cold treatment schedules: a probe above the limit restarts the treatment.",
    ] + litchi.sources,
    notes: [
      "The excursion budget (120 min of temperature, 12 h of humidity outside the warning band) is a ColdTrace "
        + "choice, as for general litchi.",
      "Below the general litchi profile's 1 °C warning-low limit on purpose; freezing near −1 °C bounds the low side.",
      "The alarm limits are ColdTrace choices around the treatment temperature; the treatment clock itself (restart "
        + "above 0.99 °C, completion after 17 days) is a separate rule.",
    ]
  )
}
