/// The alarm rule for one metric on one side of its band (e.g. temperature, high), applied one reading at a time.
///
/// All in event time:
/// - a level (warning, critical) holds once readings have stayed strictly past its threshold for at least its delay,
///   measured from the first reading of the run to the current one; a reading back inside ends the run;
/// - with no alert open, the critical level holding opens a critical alert, else the warning level a warning one;
/// - with a warning alert open, the critical level holding escalates it; severity never goes down;
/// - an open alert resolves only once the value has cleared the warning threshold by the hysteresis; a value in the
///   dead band keeps it open.
struct BandRule {
  let metric: Metric
  let direction: BandDirection
  let bands: MetricBands

  var kind: AlertKind { AlertKind(metric: metric, direction: direction) }

  /// Advances `state` by the reading `value` taken at `ts`; returns the alert event it causes, if any.
  func evaluate(
    _ value: Double, at ts: Timestamp, state: inout BandState, key: SensorKey, productID: String
  ) -> AlertEvent? {
    updateRuns(value, at: ts, state: &state)
    let context = BandAlertText(metric: metric, direction: direction, productID: productID)
    guard var open = state.open else {
      for severity in [Severity.critical, .warning] {
        guard let (limit, runStart) = holding(severity, at: ts, in: state) else { continue }
        state.open = OpenAlert(severity: severity, openedAt: ts, peak: value)
        return event(
          .opened, severity: severity, at: ts, key: key, productID: productID, limit: limit.threshold, value: value,
          peak: value, message: context.opened(value: value, limit: limit, since: runStart, at: ts, severity: severity))
      }
      return nil
    }
    if bands.hasCleared(value, direction) {
      state.open = nil
      let threshold = bands.clearingThreshold(direction)
      return event(
        .resolved, severity: open.severity, at: ts, key: key, productID: productID, limit: threshold, value: value,
        peak: open.peak,
        message: context.resolved(
          value: value, threshold: threshold, hysteresis: bands.hysteresis, alert: open, at: ts))
    }
    open.peak = worse(open.peak, value)
    var escalation: AlertEvent?
    if open.severity < .critical, let (limit, runStart) = holding(.critical, at: ts, in: state) {
      open.severity = .critical
      escalation = event(
        .escalated, severity: .critical, at: ts, key: key, productID: productID, limit: limit.threshold,
        value: value, peak: open.peak, message: context.escalated(value: value, limit: limit, since: runStart, at: ts))
    }
    state.open = open
    return escalation
  }

  /// Starts a run at the first reading past a level's threshold and ends it at the first reading back inside.
  private func updateRuns(_ value: Double, at ts: Timestamp, state: inout BandState) {
    for severity in Severity.allCases {
      if let limit = bands.limit(severity, direction), direction.isPast(value, limit.threshold) {
        if state[runStart: severity] == nil { state[runStart: severity] = ts }
      } else {
        state[runStart: severity] = nil
      }
    }
  }

  /// The level's limit and run start when its condition holds at `ts`.
  private func holding(_ severity: Severity, at ts: Timestamp, in state: BandState) -> (BandLimit, Timestamp)? {
    guard let limit = bands.limit(severity, direction), let runStart = state[runStart: severity] else { return nil }
    let elapsed = ts.milliseconds - runStart.milliseconds
    return elapsed >= Int64(limit.delaySeconds) * 1000 ? (limit, runStart) : nil
  }

  /// The worse of two values for this side: the higher for a high band, the lower for a low one.
  private func worse(_ a: Double, _ b: Double) -> Double {
    switch direction {
    case .high: max(a, b)
    case .low: min(a, b)
    }
  }

  private func event(
    _ type: AlertEventType, severity: Severity, at ts: Timestamp, key: SensorKey, productID: String, limit: Double?,
    value: Double, peak: Double, message: String
  ) -> AlertEvent {
    AlertEvent(
      type: type, key: key, kind: kind, severity: severity, productID: productID, at: ts, limit: limit, value: value,
      peak: peak, message: message)
  }
}
