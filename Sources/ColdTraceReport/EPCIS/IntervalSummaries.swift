import ColdTraceCore

/// A metric's figures over one interval (an hour or a day) of a room stay, from the readings that judge the lot.
struct IntervalSummary: Equatable {
  var start: Int64
  var end: Int64
  /// Per metric: lowest and highest value held during the interval, time-weighted mean, and how many readings were
  /// taken in it. A metric with no value held in the interval is absent.
  var figures: [Metric: Figures] = [:]

  struct Figures: Equatable {
    var min = Double.infinity
    var max = -Double.infinity
    var weightedSum = 0.0
    var weight = 0.0
    var plainSum = 0.0
    var values = 0
    var readings = 0

    var mean: Double { weight > 0 ? weightedSum / weight : plainSum / Double(Swift.max(values, 1)) }
  }
}

/// Cuts a stay into intervals aligned to local midnight (or the local hour) in the site's zone and computes each one's
/// figures the way the report's statistics are computed (`MetricAnalysis`): each judging reading stands for the time
/// until its probe's next one (capped, defrost and door windows of an air-only room left out), so the minimum and
/// maximum of an interval are those of the readings held during it, and its mean is weighted by the time each was held
/// there.
enum IntervalSummaries {
  static let hour: Int64 = 3_600_000
  static let day: Int64 = 86_400_000

  /// Hours for a report of up to three days, days beyond: a 30-day lot is 30 elements a stay, not 720.
  static func length(for report: LotReport) -> Int64 {
    report.to.milliseconds - report.from.milliseconds <= 3 * day ? hour : day
  }

  static func compute(_ report: LotReport, stay: RoomStay, length: Int64, zone: SiteTimeZone) -> [IntervalSummary] {
    let from = stay.from.milliseconds
    let to = stay.to.milliseconds
    guard to > from else { return [] }
    var intervals: [IntervalSummary] = []
    var start = intervalStart(containing: from, length: length, zone: zone)
    while start < to {
      let end = nextIntervalStart(after: start, length: length, zone: zone)
      intervals.append(IntervalSummary(start: max(from, start), end: min(to, end)))
      start = end
    }
    let series = report.judged.filter {
      $0.series.site == stay.site && $0.series.room == stay.room && $0.series.fromMilliseconds < to
        && $0.series.toMilliseconds > from
    }
    for metric in Metric.allCases {
      let keptBelow = report.profile.bands(for: metric).clearingThreshold(.low)
      for judged in series {
        let held = HeldReadings(
          series: judged.series, capMilliseconds: LotReportBuilder.cap(report.holdCaps, judged.series),
          excluded: judged.excluded, keptBelow: keptBelow)
        held.forEach(metric) { start, end, value, firstPiece in
          let start = max(start, from)
          let end = min(end, to)
          guard end > start || (end == start && start < to) else { return }
          var index = intervalIndex(containing: start, in: intervals)
          var readingCounted = !firstPiece
          repeat {
            let pieceStart = max(start, intervals[index].start)
            let pieceEnd = min(end, intervals[index].end)
            intervals[index].figures[metric, default: .init()].add(
              value, weight: Double(pieceEnd - pieceStart) / 1000, reading: !readingCounted)
            readingCounted = true
            index += 1
          } while index < intervals.count && intervals[index].start < end
        }
      }
    }
    return intervals.filter { !$0.figures.isEmpty }
  }

  /// The first instant of the local hour or day (`length`) that `milliseconds` falls in, in `zone`.
  static func intervalStart(containing milliseconds: Int64, length: Int64, zone: SiteTimeZone) -> Int64 {
    let time = Timestamp(milliseconds: milliseconds)
    if length == day { return zone.startOfDay(containing: time).milliseconds }
    let offset = Int64(zone.offsetSeconds(at: time)) * 1000
    let local = milliseconds + offset
    let remainder = ((local % length) + length) % length
    return local - remainder - offset
  }

  /// The start of the local hour or day after the one starting at `start` (a zone's change of offset makes a local
  /// day 23 or 25 hours long).
  static func nextIntervalStart(after start: Int64, length: Int64, zone: SiteTimeZone) -> Int64 {
    if length == day { return zone.startOfNextDay(after: Timestamp(milliseconds: start)).milliseconds }
    let next = intervalStart(containing: start + length, length: length, zone: zone)
    return next > start ? next : start + length
  }

  /// The index of the interval holding `milliseconds` (the first one for a time before it).
  private static func intervalIndex(containing milliseconds: Int64, in intervals: [IntervalSummary]) -> Int {
    var low = 0
    var high = intervals.count
    while low < high {
      let middle = (low + high) / 2
      if intervals[middle].start <= milliseconds { low = middle + 1 } else { high = middle }
    }
    return max(0, low - 1)
  }
}

extension IntervalSummary.Figures {
  fileprivate mutating func add(_ value: Double, weight: Double, reading: Bool) {
    min = Swift.min(min, value)
    max = Swift.max(max, value)
    weightedSum += value * weight
    self.weight += weight
    plainSum += value
    values += 1
    if reading { readings += 1 }
  }
}
