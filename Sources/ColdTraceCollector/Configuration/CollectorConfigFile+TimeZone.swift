import ColdTraceConfig
import ColdTraceCore
import Foundation

extension CollectorConfigFile {
  /// `time_zone` (top level) and `[sites.<id>] time_zone`: the zone reports, `status` and `alerts` show times in,
  /// an IANA name such as `"Asia/Ho_Chi_Minh"` (the default) or `"UTC"` (docs/operations.md, "Local time").
  ///
  /// ```toml
  /// time_zone = "Asia/Ho_Chi_Minh"
  ///
  /// [sites.berlin-hub]
  /// time_zone = "Europe/Berlin"
  /// ```
  static func timeZones(_ config: ConfigTable) throws(ConfigError) -> (SiteTimeZone, [String: SiteTimeZone]) {
    var zone = SiteTimeZone.configDefault
    if let name = try config.string("time_zone") { zone = try resolved(name, config, "time_zone") }
    var sites: [String: SiteTimeZone] = [:]
    if let table = try config.table("sites") {
      for id in table.keys where Identifier.isValid(id, as: .site) {
        guard let site = try? table.table(id), let name = try site.string("time_zone") else { continue }
        sites[id] = try resolved(name, site, "time_zone")
      }
    }
    return (zone, sites)
  }

  private static func resolved(_ name: String, _ table: ConfigTable, _ key: String) throws(ConfigError)
    -> SiteTimeZone
  {
    guard let zone = SiteTimeZone.named(name) else {
      throw table.invalid(
        key, "\"\(name)\" is not an IANA time zone name (e.g. \"Asia/Ho_Chi_Minh\", \"Europe/Berlin\", \"UTC\")")
    }
    return zone
  }

  /// The zone `site`'s times are shown in: its own `time_zone`, else the config's.
  public func timeZone(ofSite site: String) -> SiteTimeZone { siteTimeZones[site] ?? timeZone }

  /// Every site's zone, for the shell's pages and the store's alert messages.
  public var timeZones: SiteTimeZones { SiteTimeZones(default: timeZone, sites: siteTimeZones) }
}

extension SiteTimeZone {
  /// Asia/Ho_Chi_Minh from the zone data, looked up once.
  public static let configDefault = named(defaultIdentifier) ?? .vietnam

  /// The zone an IANA name (`Asia/Ho_Chi_Minh`, `Europe/Berlin`; `UTC`) names, with its offsets from 1900 to 2200
  /// from the time zone data Foundation carries (ICU's); `nil` for a name the data does not know. Abbreviations and
  /// offsets (`EST`, `GMT+7`) are refused: they hide daylight saving time or its absence.
  public static func named(_ name: String) -> SiteTimeZone? {
    if name == "UTC" || name == "Etc/UTC" { return .utc }
    // `knownTimeZoneIdentifiers` is load-bearing beyond the check: in the static release build (deploy/install.sh),
    // FoundationEssentials finds ICU's time zones only if something links FoundationInternationalization's, and
    // without it `TimeZone(identifier:)` knows no named zone at all (LocalTimeCommandTests run the debug build).
    guard name.contains("/"), TimeZone.knownTimeZoneIdentifiers.contains(name),
      let zone = TimeZone(identifier: name)
    else { return nil }
    let first = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01
    let last = Date(timeIntervalSince1970: 7_258_118_400)  // 2200-01-01
    var changes: [Change] = []
    var cursor = first
    while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < last, changes.count < 4096 {
      changes.append(
        Change(start: Int64(next.timeIntervalSince1970 * 1000), offsetSeconds: zone.secondsFromGMT(for: next)))
      cursor = next
    }
    return SiteTimeZone(
      identifier: name, initialOffsetSeconds: zone.secondsFromGMT(for: first), changes: changes)
  }
}
