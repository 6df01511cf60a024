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
    func bands(_ json: inout JSONObjectWriter, _ bands: MetricBands) {
      let limits = [
        ("critical_low", bands.criticalLow), ("warning_low", bands.warningLow), ("warning_high", bands.warningHigh),
        ("critical_high", bands.criticalHigh),
      ]
      for (key, limit) in limits {
        json.object(key, limit) { json, limit in
          json.number("value", limit.threshold)
          json.integer("delay_s", limit.delaySeconds)
        }
      }
      json.number("hysteresis", bands.hysteresis)
    }
    return JSONObjectWriter.object { json in
      json.string("id", profile.id)
      json.string("name", profile.name)
      json.string("market", profile.market)
      json.object("temp_c") { bands(&$0, profile.temperature) }
      json.object("rh_pct") { bands(&$0, profile.humidity) }
      json.object("budget", profile.budget) { json, budget in
        json.number("temp_c_minutes", budget.temperatureMinutes)
        json.number("rh_pct_minutes", budget.humidityMinutes)
      }
      json.object("cold_treatment", profile.coldTreatment) { json, treatment in
        json.number("max_temp_c", treatment.maxTempC)
        json.number("days", treatment.days)
      }
      json.object("temp_trend", profile.trend) { json, trend in
        json.number("rise_c_per_h", trend.riseCPerHour)
        json.number("clear_c_per_h", trend.clearCPerHour)
        json.number("window_min", trend.windowMinutes)
        json.number("sustain_min", trend.sustainMinutes)
      }
      json.strings("sources", profile.sources)
      json.strings("notes", profile.notes)
    }
  }
}
