import ColdTraceCore

/// Computes a `LotReport` from plain inputs; pure (no clock, no storage), so small traces can be checked by hand.
///
/// Which probes judge: in each room stay, the room's product and simulant probes when it has one, else its air probes
/// with their defrost and door spans left out up to a maximum (`ProbeJudging`, `ReportSpanLimits`); evaporator and
/// ambient probes never judge. The others are shown (chart, probe list, CSV, gaps) but count for nothing.
///
/// How judging probes combine: each reading stands for the time until its probe's next reading (capped at twice the
/// probe's median interval; see `HeldReadings`). An instant counts as covered when any judging probe has data, and as
/// out of range when any is past a warning limit (the conservative choice: the worst probe speaks for the lot). Min,
/// max, time-weighted mean and MKT pool the judging probes' readings.
public enum LotReportBuilder {
  /// Fallback interval when no probe has two readings (one minute).
  static let defaultIntervalMilliseconds: Int64 = 60_000

  public static func build(_ input: LotReportInput, profile: ProductProfile) -> LotReport {
    let caps = capsByProbe(input.series)
    let (stays, judged) = ProbeJudging.judge(input)
    var summaries: [Metric: MetricSummary] = [:]
    var excursions: [Excursion] = []
    var criticalSpans: [Metric: [BandDirection: [PeakSpan]]] = [:]
    var warningSpans: [Metric: [BandDirection: [PeakSpan]]] = [:]
    for metric in Metric.allCases {
      let analysis = MetricAnalysis(metric: metric, bands: profile.bands(for: metric), series: judged, caps: caps)
      summaries[metric] = analysis.summary(budget: profile.budget?.minutes(for: metric))
      warningSpans[metric] = analysis.warning
      criticalSpans[metric] = analysis.critical
      excursions += Self.excursions(analysis, profile: profile)
    }
    excursions.sort { ($0.start, $0.metric.rawValue) < ($1.start, $1.metric.rawValue) }
    let temperature = summaries[.temperature]!
    let humidity = summaries[.humidity]!
    let verdict = VerdictRules.decide(
      profile: profile, summaries: [temperature, humidity], warning: warningSpans, critical: criticalSpans,
      readings: judged.reduce(0) { $0 + $1.series.count })
    var report = LotReport(
      lot: input.lot.id, profile: profile, market: input.lot.market, from: input.from, to: input.to,
      isOpen: input.lot.closedAt.map { $0 > input.to } ?? true,
      rooms: stays, readings: input.series.reduce(0) { $0 + $1.count }, probes: probes(stays), temperature: temperature,
      humidity: humidity, excursions: excursions,
      gaps: gaps(input.series, caps: caps),
      treatment: profile.coldTreatment.map { ColdTreatmentClock.status($0, series: judged, caps: caps) },
      alerts: input.alerts, verdict: verdict, seal: input.seal, series: input.series,
      calibrations: input.calibrations, lateReadings: input.lateReadings)
    report.judged = judged
    report.holdCaps = caps
    report.legs = input.legs.map { ImportedLegReport.build($0, of: input, profile: profile) }
    return report
  }

  /// The spans of `analysis` past a warning limit, as excursions, each marked when its peak passed the critical one.
  static func excursions(_ analysis: MetricAnalysis, profile: ProductProfile) -> [Excursion] {
    var found: [Excursion] = []
    let metric = analysis.metric
    for direction in BandDirection.allCases {
      let critical = profile.bands(for: metric).limit(.critical, direction)?.threshold
      for span in analysis.warning[direction] ?? [] {
        found.append(
          Excursion(
            metric: metric, direction: direction, start: Timestamp(milliseconds: span.start),
            end: Timestamp(milliseconds: span.end), peak: span.peak,
            pastCritical: critical.map { direction.isPast(span.peak, $0) } ?? false))
      }
    }
    return found
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

  /// Each probe once, in the order the series list them, judging when it judged in any stay.
  private static func probes(_ stays: [RoomStay]) -> [ReportProbe] {
    var found: [ReportProbe] = []
    for stay in stays {
      for probe in stay.judgement.judging + stay.judgement.context {
        if let index = found.firstIndex(where: { $0.name == probe.name }) {
          found[index].judges = found[index].judges || probe.judges
        } else {
          found.append(probe)
        }
      }
    }
    return found
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
