/// `site_limit`: a site went past one of its limits (docs/alert-rules.md, "Site limits: `site_limit`"). One warning
/// per site and limit, not one per message: it names the site, the limit and the reason its excess readings are
/// quarantined under, and resolves once the site stayed under the limit for the configured time.
///
/// The alert's sensor is the limit's name and its room `-` (it belongs to no room), like `agent_offline`'s.
public enum SiteLimitRule {
  /// The limits a site can go past.
  public enum Limit: String, Sendable, CaseIterable {
    case maxProbes = "max_probes"
    case maxReadingsPerSecond = "max_readings_per_second"

    /// What its excess readings are quarantined under.
    public var reason: RejectionReason {
      switch self {
      case .maxProbes: .siteProbeLimit
      case .maxReadingsPerSecond: .siteRateLimit
      }
    }
  }

  public static func key(site: String, limit: Limit) -> SensorKey {
    SensorKey(site: site, room: "-", sensor: limit.rawValue)
  }

  /// The warning when `site` first goes past `limit` (whose value is `value`) at `now`.
  public static func opening(site: String, limit: Limit, value: Double, now: Timestamp) -> AlertEvent {
    let what =
      switch limit {
      case .maxProbes: "has \(Int(value)) registered probes (max_probes) and sends readings of new ones"
      case .maxReadingsPerSecond: "sends more than \(value) readings per second (max_readings_per_second)"
      }
    return AlertEvent(
      type: .opened, key: key(site: site, limit: limit), kind: .siteLimit, severity: .warning, productID: "-",
      at: now, limit: value, value: nil, peak: nil,
      message: "site \(site) \(what): the excess is kept in quarantine (\(limit.reason.rawValue)), not stored; "
        + "see coldtrace probe pending, or raise the limit in [sites.\(site)]")
  }

  /// The resolution once `site` stayed under `limit` since `quietSince`.
  public static func resolution(site: String, limit: Limit, value: Double, quietSince: Timestamp, now: Timestamp)
    -> AlertEvent
  {
    AlertEvent(
      type: .resolved, key: key(site: site, limit: limit), kind: .siteLimit, severity: .warning, productID: "-",
      at: now, limit: value, value: nil, peak: nil,
      message: "site \(site) is under its \(limit.rawValue) again since \(quietSince.rfc3339)")
  }
}
