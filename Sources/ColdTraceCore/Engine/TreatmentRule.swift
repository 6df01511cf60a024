/// The cold-treatment clock of one lot (docs/alert-rules.md, "Lots"): product held at or below `maxTempC` for `days`
/// consecutive days. All in event time, over every probe in the lot's room (conservative, as USDA practice):
/// - the clock starts at the first reading at or below the limit while no probe's newest reading is above it (probes
///   of the reading's room, heard from in the last 6 h);
/// - any probe reading above the limit while the clock runs restarts it: a critical `treatment` alert opens and says
///   when the treatment can finish at the earliest (the restart plus the full duration);
/// - the alert resolves at the reading that starts the clock again, with the new earliest finish;
/// - the treatment completes at the first reading, at or below the limit with no probe above it, at least the full
///   duration after the clock start; the rule then stops for the lot. Readings above the limit before the clock
///   ever ran (fruit still pre-cooling) are no restart.
/// Gaps between readings do not stop the clock; the `offline` alert covers a silent probe.
struct TreatmentRule {
  let treatment: ColdTreatment
  let lot: String
  let productID: String

  /// Applies a temperature `value` read at `ts` by the probe `key`; `anyProbeAbove` says whether this reading or the
  /// newest reading of another probe of the room is above the limit (see `LotEngine.probeHoldsClockForMs`).
  /// Returns the events it causes.
  func evaluate(
    _ value: Double, at ts: Timestamp, key: SensorKey, anyProbeAbove: Bool, state: inout TreatmentState
  ) -> [LotEvent] {
    guard state.completedAt == nil else { return [] }
    let limit = OperatorText.number(treatment.maxTempC)
    if value > treatment.maxTempC {
      guard let start = state.clockStart else { return [] }
      state.clockStart = nil
      state.restarts += 1
      state.lastRestartAt = ts
      state.notBefore = max(ts, state.notBefore ?? ts)
      let alertKey = LotEngine.treatmentKey(lot: lot, site: key.site, room: key.room)
      state.openAlert = alertKey
      let held = OperatorText.duration(milliseconds: ts.milliseconds - start.milliseconds)
      let earliest = ts.adding(seconds: treatment.durationSeconds)
      return [
        .alert(
          AlertEvent(
            type: .opened, key: alertKey, kind: .treatment, severity: .critical, productID: productID, at: ts,
            limit: treatment.maxTempC, value: value, peak: value,
            message: "cold treatment of \(lot) restarted: \(key.sensor) read \(OperatorText.number(value)) °C above "
              + "\(limit) °C after \(held) at or below; the full \(days) must run again, so it can finish at the "
              + "earliest at \(earliest.rfc3339) (restart \(state.restarts))"))
      ]
    }
    guard !anyProbeAbove else { return [] }
    var events: [LotEvent] = []
    if state.clockStart == nil {
      let start = max(ts, state.notBefore ?? ts)
      state.clockStart = start
      if let alertKey = state.openAlert {
        state.openAlert = nil
        let earliest = start.adding(seconds: treatment.durationSeconds)
        events.append(
          .alert(
            AlertEvent(
              type: .resolved, key: alertKey, kind: .treatment, severity: .critical, productID: productID, at: ts,
              limit: treatment.maxTempC, value: value, peak: nil,
              message: "cold treatment of \(lot) running again from \(start.rfc3339), every probe at or below "
                + "\(limit) °C; it can finish at the earliest at \(earliest.rfc3339)")))
      }
    }
    if let start = state.clockStart, ts.seconds(since: start) >= treatment.durationSeconds {
      state.completedAt = ts
      events.append(
        .treatmentCompleted(
          TreatmentCompletion(
            lot: lot, productID: productID, clockStart: start, completedAt: ts, treatment: treatment,
            restarts: state.restarts)))
    }
    return events
  }

  private var days: String {
    OperatorText.duration(milliseconds: Int64((treatment.durationSeconds * 1000).rounded()))
  }
}
