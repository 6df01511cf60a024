/// The product profiles ColdTrace ships with; configuration can override them or add more.
///
/// Each product is one static entry plus its place in `all`. Limits inside a cited range follow the sources; alarm
/// thresholds outside it and all delays are ColdTrace's engineering choices, and the notes say so.
public enum BuiltInProfiles {
  /// Every built-in profile, in the order `coldtrace products` lists them.
  public static let all: [ProductProfile] = [
    litchi, litchiColdTreatment, longan, leafyVegetables, frozenVegetables, driedHerbs, chilledPork, chilledPorkEU,
    chilledChicken, chilledChickenEU, frozenMeat,
  ]

  /// The built-in profile with this id (ASCII case ignored), or `nil`.
  public static func named(_ id: String) -> ProductProfile? {
    let wanted = id.lowercased()
    return all.first { $0.id.lowercased() == wanted }
  }

  /// Fresh litchi (lychee, *Litchi chinensis*) in cold storage before export.
  public static let litchi = ProductProfile(
    id: "litchi",
    name: "Litchi (lychee), fresh",
    temperature: MetricBands(
      warningHigh: .past(5, afterMinutes: 45),
      criticalHigh: .past(8, afterMinutes: 10),
      warningLow: .past(1, afterMinutes: 30),
      criticalLow: .past(-0.5, afterMinutes: 10),
      hysteresis: 0.5
    ),
    humidity: freshFruitHumidity,
    budget: ExcursionBudget(temperatureMinutes: 120, humidityMinutes: 720),
    trend: .chilledRoom,
    sources: [
      "R. E. Paull, University of Hawaiʻi CTAHR: store at 2–5 °C and 90–95 % RH; storage life 3–5 weeks.",
      "FAO document AC681E, chapter 8 \"Harvesting and storage\" (www.fao.org/3/AC681E/ac681e0a.htm): water loss "
        + "browns the pericarp; with precautions against water loss and rots fruit keeps two to three weeks.",
      "Journal of Food Quality (Hindawi) 2018, article ID 8517018: litchi postharvest storage and pericarp browning.",
      "Y. Jiang et al., Postharvest biology and technology of litchi fruit, J. Food Agric. Environ. 1(2):76–81, "
        + "2003: storage at 1–5 °C, about 30 days under refrigeration.",
    ],
    notes: [
      "The excursion budget (120 min of temperature and 12 h of humidity outside the warning band over the lot's "
        + "life) is a ColdTrace choice, not from a source: about two hours outside 1–5 °C costs litchi visible "
        + "colour. It counts every probe in the room: a room whose defrosts lift the air past 5 °C spends it within "
        + "days, so put a probe in the fruit or raise the budget.",
      "Sources disagree on temperature: 2–5 °C (Paull, CTAHR), 1–5 °C (Jiang et al.) and 1–2 °C in other storage "
        + "tables, while browning and chilling injury are reported below about 3 °C. The warning band spans 1–5 °C so "
        + "that rooms run to the colder tables do not alarm; a market or cooperative that wants 2–5 °C sets warning "
        + "low to 2 °C (or 3 °C against chilling) in its configuration.",
      "Critical low −0.5 °C after 10 min keeps a margin above the freezing point of the fruit, near −1 °C.",
      "Critical high 8 °C after 10 min and all delays are ColdTrace choices, not from a source: litchi loses colour "
        + "within a day when warm, so a sustained rise well above the 5 °C ceiling needs action within the hour.",
      "Warning high waits 45 min because defrost cycles lift the air above 5 °C for 15–30 min several times a day; a "
        + "shorter delay warns on every defrost. A real excursion past 8 °C still alarms after 10 min, and a steady "
        + "climb inside the band raises a temp_trend warning before 5 °C is reached.",
      "Humidity target 90–95 % RH (Paull): warning below 85 % and critical below 80 % after an hour (water loss "
        + "browns the pericarp, FAO); warning above 98 % after two hours (condensation favours rots). The alarm "
        + "thresholds are ColdTrace choices around the cited range.",
      "Lots under cold treatment (e.g. pulp ≤ 0.99 °C for 17 days) sit below the 1 °C warning low limit: use a "
        + "market profile that lowers it, or the treatment will raise temp_low warnings.",
      "Storage life: 3–5 weeks (Paull), 2–3 weeks (FAO), about 30 days (Jiang et al.).",
    ]
  )
}
