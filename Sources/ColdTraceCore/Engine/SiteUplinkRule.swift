/// `uplink_down`: a site broker whose bridge to the central broker is down past `graceSeconds` (the bridge's will,
/// `0` on `coldtrace/v1/bridge/<site>`) is a site-level warning; down past `blindAfterSeconds` (the probes' own
/// `offline` limit) the site has been unseen as long as a silent probe may be, and the alert becomes critical. While it
/// may (a grace is set), it stands in for the site's probes' `offline` alerts: they would all name a symptom of this
/// one cause (the collector holds them while the bridge is down, as Alertmanager's inhibition does).
public struct SiteUplinkRule: Sendable, Equatable {
  /// Seconds the bridge may be down before `uplink_down` opens; 0: never (and the probes' `offline` alerts are not
  /// held).
  public var graceSeconds: Double
  /// Seconds down after which the alert is critical: the probes' `offline_after_minutes`; 0: never critical.
  public var blindAfterSeconds: Double

  public init(graceSeconds: Double = 900, blindAfterSeconds: Double = 600) {
    self.graceSeconds = graceSeconds
    self.blindAfterSeconds = blindAfterSeconds
  }

  /// How far a site's `uplink_down` has gone.
  public enum Level: Int, Sendable, Comparable {
    case none, warning, critical

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The level of an open alert of this severity.
    public init(_ severity: Severity) { self = severity == .critical ? .critical : .warning }
  }

  /// Whether the site's probes' `offline` alerts wait for this rule while the bridge is down.
  public var holdsOfflineAlerts: Bool { graceSeconds > 0 }

  /// The alert key of a site's uplink: its site, no room (`-`), no sensor (`*`): neither can be a real id.
  public static func key(site: String) -> SensorKey { SensorKey(site: site, room: "-", sensor: "*") }

  /// The event the bridge's state calls for at `now`, if any; updates `level` (how far the open alert has gone).
  public func evaluate(site: String, up: Bool, since: Timestamp, level: inout Level, now: Timestamp) -> AlertEvent? {
    let key = Self.key(site: site)
    if up {
      guard level != .none else { return nil }
      let severity: Severity = level == .critical ? .critical : .warning
      level = .none
      return AlertEvent(
        type: .resolved, key: key, kind: .uplinkDown, severity: severity, productID: "-", at: since,
        limit: nil, value: nil, peak: nil,
        message:
          "the uplink of site \(site) is back at \(since.rfc3339): its site broker is bridged to the centre again")
    }
    let down = now.seconds(since: since)
    guard graceSeconds > 0 else { return nil }
    let due: Level =
      blindAfterSeconds > 0 && down > blindAfterSeconds ? .critical : down > graceSeconds ? .warning : .none
    guard due > level else { return nil }
    let type: AlertEventType = level == .none ? .opened : .escalated
    level = due
    let minutes = Int(down / 60)
    var message =
      "the site broker of site \(site) lost its bridge to the centre at \(since.rfc3339) and is not back "
      + "after \(minutes) min: its readings wait on the site broker (the uplink, the router or the site broker's power)"
    if due == .critical {
      message +=
        "; no reading of the site has arrived for \(minutes) min (its probes' offline alerts wait for this one)"
    }
    return AlertEvent(
      type: type, key: key, kind: .uplinkDown, severity: due == .critical ? .critical : .warning, productID: "-",
      at: now, limit: (due == .critical ? blindAfterSeconds : graceSeconds) / 60, value: (down / 60).rounded(),
      peak: nil, message: message)
  }
}
