import ArgumentParser
import ColdTraceCore
import ColdTraceSystem

struct ProductsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "products",
    abstract: "The product profiles in force, with their limits and sources.",
    discussion: "Example: coldtrace products --json"
  )

  @OptionGroup var global: GlobalOptions
  @Flag(help: "One JSON object per product per line.") var json = false

  func run() throws {
    let settings = try global.settings()
    let profiles = settings.products.catalog.profiles
    if json {
      for profile in profiles { print(Self.json(profile)) }
      return
    }
    var table = TextTable("PRODUCT", "METRIC", "CRIT LOW", "WARN LOW", "WARN HIGH", "CRIT HIGH", "HYSTERESIS")
    for profile in profiles {
      for metric in Metric.allCases {
        let bands = profile.bands(for: metric)
        func cell(_ limit: BandLimit?) -> String {
          limit.map { "\(formatted($0.threshold)) after \($0.delaySeconds / 60) min" } ?? "-"
        }
        table.add(
          profile.id, metric.rawValue, cell(bands.criticalLow), cell(bands.warningLow), cell(bands.warningHigh),
          cell(bands.criticalHigh), formatted(bands.hysteresis))
      }
    }
    print(table.render())
    var lotRules = TextTable("PRODUCT", "BUDGET temp_c", "BUDGET rh_pct", "COLD TREATMENT")
    for profile in profiles {
      func budget(_ metric: Metric) -> String {
        profile.budget?.minutes(for: metric).map { "\(JSONText.number($0)) min" } ?? "-"
      }
      let treatment = profile.coldTreatment.map {
        "≤ \(JSONText.number($0.maxTempC)) °C for \(JSONText.number($0.days)) d"
      }
      lotRules.add(profile.id, budget(.temperature), budget(.humidity), treatment ?? "-")
    }
    print("\nPer lot: time allowed outside the warning band over the lot's life, and cold treatments")
    print(lotRules.render())
    print("\nDefault product for rooms without an assignment: \(settings.products.defaultProduct.id)")
    for profile in profiles {
      print("\n\(profile.id) (\(profile.name)) sources:")
      for source in profile.sources { print("  - \(source)") }
      for note in profile.notes { print("  note: \(note)") }
    }
  }

  static func json(_ profile: ProductProfile) -> String {
    func limit(_ limit: BandLimit?) -> String {
      limit.map { "{\"value\":\(JSONText.number($0.threshold)),\"delay_s\":\($0.delaySeconds)}" }
        ?? "null"
    }
    func bands(_ bands: MetricBands) -> String {
      "{\"critical_low\":\(limit(bands.criticalLow)),\"warning_low\":\(limit(bands.warningLow)),"
        + "\"warning_high\":\(limit(bands.warningHigh)),\"critical_high\":\(limit(bands.criticalHigh)),"
        + "\"hysteresis\":\(JSONText.number(bands.hysteresis))}"
    }
    func budget(_ budget: ExcursionBudget?) -> String {
      guard let budget else { return "null" }
      let minutes = { (value: Double?) in value.map(JSONText.number) ?? "null" }
      return "{\"temp_c_minutes\":\(minutes(budget.temperatureMinutes)),"
        + "\"rh_pct_minutes\":\(minutes(budget.humidityMinutes))}"
    }
    func treatment(_ treatment: ColdTreatment?) -> String {
      treatment.map { "{\"max_temp_c\":\(JSONText.number($0.maxTempC)),\"days\":\(JSONText.number($0.days))}" }
        ?? "null"
    }
    func trend(_ trend: TrendSettings?) -> String {
      trend.map {
        "{\"rise_c_per_h\":\(JSONText.number($0.riseCPerHour)),\"clear_c_per_h\":\(JSONText.number($0.clearCPerHour)),"
          + "\"window_min\":\(JSONText.number($0.windowMinutes)),\"sustain_min\":\(JSONText.number($0.sustainMinutes))}"
      } ?? "null"
    }
    return "{\"id\":\(JSONText.quoted(profile.id)),\"name\":\(JSONText.quoted(profile.name)),"
      + "\"market\":\(profile.market.map(JSONText.quoted) ?? "null"),"
      + "\"temp_c\":\(bands(profile.temperature)),\"rh_pct\":\(bands(profile.humidity)),"
      + "\"budget\":\(budget(profile.budget)),\"cold_treatment\":\(treatment(profile.coldTreatment)),"
      + "\"temp_trend\":\(trend(profile.trend)),"
      + "\"sources\":[\(profile.sources.map(JSONText.quoted).joined(separator: ","))],"
      + "\"notes\":[\(profile.notes.map(JSONText.quoted).joined(separator: ","))]}"
  }
}
