/// The site-uplink rule: a site broker's bridge to the central broker (`coldtrace/v1/bridge/<site>`) says `0` and
/// stays so past a grace period, so a short drop of the facility's uplink pages no one. A warning: the site broker
/// keeps the site's readings meanwhile; the probes' own `offline` alerts say what is not being watched.
public struct SiteUplinkRule: Sendable, Equatable {
  /// Seconds the bridge may be down before `uplink_down` opens; 0: never.
  public var graceSeconds: Double

  public init(graceSeconds: Double = 900) { self.graceSeconds = graceSeconds }

  /// The alert key of a site's uplink: its site, no room (`-`), no sensor (`*`): neither can be a real id.
  public static func key(site: String) -> SensorKey { SensorKey(site: site, room: "-", sensor: "*") }

  /// The event the bridge's state calls for at `now`, if any; updates `alerting` (an `uplink_down` is open).
  public func evaluate(site: String, up: Bool, since: Timestamp, alerting: inout Bool, now: Timestamp) -> AlertEvent? {
    let key = Self.key(site: site)
    if up {
      guard alerting else { return nil }
      alerting = false
      return AlertEvent(
        type: .resolved, key: key, kind: .uplinkDown, severity: .warning, productID: "-", at: since,
        limit: nil, value: nil, peak: nil,
        message:
          "the uplink of site \(site) is back at \(since.rfc3339): its site broker is bridged to the centre again")
    }
    let down = now.seconds(since: since)
    guard graceSeconds > 0, !alerting, down > graceSeconds else { return nil }
    alerting = true
    return AlertEvent(
      type: .opened, key: key, kind: .uplinkDown, severity: .warning, productID: "-", at: now,
      limit: graceSeconds / 60, value: (down / 60).rounded(), peak: nil,
      message: "the site broker of site \(site) lost its bridge to the centre at \(since.rfc3339) and is not back "
        + "after \(Int(down / 60)) min: its readings wait on the site broker (the uplink, the router or the site "
        + "broker's power)")
  }
}
