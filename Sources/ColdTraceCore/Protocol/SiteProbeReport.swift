/// What an agent's `mqtt` driver knows of one probe it reads from the site broker beyond its samples, carried in the
/// agent's retained status (`mqtt_probes`, docs/protocol.md, "Status payloads") so that the collector judges it as it
/// judges a `[[source]]`'s probe: its source's offline limit, its latest battery and link with the limits they are
/// judged by (`battery_low`, `weak_signal`), and its device's own offline announcement (availability topic).
///
/// State, not events: the agent publishes it again whenever a value crosses into another zone of its rule
/// (`ProbeHealthRule.zones`) or the availability changes, and a collector that receives the same state twice opens
/// nothing twice.
public struct SiteProbeReport: Sendable, Equatable {
  /// The source's `offline_after_minutes`.
  public var offlineAfterMinutes: Double?
  /// The latest battery and link values (each the latest the device reported), and when.
  public var health = ProbeHealth()
  public var healthAt: Timestamp?
  /// The source's limits for `health`.
  public var limits = ProbeHealthRule()
  /// The device announced itself offline at this time (the agent's clock on arrival), with this grace.
  public var unavailableSince: Timestamp?
  public var graceMinutes: Double?

  public init() {}

  func write(_ json: inout JSONObjectWriter) {
    if let offlineAfterMinutes { json.number("offline_after_minutes", offlineAfterMinutes) }
    if !health.isEmpty, let healthAt {
      json.object("health") { json in
        json.string("ts", healthAt.rfc3339)
        if let battery = health.batteryPct { json.number("battery_pct", battery) }
        if let quality = health.linkQuality { json.number("linkquality", quality) }
        if let rssi = health.rssiDBm { json.number("rssi_dbm", rssi) }
      }
      json.object("limits") { json in
        json.number("battery_low_pct", limits.batteryLowPct)
        json.number("weak_linkquality", limits.weakLinkQuality)
        json.number("weak_rssi_dbm", limits.weakRSSIDBm)
      }
    }
    if let unavailableSince {
      json.object("unavailable") { json in
        json.string("since", unavailableSince.rfc3339)
        json.number("grace_minutes", graceMinutes ?? 0)
      }
    }
  }

  /// Reads one entry leniently: a field that is not a number (or a time) is left out, never a reason to drop the rest.
  init(_ object: JSONObject) {
    func number(_ value: JSONValue?) -> Double? {
      if case .number(let number)? = value, number.isFinite { return number }
      return nil
    }
    func time(_ value: JSONValue?) -> Timestamp? {
      if case .string(let text)? = value { return Timestamp.parseRFC3339(text) }
      return nil
    }
    offlineAfterMinutes = number(object["offline_after_minutes"]).flatMap { $0 > 0 ? $0 : nil }
    if case .object(let health)? = object["health"], let at = time(health["ts"]) {
      self.health = ProbeHealth(
        batteryPct: number(health["battery_pct"]), linkQuality: number(health["linkquality"]),
        rssiDBm: number(health["rssi_dbm"]))
      healthAt = at
    }
    if case .object(let limits)? = object["limits"] {
      self.limits.batteryLowPct = number(limits["battery_low_pct"]) ?? self.limits.batteryLowPct
      self.limits.weakLinkQuality = number(limits["weak_linkquality"]) ?? self.limits.weakLinkQuality
      self.limits.weakRSSIDBm = number(limits["weak_rssi_dbm"]) ?? self.limits.weakRSSIDBm
    }
    if case .object(let unavailable)? = object["unavailable"], let since = time(unavailable["since"]) {
      unavailableSince = since
      graceMinutes = max(0, number(unavailable["grace_minutes"]) ?? 0)
    }
  }
}

extension StatusMessage {
  func writeMQTTProbes(_ json: inout JSONObjectWriter) {
    guard let mqttProbes else { return }
    json.object("mqtt_probes") { json in
      for sensor in mqttProbes.keys.sorted() {
        json.object(sensor) { json in mqttProbes[sensor]?.write(&json) }
      }
    }
  }

  static func readMQTTProbes(_ object: JSONObject) -> [String: SiteProbeReport]? {
    guard case .object(let probes)? = object["mqtt_probes"] else { return nil }
    var reports: [String: SiteProbeReport] = [:]
    for member in probes.members where Identifier.isValid(member.key, as: .sensor) {
      if case .object(let entry) = member.value { reports[member.key] = SiteProbeReport(entry) }
    }
    return reports
  }
}
