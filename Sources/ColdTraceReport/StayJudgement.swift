import ColdTraceCore

/// A probe as the report lists it: `site/sensor`, where it is mounted, and whether it judged the lot in some stay.
public struct ReportProbe: Sendable, Equatable {
  public var name: String
  public var placement: Placement
  public var judges: Bool
}

/// Which probes judged the lot during one room stay, and why (docs/alert-rules.md, "Reports").
public struct StayJudgement: Sendable, Equatable {
  public enum Basis: String, Sendable {
    /// The room has a product or simulant probe: those judge, the others are context.
    case product
    /// No product or simulant probe: the air probes judge, their defrost and door spans left out up to a maximum.
    case air
    /// Only evaporator or ambient probes (or none): nothing here can judge the product.
    case none
  }

  public var basis: Basis
  public var judging: [ReportProbe]
  /// Probes shown (chart, probe list) that did not judge the lot in this stay.
  public var context: [ReportProbe]
  /// Spans left out of the air probes' judgement (`basis == .air` only), and the minutes they covered (overlaps once).
  public var excludedDefrosts = 0
  public var excludedDoors = 0
  public var excludedMinutes = 0.0
}

/// The figures of one signal's spans in a stay.
public struct SpanSummary: Sendable, Equatable {
  public var count: Int
  public var minutes: Double
  public var longestMinutes: Double
}

extension RoomStay {
  /// Count, total and longest of the stay's spans of `signal` (clipped to the stay). Spans of one signal that overlap
  /// count once (a defrost known from the controller's output and from the schedule is one defrost).
  public func summary(_ signal: RoomSignal) -> SpanSummary {
    let stay = PeakSpan(start: from.milliseconds, end: to.milliseconds, peak: 0)
    let merged = PeakSpan.union(
      spans.filter { $0.span.signal == signal }.compactMap {
        PeakSpan(start: $0.span.start.milliseconds, end: $0.end.milliseconds, peak: 0).clipped(to: stay)
      }, higher: true)
    let lengths = merged.map { Double($0.milliseconds) / 60_000 }
    return SpanSummary(count: lengths.count, minutes: lengths.reduce(0, +), longestMinutes: lengths.max() ?? 0)
  }
}

/// Sorts each stay's probes into those that judge and those shown for context, and cuts the air probes' defrost and
/// door windows out of an air-only room's judgement.
enum ProbeJudging {
  /// The stays with their judgement and spans, and the series that judge the lot with the windows each leaves out.
  static func judge(_ input: LotReportInput) -> (stays: [RoomStay], judged: [JudgedSeries]) {
    var stays: [RoomStay] = []
    var judged: [JudgedSeries] = []
    for placement in input.lot.placements {
      let end = min(placement.to ?? input.to, input.to)
      guard end > placement.from else { continue }
      // Every probe that hung in the room during the stay, also one that arrived or left within it (its series is
      // clipped to its own stay there, by the room history).
      let series = input.series.filter {
        $0.site == placement.site && $0.room == placement.room && $0.fromMilliseconds < end.milliseconds
          && $0.toMilliseconds > placement.from.milliseconds
      }
      // A span that bridges two stays in the same room was read for each; keep it once.
      var seen = Set<String>()
      let spans = input.spans.filter { span in
        span.site == placement.site && span.room == placement.room && span.span.start < end
          && span.end > placement.from
          && seen.insert(
            "\(span.span.signal)|\(span.span.source)|\(span.span.sensor ?? "")|\(span.span.start.milliseconds)"
          ).inserted
      }
      let hasProduct = series.contains { $0.placement.measuresProduct }
      let judging = series.filter { $0.placement.feedsLotRules(roomHasProductProbe: hasProduct) }
      let probe = { (one: ProbeSeries, judges: Bool) in
        ReportProbe(name: "\(one.site)/\(one.sensor)", placement: one.placement, judges: judges)
      }
      var judgement = StayJudgement(
        basis: hasProduct ? .product : judging.isEmpty ? .none : .air, judging: judging.map { probe($0, true) },
        context: series.filter { !$0.placement.feedsLotRules(roomHasProductProbe: hasProduct) }.map {
          probe($0, false)
        })
      var excluded: [PeakSpan] = []
      if judgement.basis == .air {
        let stay = PeakSpan(start: placement.from.milliseconds, end: end.milliseconds, peak: 0)
        // Within the cumulative caps; only spans that leave something of this stay out count (a defrost begun long
        // before the lot came may not).
        let capped = ReportSpanLimits.excluded(spans)
        excluded = capped.windows
        let leaving = capped.leaving.filter { ReportSpanLimits.excludedWindow($0).clipped(to: stay) != nil }
        judgement.excludedDefrosts = Self.distinct(leaving, .defrost)
        judgement.excludedDoors = Self.distinct(leaving, .door)
        judgement.excludedMinutes = Double(PeakSpan.total(excluded.compactMap { $0.clipped(to: stay) })) / 60_000
      }
      judged += judging.map { JudgedSeries(series: $0, excluded: excluded) }
      stays.append(
        RoomStay(
          site: placement.site, room: placement.room, from: placement.from, to: end, judgement: judgement,
          spans: spans))
    }
    return (stays, judged)
  }

  /// How many spans of `signal` there are, overlapping ones counted once.
  private static func distinct(_ spans: [StayRoomSpan], _ signal: RoomSignal) -> Int {
    let windows = spans.filter { $0.span.signal == signal }.map {
      PeakSpan(start: $0.span.start.milliseconds, end: $0.end.milliseconds, peak: 0)
    }
    return PeakSpan.union(windows, higher: true).count
  }
}

/// A probe's series as it judges the lot: the windows it does not speak for (sorted, disjoint) left out.
struct JudgedSeries {
  let series: ProbeSeries
  let excluded: [PeakSpan]
}

extension PeakSpan {
  /// The part of this span inside `other`, or `nil` when they do not overlap.
  func clipped(to other: PeakSpan) -> PeakSpan? {
    let start = max(start, other.start)
    let end = min(end, other.end)
    return end > start ? PeakSpan(start: start, end: end, peak: peak) : nil
  }
}
