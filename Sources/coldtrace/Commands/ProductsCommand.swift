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
    let profiles = BuiltInProfiles.all
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
    func trend(_ trend: TrendSettings?) -> String {
      trend.map {
        "{\"rise_c_per_h\":\(JSONText.number($0.riseCPerHour)),\"clear_c_per_h\":\(JSONText.number($0.clearCPerHour)),"
          + "\"window_min\":\(JSONText.number($0.windowMinutes)),\"sustain_min\":\(JSONText.number($0.sustainMinutes))}"
      } ?? "null"
    }
    return "{\"id\":\(JSONText.quoted(profile.id)),\"name\":\(JSONText.quoted(profile.name)),"
      + "\"market\":\(profile.market.map(JSONText.quoted) ?? "null"),"
      + "\"temp_c\":\(bands(profile.temperature)),\"rh_pct\":\(bands(profile.humidity)),"
      + "\"temp_trend\":\(trend(profile.trend)),"
      + "\"sources\":[\(profile.sources.map(JSONText.quoted).joined(separator: ","))],"
      + "\"notes\":[\(profile.notes.map(JSONText.quoted).joined(separator: ","))]}"
  }
}
