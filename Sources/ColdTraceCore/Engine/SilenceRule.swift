/// The missing-data rule: a timer, not the next reading, decides that a sensor is silent (docs/alert-rules.md,
/// "Silence"). The collector calls `check` with its own clock every few seconds; the next reading resolves the
/// alert (`resolveOnReading`, called by `AlertEngine.process`).
public struct SilenceRule: Sendable, Equatable {
  /// How long a sensor may stay silent before `offline` opens.
  public var silentAfterSeconds: Double

  public init(silentAfterSeconds: Double) { self.silentAfterSeconds = silentAfterSeconds }

  /// Opens `offline` (critical: a silent probe protects nothing) when the newest reading is older than the limit.
  public func check(now: Timestamp, key: SensorKey, productID: String, state: inout SensorRuleState) -> AlertEvent? {
    guard state.offlineSince == nil, let last = state.lastTs else { return nil }
    let silent = now.seconds(since: last)
    guard silent > silentAfterSeconds else { return nil }
    state.offlineSince = now
    return AlertEvent(
      type: .opened, key: key, kind: .offline, severity: .critical, productID: productID, at: now,
      limit: silentAfterSeconds / 60, value: (silent / 60).rounded(), peak: nil,
      message: "no reading from \(key.sensor) for \(Int(silent / 60)) min (last at \(last.rfc3339)); "
        + "check the probe, the agent and the link")
  }

  /// Resolves an open `offline` alert because a reading arrived.
  static func resolveOnReading(_ sample: Sample, key: SensorKey, productID: String, state: inout SensorRuleState)
    -> AlertEvent?
  {
    guard let since = state.offlineSince else { return nil }
    state.offlineSince = nil
    let at = max(sample.ts, since)
    return AlertEvent(
      type: .resolved, key: key, kind: .offline, severity: .critical, productID: productID, at: at, limit: nil,
      value: nil, peak: nil,
      message:
        "\(key.sensor) reports again (reading at \(sample.ts.rfc3339)) after \(Int(at.seconds(since: since) / 60)) "
        + "min of silence")
  }
}
