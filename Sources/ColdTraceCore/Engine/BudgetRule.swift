/// The cumulative excursion budget of one lot for one metric, as professional loggers count it: time past the limit
/// over a lot's life, never reset (docs/alert-rules.md, "Lots").
///
/// Time counts while a reading is strictly past the lot's own warning limit on either side (the critical limit where
/// a side has no warning limit), before any alert delay. Each reading stands for the span since the same probe's
/// previous reading, at most `LotEngine.maxReadingSpanMs`; a probe's first reading for the lot stands for no time.
/// Spans of several probes are united (see `BudgetState`). Once the time used reaches the budget, a critical `budget`
/// alert opens for the lot, once per metric; it stays open until the lot closes (acknowledging it records who saw it).
struct BudgetRule {
  let metric: Metric
  let bands: MetricBands
  let lot: String
  let productID: String
  /// The allowance in minutes, or `nil` to count time without alarming.
  let minutes: Double?
  /// The sides that count: both, or the low side only for an air probe's reading in a defrost or door pause (the
  /// pause excuses warm air, never freezing).
  var sides: [BandDirection] = BandDirection.allCases

  /// Whether `value` is outside the band the budget counts against, on a side that counts.
  func isOutside(_ value: Double) -> Bool {
    sides.contains { direction in
      bands.clearingThreshold(direction).map { direction.isPast(value, $0) } ?? false
    }
  }

  /// Counts the reading `value` at `ts` standing for `span` (`nil`: no time); returns the `budget` alert when this
  /// reading uses the budget up.
  func evaluate(_ value: Double, at ts: Timestamp, span: TimeSpan?, key: SensorKey, state: inout BudgetState)
    -> AlertEvent?
  {
    guard isOutside(value), let span else { return nil }
    state.add(span)
    guard let minutes, state.exhaustedAt == nil, state.usedMinutes >= minutes else { return nil }
    state.exhaustedAt = ts
    let low = bands.clearingThreshold(.low).map(metric.format) ?? "-"
    let high = bands.clearingThreshold(.high).map(metric.format) ?? "-"
    return AlertEvent(
      type: .opened, key: LotEngine.budgetKey(lot: lot, metric: metric, site: key.site, room: key.room),
      kind: .budget, severity: .critical, productID: productID, at: ts, limit: minutes,
      value: state.usedMinutes.rounded(), peak: nil,
      message: "lot \(lot) used up its \(metric.label) excursion budget: "
        + "\(OperatorText.duration(milliseconds: state.usedMs)) outside \(low) … \(high) over its life, budget "
        + "\(OperatorText.number(minutes)) min (\(productID)); last by \(key.sensor) at \(metric.format(value))")
  }
}
