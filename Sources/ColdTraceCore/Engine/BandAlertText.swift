/// The one-line operator text of band alert events, e.g.
/// `temperature 7.4 °C above 5 °C for 15 min (litchi, warning)` or
/// `temperature back to 4.3 °C, inside 5 °C − 0.5 °C hysteresis after 42 min (litchi, peak 12 °C)`.
struct BandAlertText {
  let metric: Metric
  let direction: BandDirection
  let productID: String

  func opened(value: Double, limit: BandLimit, since runStart: Timestamp, at ts: Timestamp, severity: Severity)
    -> String
  {
    "\(past(value, limit, since: runStart, at: ts)) (\(productID), \(severity.rawValue))"
  }

  func escalated(value: Double, limit: BandLimit, since runStart: Timestamp, at ts: Timestamp) -> String {
    "\(past(value, limit, since: runStart, at: ts)) (\(productID), escalated to critical)"
  }

  func resolved(value: Double, threshold: Double?, hysteresis: Double, alert: OpenAlert, at ts: Timestamp) -> String {
    let after = OperatorText.duration(milliseconds: ts.milliseconds - alert.openedAt.milliseconds)
    let tail = "after \(after) (\(productID), peak \(metric.format(alert.peak)))"
    guard let threshold else {
      return "\(metric.label) alert closed: \(productID) no longer sets a \(direction.rawValue) limit, \(tail)"
    }
    let operation = direction == .high ? "−" : "+"
    let line =
      hysteresis > 0
      ? "\(metric.format(threshold)) \(operation) \(metric.format(hysteresis)) hysteresis"
      : metric.format(threshold)
    return "\(metric.label) back to \(metric.format(value)), inside \(line) \(tail)"
  }

  /// `temperature 7.4 °C above 5 °C for 15 min`
  private func past(_ value: Double, _ limit: BandLimit, since runStart: Timestamp, at ts: Timestamp) -> String {
    let duration = OperatorText.duration(milliseconds: ts.milliseconds - runStart.milliseconds)
    return "\(metric.label) \(metric.format(value)) \(direction.preposition) \(metric.format(limit.threshold)) "
      + "for \(duration)"
  }
}
