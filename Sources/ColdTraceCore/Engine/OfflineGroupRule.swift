/// Many probes of one site going silent at once (a site's uplink, its agent, a bridge that invented ids and stopped)
/// raise one site-level `offline` alert naming them, not one per probe (docs/alert-rules.md, "Silence"): one
/// notification, one journal line, while each probe's state stays visible in `coldtrace status` (its age).
///
/// The group alert's room is `-` and its sensor `*`; each probe it covers is marked offline in its own state, so its
/// next reading ends its silence quietly (no per-probe alert is open), and the group resolves once none of the site's
/// probes is silent any more.
public enum OfflineGroupRule {
  /// From this many probes of one site going silent in one timer round, they are grouped.
  public static let threshold = 10
  /// The most probes named in the message (the rest are counted).
  static let namedAtMost = 20

  public static func key(site: String) -> SensorKey { SensorKey(site: site, room: "-", sensor: "*") }

  /// The alert for `sensors` of `site` going silent at `now`.
  public static func opening(site: String, sensors: [String], silentAfterSeconds: Double, now: Timestamp)
    -> AlertEvent
  {
    let sorted = sensors.sorted()
    let named = sorted.prefix(namedAtMost).joined(separator: ", ")
    let more = sorted.count > namedAtMost ? " and \(sorted.count - namedAtMost) more" : ""
    return AlertEvent(
      type: .opened, key: key(site: site), kind: .offline, severity: .critical, productID: "-", at: now,
      limit: silentAfterSeconds / 60, value: Double(sorted.count), peak: nil,
      message: "\(sorted.count) probes of site \(site) sent nothing for \(Int(silentAfterSeconds / 60)) min: "
        + "\(named)\(more); check the site's agent, bridge and uplink (coldtrace status shows each probe)")
  }

  /// The resolution once no probe of `site` is silent.
  public static func resolution(site: String, now: Timestamp) -> AlertEvent {
    AlertEvent(
      type: .resolved, key: key(site: site), kind: .offline, severity: .critical, productID: "-", at: now,
      limit: nil, value: nil, peak: nil, message: "every probe of site \(site) reports again")
  }
}
