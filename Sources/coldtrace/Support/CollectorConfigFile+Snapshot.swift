import ColdTraceCore
import ColdTraceStorage

extension CollectorConfigFile {
  /// What of this configuration decides alerts, for the journal's `config_changed` lines: the default product, each
  /// room's product, the offline and re-notification thresholds, and the profiles in force (the catalog: built-ins
  /// with the config's overrides and additions).
  func configurationSnapshot() throws -> ConfigurationSnapshot {
    var settings: [String: String] = [
      "default_product": products.defaultProduct.id,
      "offline_after_minutes": JSONText.number(offlineAfterMinutes),
      "agent_offline_after_minutes": JSONText.number(agentOfflineAfterMinutes),
      "renotify_after_minutes": JSONText.number(renotifyAfterMinutes),
    ]
    for (room, profile) in products.rooms { settings["room \(room)"] = profile.id }
    var profiles = products.catalog.profiles
    for profile in [products.defaultProduct] + products.rooms.values.sorted(by: { $0.id < $1.id })
    where !profiles.contains(profile) {
      profiles.append(profile)
    }
    return try ConfigurationSnapshot(settings: settings, profiles: profiles)
  }
}
