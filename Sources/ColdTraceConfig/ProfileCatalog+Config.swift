import ColdTraceCore

extension ProfileCatalog {
  /// The built-in profiles with the `[[product]]` tables of `config` applied, in order.
  ///
  /// A table whose `id` names an existing profile overrides the keys it sets and keeps the rest; a new `id` starts
  /// from the profile named by `base` (required then). Every number is checked, and the result must pass
  /// `ProductProfile.problems()`; a configured profile must cite at least one source of its own.
  ///
  /// ```toml
  /// [[product]]
  /// id = "litchi-jp"
  /// base = "litchi"
  /// name = "Litchi for the Japanese contract"
  /// market = "JP"
  /// sources = ["Contract HX-2026-07 with the importer: pulp 1–4 °C"]
  /// [product.temp_c]
  /// warning_high = { value = 4, after_minutes = 30 }
  /// hysteresis = 0.3
  /// [product.budget]
  /// temp_c_minutes = 90
  /// [product.cold_treatment]
  /// max_temp_c = 1.1
  /// days = 14
  /// ```
  public static func configured(_ config: ConfigTable) throws(ConfigError) -> ProfileCatalog {
    var catalog = ProfileCatalog.builtIn
    for table in try config.tables("product") {
      try table.rejectUnknownKeys(allowed: [
        "id", "base", "name", "market", "temp_c", "rh_pct", "budget", "cold_treatment", "sources", "notes",
      ])
      guard let id = try table.string("id") else { throw table.invalid("id", "is missing") }
      guard (try? Identifier.validate(id, as: .lot)) != nil else {
        throw table.invalid("id", "must be 1–64 characters of letters, digits, `.`, `_` and `-`")
      }
      var profile: ProductProfile
      if let existing = catalog.named(id) {
        if try table.string("base") != nil { throw table.invalid("base", "is only for new products, not \(id)") }
        profile = existing
      } else {
        guard let baseID = try table.string("base") else {
          throw table.invalid(
            "id", "names no known product; a new one needs `base` (one of \(catalog.ids.joined(separator: ", ")))")
        }
        guard let base = catalog.named(baseID) else {
          throw table.invalid(
            "base", "names unknown product \"\(baseID)\" (known: \(catalog.ids.joined(separator: ", ")))")
        }
        profile = base
        profile.id = id
        profile.sources = []
        profile.notes = ["Based on \(base.id): \(base.name)."]
      }
      if let name = try table.string("name") { profile.name = name }
      if let market = try table.string("market") { profile.market = market.isEmpty ? nil : market }
      if let bands = try table.table("temp_c") {
        profile.temperature = try Self.bands(bands, from: profile.temperature)
      }
      if let bands = try table.table("rh_pct") { profile.humidity = try Self.bands(bands, from: profile.humidity) }
      if let budget = try table.table("budget") { profile.budget = try Self.budget(budget, from: profile.budget) }
      if let treatment = try table.table("cold_treatment") { profile.coldTreatment = try Self.treatment(treatment) }
      guard let sources = try table.strings("sources"), !sources.isEmpty else {
        throw table.invalid("sources", "must cite where the configured numbers come from (one or more strings)")
      }
      profile.sources = sources + profile.sources
      profile.notes += try table.strings("notes") ?? []
      if let problem = profile.problems().first { throw table.invalid("id", "gives an unusable profile: \(problem)") }
      catalog.install(profile)
    }
    return catalog
  }

  private static let limitKeys: [(key: String, severity: Severity, direction: BandDirection)] = [
    ("warning_high", .warning, .high), ("critical_high", .critical, .high),
    ("warning_low", .warning, .low), ("critical_low", .critical, .low),
  ]

  private static func bands(_ table: ConfigTable, from start: MetricBands) throws(ConfigError) -> MetricBands {
    try table.rejectUnknownKeys(allowed: Set(limitKeys.map(\.key) + ["hysteresis"]))
    var bands = start
    for (key, severity, direction) in limitKeys {
      guard let limit = try table.table(key) else { continue }
      try limit.rejectUnknownKeys(allowed: ["value", "after_minutes", "off"])
      if try limit.bool("off") == true {
        bands.set(nil, severity, direction)
        continue
      }
      let value = try limit.requiredDouble("value", .within(-80...100).saying("must be a number from −80 to 100"))
      let minutes = try limit.double("after_minutes", .within(0...10_080, "a week"), default: 0)
      bands.set(BandLimit(threshold: value, delaySeconds: Int((minutes * 60).rounded())), severity, direction)
    }
    bands.hysteresis = try table.double("hysteresis", .within(0...20), default: bands.hysteresis)
    return bands
  }

  private static func budget(_ table: ConfigTable, from start: ExcursionBudget?) throws(ConfigError)
    -> ExcursionBudget
  {
    try table.rejectUnknownKeys(allowed: ["temp_c_minutes", "rh_pct_minutes"])
    var budget = start ?? ExcursionBudget()
    for key in ["temp_c_minutes", "rh_pct_minutes"] {
      guard let minutes = try table.double(key, .within(0...525_600, "a year")) else { continue }
      if key == "temp_c_minutes" { budget.temperatureMinutes = minutes } else { budget.humidityMinutes = minutes }
    }
    return budget
  }

  private static func treatment(_ table: ConfigTable) throws(ConfigError) -> ColdTreatment {
    try table.rejectUnknownKeys(allowed: ["max_temp_c", "days"])
    let maxTemp = try table.requiredDouble(
      "max_temp_c", .within(-30...15).saying("must be a temperature from −30 to 15 °C"))
    let days = try table.requiredDouble("days", .positive(atMost: 90).saying("must be more than 0 and at most 90"))
    return ColdTreatment(maxTempC: maxTemp, days: days)
  }
}

extension MetricBands {
  fileprivate mutating func set(_ limit: BandLimit?, _ severity: Severity, _ direction: BandDirection) {
    switch (severity, direction) {
    case (.warning, .high): warningHigh = limit
    case (.critical, .high): criticalHigh = limit
    case (.warning, .low): warningLow = limit
    case (.critical, .low): criticalLow = limit
    }
  }
}
