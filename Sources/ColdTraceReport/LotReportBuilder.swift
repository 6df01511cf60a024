import ColdTraceCore

/// Computes a `LotReport` from plain inputs; pure (no clock, no storage), so small traces can be checked by hand.
///
/// How probes combine: each reading stands for the time until its probe's next reading (capped at twice the probe's
/// median interval; see `HeldReadings`). An instant counts as covered when any probe has data, and as out of range
/// when any probe is past a warning limit (the conservative choice: the worst probe speaks for the lot). Min, max,
/// time-weighted mean and MKT pool every probe's readings.
public enum LotReportBuilder {
  /// Fallback interval when no probe has two readings (one minute).
  static let defaultIntervalMilliseconds: Int64 = 60_000

  public static func build(_ input: LotReportInput, profile: ProductProfile) -> LotReport {
    let caps = capsByProbe(input.series)
    var summaries: [Metric: MetricSummary] = [:]
    var excursions: [Excursion] = []
    var criticalSpans: [Metric: [BandDirection: [PeakSpan]]] = [:]
    var warningSpans: [Metric: [BandDirection: [PeakSpan]]] = [:]
    for metric in Metric.allCases {
      let analysis = MetricAnalysis(metric: metric, bands: profile.bands(for: metric), series: input.series, caps: caps)
      summaries[metric] = analysis.summary(budget: profile.budget?.minutes(for: metric))
      warningSpans[metric] = analysis.warning
      criticalSpans[metric] = analysis.critical
      for direction in BandDirection.allCases {
        let critical = profile.bands(for: metric).limit(.critical, direction)?.threshold
        for span in analysis.warning[direction] ?? [] {
          excursions.append(
            Excursion(
              metric: metric, direction: direction, start: Timestamp(milliseconds: span.start),
              end: Timestamp(milliseconds: span.end), peak: span.peak,
              pastCritical: critical.map { direction.isPast(span.peak, $0) } ?? false))
        }
      }
    }
    excursions.sort { ($0.start, $0.metric.rawValue) < ($1.start, $1.metric.rawValue) }
    let temperature = summaries[.temperature]!
    let humidity = summaries[.humidity]!
    let verdict = VerdictRules.decide(
      profile: profile, summaries: [temperature, humidity], warning: warningSpans, critical: criticalSpans,
      readings: input.seal.readings)
    return LotReport(
      lot: input.lot.id, profile: profile, market: input.lot.market, from: input.from, to: input.to,
      isOpen: input.lot.closedAt.map { $0 > input.to } ?? true,
      rooms: rooms(input), readings: input.series.reduce(0) { $0 + $1.count },
      probes: probeNames(input.series), temperature: temperature, humidity: humidity, excursions: excursions,
      gaps: gaps(input.series, caps: caps),
      treatment: profile.coldTreatment.map { ColdTreatmentClock.status($0, series: input.series, caps: caps) },
      alerts: input.alerts, verdict: verdict, seal: input.seal, series: input.series, calibrations: input.calibrations)
  }

  /// The cap on a reading's weight for each probe (`site/sensor`): twice its median interval.
  static func capsByProbe(_ series: [ProbeSeries]) -> [String: Int64] {
    var byProbe: [String: [ProbeSeries]] = [:]
    for one in series { byProbe["\(one.site)/\(one.sensor)", default: []].append(one) }
    let fallback = HeldReadings.medianInterval(series) ?? defaultIntervalMilliseconds
    return byProbe.mapValues { 2 * (HeldReadings.medianInterval($0) ?? fallback) }
  }

  static func cap(_ caps: [String: Int64], _ series: ProbeSeries) -> Int64 {
    caps["\(series.site)/\(series.sensor)"] ?? 2 * defaultIntervalMilliseconds
  }

  private static func rooms(_ input: LotReportInput) -> [RoomStay] {
    input.lot.placements.compactMap { placement in
      let end = min(placement.to ?? input.to, input.to)
      guard end > placement.from else { return nil }
      return RoomStay(site: placement.site, room: placement.room, from: placement.from, to: end)
    }
  }

  private static func probeNames(_ series: [ProbeSeries]) -> [String] {
    var seen = Set<String>()
    return series.map { "\($0.site)/\($0.sensor)" }.filter { seen.insert($0).inserted }
  }

  /// Stretches of more than twice a probe's interval without a reading, including at the start and end of a
  /// placement, or the whole placement for a probe that sent nothing.
  static func gaps(_ series: [ProbeSeries], caps: [String: Int64]) -> [DataGap] {
    var found: [DataGap] = []
    for one in series {
      let cap = cap(caps, one)
      var previous = one.fromMilliseconds
      for time in one.times + [one.toMilliseconds] {
        if time - previous > cap {
          found.append(
            DataGap(
              site: one.site, sensor: one.sensor, from: Timestamp(milliseconds: previous),
              to: Timestamp(milliseconds: time)))
        }
        previous = time
      }
    }
    return found.sorted { ($0.from, $0.sensor) < ($1.from, $1.sensor) }
  }
}
