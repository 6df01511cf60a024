import ColdTraceConfig
import ColdTraceCore

extension CollectorConfigFile {
  /// The keys of a `[sites]` or `[sites.<id>]` table.
  static let siteLimitKeys: Set<String> = [
    "probe_policy", "max_probes", "max_readings_per_second", "burst_readings",
  ]

  /// `[sites]`: the defaults for every site, and `limit_clear_minutes`; `[sites.<id>]`: one site's own (keys it
  /// leaves out take the defaults). docs/operations.md, "Sites and their limits".
  ///
  /// ```toml
  /// [sites]
  /// probe_policy = "register"        # or "hold": unknown probes wait for `coldtrace probe approve`
  /// max_probes = 200
  /// max_readings_per_second = 1000
  /// burst_readings = 60000
  /// limit_clear_minutes = 10
  ///
  /// [sites.hongxuan]
  /// max_probes = 400
  /// ```
  static func siteLimits(_ config: ConfigTable) throws(ConfigError) -> SiteLimitsConfig {
    var result = SiteLimitsConfig()
    guard let sites = try config.table("sites") else { return result }
    let siteIDs = sites.keys.filter {
      !siteLimitKeys.contains($0) && $0 != "limit_clear_minutes" && !traceabilityKeys.contains($0)
    }
    for id in siteIDs where !Identifier.isValid(id, as: .site) {
      throw sites.invalid(id, "is neither a [sites] key nor a valid site id")
    }
    result.defaults = try limits(
      sites, base: SiteLimits(), extraKeys: ["limit_clear_minutes"] + traceabilityKeys + siteIDs)
    result.clearAfterSeconds =
      try sites.double(
        "limit_clear_minutes", .within(0.1...10_080, "a week"), default: result.clearAfterSeconds / 60) * 60
    for id in siteIDs {
      guard let site = try sites.table(id) else { throw sites.invalid(id, "must be a table [sites.\(id)]") }
      result.sites[id] = try limits(site, base: result.defaults, extraKeys: Array(siteTraceabilityKeys) + ["time_zone"])
    }
    return result
  }

  private static func limits(_ table: ConfigTable, base: SiteLimits, extraKeys: [String]) throws(ConfigError)
    -> SiteLimits
  {
    try table.rejectUnknownKeys(allowed: siteLimitKeys.union(extraKeys))
    var limits = base
    if let policy = try table.string("probe_policy") {
      guard let known = ProbePolicy(rawValue: policy) else {
        throw table.invalid("probe_policy", "must be \"register\" or \"hold\", not \"\(policy)\"")
      }
      limits.probePolicy = known
    }
    limits.maxProbes = try table.int("max_probes", .within(0...1_000_000, "a million")) ?? base.maxProbes
    limits.readingsPerSecond = try table.double(
      "max_readings_per_second", .within(0.01...1_000_000, "a million"), default: base.readingsPerSecond)
    limits.burstReadings = try table.double(
      "burst_readings", .within(1...10_000_000, "ten million"), default: base.burstReadings)
    return limits
  }
}
