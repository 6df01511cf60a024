/// The alert engine: a pure state machine from (state, sample) to (state, alert events), in event time.
///
/// It knows nothing of storage, MQTT or clocks. The collector uses the static step alone: for each fresh sample it
/// calls `process(_:key:profile:state:)` on the probe's `SensorRuleState` (loaded per probe, site and sensor id,
/// whatever room it hangs in), with the profile of the lots in the sample's room, and saves the state in the
/// reading's transaction. The instance, which keeps states by `SensorKey`, and `replay` serve tests and re-evaluation;
/// replaying the same samples always yields the same events.
public struct AlertEngine: Sendable {
  /// Per-sensor rule state, keyed by sensor.
  public private(set) var sensors: [SensorKey: SensorRuleState]

  public init() { sensors = [:] }

  /// An engine that continues from saved per-sensor state.
  public init(sensors: [SensorKey: SensorRuleState]) { self.sensors = sensors }

  /// Applies one sample of `key` judged against `profile`; returns the alert events it causes, oldest rule first
  /// (offline, fault, temperature before humidity, high before low, then the temperature trend).
  public mutating func process(key: SensorKey, sample: Sample, profile: ProductProfile) -> [AlertEvent] {
    var state = sensors[key] ?? SensorRuleState()
    let events = Self.process(sample, key: key, profile: profile, state: &state)
    sensors[key] = state
    return events
  }

  /// The same step on one sensor's state alone, for callers that load and store state per sensor.
  ///
  /// A sample whose `ts` is not after `state.lastTs` is ignored: it returns no events and leaves `state` as it was,
  /// so replayed or out-of-order data cannot corrupt the runs. A fault sample (`error` set) advances `lastTs` but
  /// changes no band state. A sample carrying one metric only updates that metric's bands. A probe whose placement
  /// does not judge the product (`judgesProduct` false: an evaporator or ambient probe) gets its fault rule only.
  ///
  /// `paused` says that the sample falls in a defrost or door pause of its room (docs/alert-rules.md, "Defrost and
  /// doors"; the caller passes it for air probes only): the high-side runs of both metrics, warning and critical,
  /// freeze (they neither start nor grow, and move on by the pause's length when it ends, so paused time never
  /// counts), an open high alert neither resolves nor changes, and the trend rule skips the sample (its window
  /// starts afresh after the pause). The low side and the fault rule are never paused. A pause is capped (the
  /// defrost's or the door's maximum), so a failure that coincides with one is delayed by that much at most.
  public static func process(
    _ sample: Sample, key: SensorKey, profile: ProductProfile, judgesProduct: Bool = true, paused: Bool = false,
    state: inout SensorRuleState
  ) -> [AlertEvent] {
    if let last = state.lastTs, sample.ts <= last { return [] }
    state.lastTs = sample.ts
    var events: [AlertEvent] = []
    if let resumed = SilenceRule.resolveOnReading(sample, key: key, productID: profile.id, state: &state) {
      events.append(resumed)
    }
    if let fault = FaultRule().evaluate(sample, key: key, productID: profile.id, state: &state.fault) {
      events.append(fault)
    }
    guard sample.error == nil, judgesProduct else { return events }
    track(paused: paused, at: sample.ts, state: &state)
    for metric in Metric.allCases {
      guard let value = metric.value(in: sample), value.isFinite else { continue }
      // Paused, the high side is left as it is: its runs freeze and its open alert waits.
      for direction in BandDirection.allCases where !(paused && direction == .high) {
        let rule = BandRule(metric: metric, direction: direction, bands: profile.bands(for: metric))
        if let event = rule.evaluate(
          value, at: sample.ts, state: &state[metric, direction], key: key, productID: profile.id)
        {
          events.append(event)
        }
      }
    }
    if let value = sample.tempC, value.isFinite, !paused {
      if let settings = profile.trend {
        if let event = TrendRule(settings: settings).evaluate(
          value, at: sample.ts, band: profile.temperature, state: &state.trend,
          key: key, productID: profile.id)
        {
          events.append(event)
        }
      } else if let event = TrendRule.forget(at: sample.ts, state: &state.trend, key: key, productID: profile.id) {
        events.append(event)
      }
    }
    return events
  }

  /// Starts or ends the probe's pause: at its end the high-side runs move on by its length, so the paused time
  /// does not count, and the trend window starts afresh (the air is still recovering from what paused it).
  static func track(paused: Bool, at ts: Timestamp, state: inout SensorRuleState) {
    if paused {
      if state.pausedSince == nil { state.pausedSince = ts }
      return
    }
    guard let since = state.pausedSince else { return }
    state.pausedSince = nil
    let length = ts.milliseconds - since.milliseconds
    for metric in Metric.allCases {
      for severity in Severity.allCases {
        if let start = state[metric, .high][runStart: severity] {
          state[metric, .high][runStart: severity] = Timestamp(milliseconds: start.milliseconds + length)
        }
      }
    }
    state.trend.times = []
    state.trend.values = []
    state.trend.risingSince = nil
  }

  /// Runs `samples` in order through a fresh engine and returns every event; for tests and for re-evaluating
  /// stored readings.
  public static func replay(_ samples: [(SensorKey, Sample)], profile: ProductProfile) -> [AlertEvent] {
    var engine = AlertEngine()
    var events: [AlertEvent] = []
    for (key, sample) in samples {
      events += engine.process(key: key, sample: sample, profile: profile)
    }
    return events
  }
}
