import ColdTraceCore

/// How long each reading of a probe stands for: from its time until the probe's next reading carrying the same metric,
/// but never more than `capMilliseconds` (twice the probe's reading interval) and never past the end of the
/// placement. Time beyond the cap is a data gap: it counts neither in nor out of range.
struct HeldReadings {
  let series: ProbeSeries
  let capMilliseconds: Int64

  /// Calls `body(start, end, value)` for each reading of `metric` that has a value, oldest first.
  @inline(__always)
  func forEach(_ metric: Metric, _ body: (Int64, Int64, Double) -> Void) {
    let values = series.values(metric)
    let times = series.times
    let limit = series.toMilliseconds
    var previousTime: Int64 = 0
    var previousValue = Double.nan
    var hasPrevious = false
    for index in 0..<times.count {
      let value = values[index]
      if value.isNaN { continue }
      let time = times[index]
      if hasPrevious {
        body(previousTime, min(time, previousTime &+ capMilliseconds, limit), previousValue)
      }
      previousTime = time
      previousValue = value
      hasPrevious = true
    }
    if hasPrevious { body(previousTime, min(previousTime &+ capMilliseconds, limit), previousValue) }
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
