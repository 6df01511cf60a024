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
  public static func process(
    _ sample: Sample, key: SensorKey, profile: ProductProfile, judgesProduct: Bool = true,
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
    for metric in Metric.allCases {
      guard let value = metric.value(in: sample), value.isFinite else { continue }
      for direction in BandDirection.allCases {
        let rule = BandRule(metric: metric, direction: direction, bands: profile.bands(for: metric))
        if let event = rule.evaluate(
          value, at: sample.ts, state: &state[metric, direction], key: key, productID: profile.id)
        {
          events.append(event)
        }
      }
    }
    if let value = sample.tempC, value.isFinite {
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
