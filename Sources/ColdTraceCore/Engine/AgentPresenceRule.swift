/// The agent-offline rule: an agent's retained status turns `offline` (its MQTT will: the box lost power or its link)
/// and stays so past a grace period, so a reboot or a short link drop does not page anyone.
public struct AgentPresenceRule: Sendable, Equatable {
  public var graceSeconds: Double

  public init(graceSeconds: Double) { self.graceSeconds = graceSeconds }

  /// What one agent's presence looks like to the collector.
  public struct Presence: Sendable, Equatable {
    public var online: Bool
    /// Collector time of the last status change.
    public var since: Timestamp
    /// Whether an `agent_offline` alert is open for it.
    public var alerting: Bool

    public init(online: Bool, since: Timestamp, alerting: Bool = false) {
      self.online = online
      self.since = since
      self.alerting = alerting
    }
  }

  /// The alert key of an agent: its site, no room (`-`), the agent id in place of a sensor.
  public static func key(site: String, agent: String) -> SensorKey { SensorKey(site: site, room: "-", sensor: agent) }

  /// The event the presence calls for at `now`, if any; updates `alerting`.
  public func evaluate(site: String, agent: String, presence: inout Presence, now: Timestamp) -> AlertEvent? {
    let key = Self.key(site: site, agent: agent)
    if presence.online {
      guard presence.alerting else { return nil }
      presence.alerting = false
      return AlertEvent(
        type: .resolved, key: key, kind: .agentOffline, severity: .critical, productID: "-", at: presence.since,
        limit: nil, value: nil, peak: nil, message: "agent \(agent) is back online at \(presence.since.rfc3339)")
    }
    let offline = now.seconds(since: presence.since)
    guard !presence.alerting, offline > graceSeconds else { return nil }
    presence.alerting = true
    return AlertEvent(
      type: .opened, key: key, kind: .agentOffline, severity: .critical, productID: "-", at: now,
      limit: graceSeconds / 60, value: (offline / 60).rounded(), peak: nil,
      message: "agent \(agent) went offline at \(presence.since.rfc3339) and has not come back for "
        + "\(Int(offline / 60)) min: none of its probes are reporting (power, network or the box itself)")
  }
}
