import ColdTraceCore

/// One pass over the readings of one metric of every probe that judges the lot: statistics, covered time, and the spans past each limit,
/// united across probes.
struct MetricAnalysis {
  let metric: Metric
  let bands: MetricBands
  private(set) var readings = 0
  private(set) var minimum = Double.infinity
  private(set) var maximum = -Double.infinity
  private var weightedSum = 0.0
  private var totalWeight = 0.0
  private var plainSum = 0.0
  private var kinetic = MeanKineticTemperature()
  private(set) var coveredMilliseconds: Int64 = 0
  /// Spans past the warning limit (the range's edge), per side, united across probes.
  private(set) var warning: [BandDirection: [PeakSpan]] = [:]
  /// Spans past the critical limit, per side, united across probes.
  private(set) var critical: [BandDirection: [PeakSpan]] = [:]

  init(metric: Metric, bands: MetricBands, series: [JudgedSeries], caps: [String: Int64]) {
    self.metric = metric
    self.bands = bands
    var covered: [PeakSpan] = []
    var warningParts: [BandDirection: [PeakSpan]] = [:]
    var criticalParts: [BandDirection: [PeakSpan]] = [:]
    for judged in series {
      let one = judged.series
      var coverage = SpanCollector(direction: .high, threshold: -Double.infinity)
      var warnings = BandDirection.allCases.compactMap { direction in
        bands.clearingThreshold(direction).map { SpanCollector(direction: direction, threshold: $0) }
      }
      var criticals = BandDirection.allCases.compactMap { direction in
        bands.limit(.critical, direction).map { SpanCollector(direction: direction, threshold: $0.threshold) }
      }
      let held = HeldReadings(
        series: one, capMilliseconds: LotReportBuilder.cap(caps, one), excluded: judged.excluded,
        keptBelow: bands.clearingThreshold(.low))
      held.forEach(metric) { start, end, value, first in
        if first { readings += 1 }
        minimum = min(minimum, value)
        maximum = max(maximum, value)
        plainSum += value
        let weight = Double(end - start) / 1000
        weightedSum += value * weight
        totalWeight += weight
        if metric == .temperature { kinetic.add(value, weight: weight) }
        coverage.add(start: start, end: end, value: value)
        for index in warnings.indices { warnings[index].add(start: start, end: end, value: value) }
        for index in criticals.indices { criticals[index].add(start: start, end: end, value: value) }
      }
      covered += coverage.finish()
      for index in warnings.indices { warningParts[warnings[index].direction, default: []] += warnings[index].finish() }
      for index in criticals.indices {
        criticalParts[criticals[index].direction, default: []] += criticals[index].finish()
      }
    }
    coveredMilliseconds = PeakSpan.total(PeakSpan.union(covered, higher: true))
    for (direction, parts) in warningParts { warning[direction] = PeakSpan.union(parts, higher: direction == .high) }
    for (direction, parts) in criticalParts { critical[direction] = PeakSpan.union(parts, higher: direction == .high) }
  }

  /// Milliseconds during which some probe was past a warning limit on either side.
  var outOfRangeMilliseconds: Int64 {
    PeakSpan.total(PeakSpan.union((warning[.high] ?? []) + (warning[.low] ?? []), higher: true))
  }

  func summary(budget: Double?) -> MetricSummary {
    let mean: Double? =
      readings == 0 ? nil : totalWeight > 0 ? weightedSum / totalWeight : plainSum / Double(readings)
    return MetricSummary(
      metric: metric, readings: readings, min: readings > 0 ? minimum : nil, max: readings > 0 ? maximum : nil,
      mean: mean, meanKinetic: metric == .temperature ? kinetic.celsius : nil,
      coveredMinutes: Double(coveredMilliseconds) / 60_000, minutesOutOfRange: Double(outOfRangeMilliseconds) / 60_000,
      low: bands.clearingThreshold(.low), high: bands.clearingThreshold(.high), budgetMinutes: budget)
  }
}
