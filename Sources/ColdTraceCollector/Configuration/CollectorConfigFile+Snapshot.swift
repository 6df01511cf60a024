import ColdTraceCore
import ColdTraceStorage

extension CollectorConfigFile {
  /// What of this configuration decides alerts, for the journal's `config_changed` lines: the default product, each
  /// room's product, the placement overrides, the maintenance windows and notification channels (which decide what
  /// is notified and to whom), the defrost and door settings and schedules, the offline and re-notification
  /// thresholds, the `[[source]]`s (which probes they make and when those go offline), the site limits, and the
  /// profiles in force (the catalog: built-ins with the config's overrides and additions).
  public func configurationSnapshot() throws -> ConfigurationSnapshot {
    var settings: [String: String] = [
      "default_product": products.defaultProduct.id,
      "offline_after_minutes": JSONText.number(offlineAfterMinutes),
      "agent_offline_after_minutes": JSONText.number(agentOfflineAfterMinutes),
      "renotify_after_minutes": JSONText.number(renotifyAfterMinutes),
    ]
    for (room, profile) in products.rooms { settings["room \(room)"] = profile.id }
    for (probe, placement) in placements { settings["placement \(probe.site)/\(probe.sensor)"] = placement.rawValue }
    for window in maintenance { settings[window.id] = window.summary }
    roomConditions.addSnapshotSettings(to: &settings)
    for channel in notifications { settings["notify \(channel.name)"] = channel.summary }
    for source in sources { settings["source \(source.name)"] = source.summary }
    // Site limits decide what is stored at all; recorded once they differ from the defaults (an install without a
    // [sites] table journals what it did before).
    if siteLimits != SiteLimitsConfig() {
      settings["sites"] =
        siteLimits.defaults.summary + " limit_clear_minutes=\(JSONText.number(siteLimits.clearAfterSeconds / 60))"
      for (site, limits) in siteLimits.sites { settings["sites \(site)"] = limits.summary }
    }
    // Recorded once it differs from the defaults, like the site limits.
    if clockSkew != ClockSkewRule() {
      settings["clock"] =
        "skew_margin_seconds=\(JSONText.number(clockSkew.marginSeconds)) "
        + "skew_sustain_seconds=\(JSONText.number(clockSkew.sustainSeconds))"
    }
    // Recorded once it differs from the default, like the site limits.
    if siteUplinkDownAfterMinutes != CollectorConfigFile().siteUplinkDownAfterMinutes {
      settings["site_uplink_down_after_minutes"] = JSONText.number(siteUplinkDownAfterMinutes)
    }
    // Recorded once grouping is on, like the site limits.
    if crossingGroups.isEnabled { settings["group_wait_seconds"] = JSONText.number(crossingGroups.waitSeconds) }
    // The default and every room's product come from the catalog, so its profiles are all that is in force.
    return try ConfigurationSnapshot(settings: settings, profiles: products.catalog.profiles)
  }
}

extension SiteLimits {
  /// One line for the journal: `probe_policy=register max_probes=200 max_readings_per_second=1000 burst_readings=60000`.
  var summary: String {
    "probe_policy=\(probePolicy.rawValue) max_probes=\(maxProbes) "
      + "max_readings_per_second=\(JSONText.number(readingsPerSecond)) burst_readings=\(JSONText.number(burstReadings))"
  }
}
