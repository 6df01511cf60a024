import ColdTraceConfig
import ColdTraceCore
import ColdTraceMQTT

/// The collector's optional TOML configuration (see `deploy/collector.toml`).
public struct CollectorConfigFile: Sendable {
  public var db: String?
  public var journal: String?
  public var broker: String?
  public var collectorID = "main"
  public var protocolVersion: ClientOptions.ProtocolVersion = .v5
  public var tls: ClientOptions.TLS?
  public var products = ProductAssignment()
  public var offlineAfterMinutes: Double = 10
  public var agentOfflineAfterMinutes: Double = 2
  /// A site broker's bridge down this long raises `uplink_down` (0: never).
  public var siteUplinkDownAfterMinutes: Double = 15
  public var renotifyAfterMinutes: Double = 60
  /// `group_wait_seconds`: probes of a site crossing the same limit within it make one alert, the room's or, from
  /// two rooms on, the site's (0: off).
  public var crossingGroups = CrossingGroupRule()
  /// `[[notify]]` (or the deprecated `[notify]`): the notification channels.
  public var notifications: [NotificationHook.Settings] = []
  /// `[placements]`: `"<site>/<sensor>" = "product"`, winning over what the probe's agent announces.
  public var placements: [ProbeKey: Placement] = [:]
  /// `[[maintenance]]`: scheduled windows when a scope's alerts are recorded but not notified.
  public var maintenance: [MaintenanceWindow] = []
  /// `[defrost]`, `[doors]`, `[evaporator]`, `[[room_conditions]]`, `[[defrost_schedule]]`.
  public var roomConditions = RoomConditionConfig()
  /// `[metrics] listen`: where `/metrics` is served (`nil`: not served).
  public var metricsListen: MetricsListenAddress?
  /// `[[source]]`: third-party publishers (Zigbee2MQTT, Tasmota, Shelly, ESPHome, collectd, …) mapped into readings.
  public var sources: [SourceMapping] = []
  /// `[sites]`, `[sites.<id>]`: each site's probe policy and limits.
  public var siteLimits = SiteLimitsConfig()
  /// `[clock]`: when an agent's clock counts as wrong (`clock_skew`).
  public var clockSkew = ClockSkewRule()
  /// `[sites] gs1_company_prefix`, `uri_base`, `[sites.<id>] gln`, `[gtin]`: how EPCIS exports name places and lots.
  public var traceIdentifiers = TraceIdentifiers()
  /// `signing_key`: the private key `report --sign` uses (`coldtrace keys init`).
  public var signingKey: String?
  /// `time_zone`: the zone people see times in (reports, `status`, `alerts`); default Asia/Ho_Chi_Minh.
  public var timeZone = SiteTimeZone.configDefault
  /// `[sites.<id>] time_zone`: a site's own zone, where it differs.
  public var siteTimeZones: [String: SiteTimeZone] = [:]

  public init() {}

  /// Reads and validates a collector config file; errors name the file and the key.
  public static func load(_ config: ConfigTable) throws(ConfigError) -> CollectorConfigFile {
    try config.rejectUnknownKeys(
      allowed: Set([
        "db", "journal", "broker", "collector_id", "mqtt_version", "default_product", "rooms", "tls",
        "offline_after_minutes", "agent_offline_after_minutes", "renotify_after_minutes", "group_wait_seconds",
        "notify", "product", "placements", "maintenance", "metrics", "source", "sites", "clock", "gtin", "signing_key",
        "time_zone", "site_uplink_down_after_minutes",
      ]).union(RoomConditionConfig.tableKeys))
    var file = CollectorConfigFile()
    let catalog = try ProfileCatalog.configured(config)
    file.products.catalog = catalog
    // A configured litchi replaces the built-in one as the default too.
    file.products.defaultProduct = catalog.named(file.products.defaultProduct.id) ?? file.products.defaultProduct
    file.db = try config.string("db")
    file.journal = try config.string("journal")
    file.signingKey = try config.string("signing_key")
    file.broker = try config.string("broker")
    if let id = try config.string("collector_id") {
      guard Identifier.isValid(id, as: .agent) else { throw config.invalid("collector_id", "is not a valid id") }
      file.collectorID = id
    }
    file.protocolVersion = try config.mqttVersion()
    file.offlineAfterMinutes = try config.double(
      "offline_after_minutes", .within(0.05...10_080, "a week"), default: file.offlineAfterMinutes)
    file.agentOfflineAfterMinutes = try config.double(
      "agent_offline_after_minutes", .within(0...10_080, "a week"), default: file.agentOfflineAfterMinutes)
    file.siteUplinkDownAfterMinutes = try config.double(
      "site_uplink_down_after_minutes", .within(0...10_080).saying("must be 0 (never) to 10080 (a week)"),
      default: file.siteUplinkDownAfterMinutes)
    file.renotifyAfterMinutes = try config.double(
      "renotify_after_minutes", .within(0...10_080).saying("must be 0 (never) to 10080 (a week)"),
      default: file.renotifyAfterMinutes)
    file.crossingGroups.waitSeconds = try config.double(
      "group_wait_seconds", .within(0...3_600).saying("must be 0 (no grouping) to 3600 (an hour)"),
      default: file.crossingGroups.waitSeconds)
    if let name = try config.string("default_product") {
      file.products.defaultProduct = try profile(named: name, in: catalog, config, "default_product")
    }
    if let rooms = try config.table("rooms") {
      for key in rooms.keys {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, Identifier.isValid(parts[0], as: .site), Identifier.isValid(parts[1], as: .room) else {
          throw rooms.invalid(key, "must be written \"<site>/<room>\"")
        }
        guard let name = try rooms.string(key) else { continue }
        file.products.rooms[key] = try profile(named: name, in: catalog, rooms, key)
      }
    }
    if let placements = try config.table("placements") {
      for key in placements.keys {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, Identifier.isValid(parts[0], as: .site), Identifier.isValid(parts[1], as: .sensor)
        else {
          throw placements.invalid(key, "must be written \"<site>/<sensor>\"")
        }
        guard let placement = try placements.placement(key) else { continue }
        file.placements[ProbeKey(site: String(parts[0]), sensor: String(parts[1]))] = placement
      }
    }
    file.notifications = try notificationChannels(config)
    file.maintenance = try maintenanceWindows(config)
    file.roomConditions = try RoomConditionConfig.load(config)
    file.metricsListen = try metricsListen(config)
    file.sources = try SourceConfig.load(config)
    file.siteLimits = try siteLimits(config)
    file.clockSkew = try clockSkew(config)
    file.traceIdentifiers = try traceIdentifiers(config, catalog: catalog)
    file.tls = try config.tlsOptions()
    (file.timeZone, file.siteTimeZones) = try timeZones(config)
    return file
  }

  private static func profile(named name: String, in catalog: ProfileCatalog, _ config: ConfigTable, _ key: String)
    throws(ConfigError) -> ProductProfile
  {
    guard let profile = catalog.named(name) else {
      let known = catalog.ids.joined(separator: ", ")
      throw config.invalid(key, "names unknown product \"\(name)\" (known: \(known))")
    }
    return profile
  }
}
