/// The per-lot rules, as a pure step `(lot state, reading) -> (lot state, events)`: the excursion budget per metric
/// and the cold-treatment clock, each judged by the lot's own product profile, in event time.
///
/// The collector applies every reading to every lot in the reading's room at its timestamp, so the readings of all
/// the probes of a room (and of every room the lot passed through) meet in one state. Per probe, a reading at or
/// before that probe's newest is ignored: replayed or redelivered data changes nothing.
///
/// Lot alerts are not about one probe, so their key names the lot: sensor `lot/<lot>/<metric>` for `budget` and
/// `lot/<lot>/treatment` for `treatment` (`/` is no identifier character, so these never collide with a real probe),
/// in the site and room of the reading that raised them. One is open per lot and purpose at a time.
///
/// Which probes judge a lot depends on their placement (docs/alert-rules.md, "Probe placement"): in a room with a
/// product or simulant probe only those; in a room without one its air probes; evaporator and ambient probes never.
public enum LotEngine {
  /// The longest span one reading stands for, 15 min: across a longer gap the product's state is unknown, and the
  /// `offline` alert speaks for it.
  public static let maxReadingSpanMs: Int64 = 15 * 60_000

  /// How long a probe's last reading above the cold-treatment limit keeps the clock from starting, 6 h (six missed
  /// hourly records): only probes of the room the reading comes from count, so a lot that moved is not held by the
  /// probes of its old room, nor by a probe that was taken away (its `offline` alert says so).
  public static let probeHoldsClockForMs: Int64 = 6 * 3_600_000

  /// Applies `sample`, read by the probe `key`, to the lot `lot` judged by `profile`. A lot closed at `closedAt` had its
  /// alerts resolved then: a late reading has nothing left to escalate or resolve, and an alert it opens stays in the
  /// lot's history, resolved at once (closing the lot is what ends lot alerts). A sample of a probe that does not
  /// feed the lot rules (`placement`, and whether the room has a product probe) changes nothing but forgetting that
  /// probe's trace, so it no longer holds the treatment clock.
  ///
  /// A `paused` sample (an air probe's, in a defrost or door pause of its room: docs/alert-rules.md, "Defrost and
  /// doors") counts for the budget only below the low limit (a pause excuses warm air, never freezing), for the
  /// treatment clock not at all, and holds no clock; it still moves the probe's trace on, so the span up to the next
  /// sample starts at it and the paused time above the high limit is not counted then either.
  public static func process(
    _ sample: Sample, key: SensorKey, lot: String, profile: ProductProfile, closedAt: Timestamp? = nil,
    placement: Placement = .air, roomHasProductProbe: Bool = false, paused: Bool = false, state: inout LotRuleState
  ) -> [LotEvent] {
    guard placement.feedsLotRules(roomHasProductProbe: roomHasProductProbe) else {
      state.probes["\(key.site)/\(key.sensor)"] = nil
      return []
    }
    let events = evaluate(sample, key: key, lot: lot, profile: profile, paused: paused, state: &state)
    guard let closedAt else { return events }
    return events.flatMap { event -> [LotEvent] in
      guard case .alert(let alert) = event else { return [event] }
      guard alert.type == .opened else { return [] }
      var resolution = alert
      resolution.type = .resolved
      resolution.message = "lot \(lot) had already closed at \(closedAt.rfc3339); \(alert.message)"
      return [event, .alert(resolution)]
    }
  }

  private static func evaluate(
    _ sample: Sample, key: SensorKey, lot: String, profile: ProductProfile, paused: Bool, state: inout LotRuleState
  ) -> [LotEvent] {
    let probeID = "\(key.site)/\(key.sensor)"
    let previous = state.probes[probeID]
    if let previous, sample.ts <= previous.lastTs { return [] }
    let span = previous.map {
      TimeSpan(
        start: max($0.lastTs.milliseconds, sample.ts.milliseconds - maxReadingSpanMs), end: sample.ts.milliseconds)
    }
    var trace = LotProbeTrace(
      lastTs: sample.ts, aboveTreatmentLimit: paused ? false : previous?.aboveTreatmentLimit ?? false, room: key.room)
    defer { state.probes[probeID] = trace }
    guard sample.error == nil else { return [] }
    var events: [LotEvent] = []
    for metric in Metric.allCases {
      guard let value = metric.value(in: sample), value.isFinite else { continue }
      let rule = BudgetRule(
        metric: metric, bands: profile.bands(for: metric), lot: lot, productID: profile.id,
        minutes: profile.budget?.minutes(for: metric), sides: paused ? [.low] : BandDirection.allCases)
      if let event = rule.evaluate(value, at: sample.ts, span: span, key: key, state: &state[budget: metric]) {
        events.append(.alert(event))
      }
    }
    if !paused, let treatment = profile.coldTreatment, let value = sample.tempC, value.isFinite {
      trace.aboveTreatmentLimit = value > treatment.maxTempC
      let othersAbove = state.probes.contains { id, other in
        id != probeID && other.aboveTreatmentLimit && other.room == key.room && id.hasPrefix("\(key.site)/")
          && sample.ts.milliseconds - other.lastTs.milliseconds <= probeHoldsClockForMs
      }
      let rule = TreatmentRule(treatment: treatment, lot: lot, productID: profile.id)
      events += rule.evaluate(
        value, at: sample.ts, key: key, anyProbeAbove: trace.aboveTreatmentLimit || othersAbove,
        state: &state.treatment)
    }
    return events
  }

  /// The alert key of a lot's `budget` alert for `metric`.
  public static func budgetKey(lot: String, metric: Metric, site: String, room: String) -> SensorKey {
    SensorKey(site: site, room: room, sensor: "lot/\(lot)/\(metric.rawValue)")
  }

  /// The alert key of a lot's `treatment` alert.
  public static func treatmentKey(lot: String, site: String, room: String) -> SensorKey {
    SensorKey(site: site, room: room, sensor: "lot/\(lot)/treatment")
  }

  /// The pseudo-sensors of every alert a lot can raise, for finding them whatever room raised them.
  public static func alertSensors(lot: String) -> [String] {
    Metric.allCases.map { "lot/\(lot)/\($0.rawValue)" } + ["lot/\(lot)/treatment"]
  }
}
