import ColdTraceCore

/// How long each reading of a probe stands for: from its time until the probe's next reading carrying the same metric,
/// but never more than `capMilliseconds` (twice the probe's reading interval) and never past the end of the
/// placement. Time beyond the cap is a data gap: it counts neither in nor out of range.
///
/// `excluded` (sorted, disjoint) are windows the probe does not speak for: an air probe's defrost and door spans in a
/// room without a product probe. A hold is cut around them; a reading whose whole hold falls inside them is left out.
/// A reading below `keptBelow` (the low limit) is never cut: a span excuses warm air, not freezing.
struct HeldReadings {
  let series: ProbeSeries
  let capMilliseconds: Int64
  var excluded: [PeakSpan] = []
  var keptBelow: Double? = nil

  /// Calls `body(start, end, value, first)` for each reading of `metric` that has a value, oldest first, once per
  /// piece of its hold outside `excluded`; `first` is true on a reading's first piece (to count readings once).
  @inline(__always)
  func forEach(_ metric: Metric, _ body: (Int64, Int64, Double, Bool) -> Void) {
    let values = series.values(metric)
    let times = series.times
    let limit = series.toMilliseconds
    var previousTime: Int64 = 0
    var previousValue = Double.nan
    var hasPrevious = false
    var window = 0
    func emit(_ start: Int64, _ end: Int64, _ value: Double) {
      guard !excluded.isEmpty, !(keptBelow.map { value < $0 } ?? false) else { return body(start, end, value, true) }
      var from = start
      var first = true
      let instant = start == end
      while window < excluded.count && excluded[window].end <= from { window += 1 }
      var index = window
      while from < end || (instant && from == end) {
        guard index < excluded.count, excluded[index].start < max(end, from + 1) else {
          body(from, end, value, first)
          return
        }
        let cut = excluded[index]
        if cut.start > from {
          body(from, min(cut.start, end), value, first)
          first = false
        }
        from = max(from, cut.end)
        index += 1
      }
    }
    for index in 0..<times.count {
      let value = values[index]
      if value.isNaN { continue }
      let time = times[index]
      if hasPrevious {
        emit(previousTime, min(time, previousTime &+ capMilliseconds, limit), previousValue)
      }
      previousTime = time
      previousValue = value
      hasPrevious = true
    }
    if hasPrevious { emit(previousTime, min(previousTime &+ capMilliseconds, limit), previousValue) }
  }

  /// The typical time between readings: the median of the positive steps in `series`, or `nil` with fewer than two
  /// distinct times.
  static func medianInterval(_ series: [ProbeSeries]) -> Int64? {
    var steps: [Int64] = []
    for one in series {
      steps.reserveCapacity(steps.count + one.count)
      for index in one.times.indices.dropFirst() {
        let step = one.times[index] - one.times[index - 1]
        if step > 0 { steps.append(step) }
      }
    }
    guard !steps.isEmpty else { return nil }
    steps.sort()
    return steps[steps.count / 2]
  }
}

/// Gathers the spans during which held values are past one threshold on one side, merging back-to-back holds.
struct SpanCollector {
  let direction: BandDirection
  let threshold: Double
  private(set) var spans: [PeakSpan] = []
  private var current: PeakSpan?

  init(direction: BandDirection, threshold: Double) {
    self.direction = direction
    self.threshold = threshold
  }

  @inline(__always)
  mutating func add(start: Int64, end: Int64, value: Double) {
    guard end > start, direction.isPast(value, threshold) else { return }
    if var open = current, open.end == start {
      open.end = end
      open.peak = direction == .high ? max(open.peak, value) : min(open.peak, value)
      current = open
    } else {
      if let open = current { spans.append(open) }
      current = PeakSpan(start: start, end: end, peak: value)
    }
  }

  /// The spans collected, including the one still open.
  mutating func finish() -> [PeakSpan] {
    if let open = current { spans.append(open) }
    current = nil
    return spans
  }
}
