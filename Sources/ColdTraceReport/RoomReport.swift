import ColdTraceCore

/// A room or site report for an inspector (`coldtrace report room`): per probe and local day the figures a paper log
/// carries (readings, min, max, mean), the excursions past the room's warning limits, the alerts with who acknowledged
/// them, and each probe's calibration status.
public struct RoomReport: Sendable {
  public var site: String
  public var rooms: [String]
  /// `site/room`, or `site` for a whole site.
  public var scope: String
  public var from: Timestamp
  public var to: Timestamp
  /// Days are local days in this zone (the site's, or UTC with `--utc`).
  public var dayZone: SiteTimeZone
  /// The profile whose warning limits find each room's excursions.
  public var profiles: [String: ProductProfile]
  public var probes: [RoomProbe]
  public var days: [DailyFigures]
  public var excursions: [ProbeExcursion]
  public var alerts: [AlertRecord]
  /// Per probe (`site/sensor`), its readings whose time was corrected or is doubtful (none: absent).
  public var doubtfulTimes: [String: DoubtfulTimes] = [:]
  public var seal: ReportSeal

  public var readings: Int { probes.reduce(0) { $0 + $1.readings } }
}

/// One probe of the report, its readings in the period, and its calibration at the period's end.
public struct RoomProbe: Sendable, Equatable {
  public var room: String
  public var sensor: String
  public var placement: Placement
  public var readings: Int
  public var calibration: ProbeCalibration?
  public var calibrationStatus: CalibrationStatus

  /// Where a probe stands with its calibration at the end of the period.
  public enum CalibrationStatus: String, Sendable {
    /// Calibrated, the next calibration due after the period.
    case valid
    /// Its calibration was due by the end of the period.
    case overdue
    /// No calibration on record.
    case noRecord = "none"
  }
}

/// One probe's readings of one metric in one local day: what an auditor compares with the paper log.
public struct DailyFigures: Sendable, Equatable {
  public var room: String
  public var sensor: String
  public var metric: Metric
  /// The local day's first instant (midnight at the report's offset).
  public var day: Timestamp
  public var readings: Int
  public var min: Double
  public var max: Double
  /// The mean of the readings (each reading counts once, as on a paper log).
  public var mean: Double
}

/// A run of one probe's readings past a warning limit: from its first reading out of range to its first reading back
/// in range (its last reading when the period ends out of range).
public struct ProbeExcursion: Sendable, Equatable {
  public var room: String
  public var sensor: String
  public var metric: Metric
  public var direction: BandDirection
  public var limit: Double
  public var start: Timestamp
  public var end: Timestamp
  public var peak: Double
  public var readings: Int

  public var minutes: Double { Double(end.milliseconds - start.milliseconds) / 60_000 }
}

/// Builds a `RoomReport` from its input.
public enum RoomReportBuilder {
  static let dayMilliseconds: Int64 = 86_400_000

  /// `profiles` gives each room's profile (its product in the collector config, else the default product); evaporator
  /// and ambient probes are shown and counted but find no excursion.
  public static func build(
    _ input: RoomReportInput, profiles: [String: ProductProfile], dayZone: SiteTimeZone
  ) -> RoomReport {
    var probes: [RoomProbe] = []
    var days: [DailyFigures] = []
    var excursions: [ProbeExcursion] = []
    for series in input.series {
      let calibration = input.calibrations["\(series.site)/\(series.sensor)"]
      let status: RoomProbe.CalibrationStatus =
        calibration.map { $0.due > input.to ? .valid : .overdue } ?? .noRecord
      if let index = probes.firstIndex(where: { $0.room == series.room && $0.sensor == series.sensor }) {
        probes[index].readings += series.count
      } else {
        probes.append(
          RoomProbe(
            room: series.room, sensor: series.sensor, placement: series.placement, readings: series.count,
            calibration: calibration, calibrationStatus: status))
      }
      for metric in Metric.allCases {
        days += daily(series, metric, zone: dayZone)
        let judges = series.placement != .evaporator && series.placement != .ambient
        if judges, let profile = profiles[series.room] {
          excursions += runs(series, metric, bands: profile.bands(for: metric))
        }
      }
    }
    days.sort { order($0) < order($1) }
    days = merged(days)
    excursions.sort { ($0.start.milliseconds, $0.room, $0.sensor) < ($1.start.milliseconds, $1.room, $1.sensor) }
    return RoomReport(
      site: input.site, rooms: input.rooms, scope: input.scope, from: input.from, to: input.to,
      dayZone: dayZone, profiles: profiles, probes: probes, days: days, excursions: excursions,
      alerts: input.alerts, doubtfulTimes: DoubtfulTimes.count(input.series), seal: input.seal)
  }

  private static func order(_ one: DailyFigures) -> (String, String, Int64, Int) {
    (one.room, one.sensor, one.day.milliseconds, one.metric == .temperature ? 0 : 1)
  }

  /// Days at a fixed offset from UTC (minutes east).
  public static func build(
    _ input: RoomReportInput, profiles: [String: ProductProfile], dayOffsetMinutes: Int
  ) -> RoomReport {
    build(input, profiles: profiles, dayZone: .fixed(offsetMinutes: dayOffsetMinutes))
  }

  private static func daily(_ series: ProbeSeries, _ metric: Metric, zone: SiteTimeZone) -> [DailyFigures] {
    var out: [DailyFigures] = []
    var sum = 0.0
    // The local day of the previous reading, [start, end): readings are in time order, most share it.
    var day: (start: Int64, end: Int64) = (0, 0)
    for (time, value) in zip(series.times, series.values(metric)) where !value.isNaN {
      if time < day.start || time >= day.end {
        let start = zone.startOfDay(containing: Timestamp(milliseconds: time))
        day = (start.milliseconds, zone.startOfNextDay(after: start).milliseconds)
      }
      if out.last?.day.milliseconds != day.start {
        if let last = out.indices.last { out[last].mean = sum / Double(out[last].readings) }
        sum = 0
        out.append(
          DailyFigures(
            room: series.room, sensor: series.sensor, metric: metric, day: Timestamp(milliseconds: day.start),
            readings: 0, min: value, max: value, mean: value))
      }
      let last = out.count - 1
      out[last].readings += 1
      out[last].min = Swift.min(out[last].min, value)
      out[last].max = Swift.max(out[last].max, value)
      sum += value
    }
    if let last = out.indices.last { out[last].mean = sum / Double(out[last].readings) }
    return out
  }

  /// Joins the figures of one probe, metric and day split over two stays (a probe that left and came back).
  private static func merged(_ days: [DailyFigures]) -> [DailyFigures] {
    var out: [DailyFigures] = []
    for one in days {
      guard var last = out.last, last.room == one.room, last.sensor == one.sensor, last.metric == one.metric,
        last.day == one.day
      else {
        out.append(one)
        continue
      }
      let count = last.readings + one.readings
      last.mean = (last.mean * Double(last.readings) + one.mean * Double(one.readings)) / Double(count)
      last.readings = count
      last.min = Swift.min(last.min, one.min)
      last.max = Swift.max(last.max, one.max)
      out[out.count - 1] = last
    }
    return out
  }

  private static func runs(_ series: ProbeSeries, _ metric: Metric, bands: MetricBands) -> [ProbeExcursion] {
    var out: [ProbeExcursion] = []
    var current: ProbeExcursion?
    for (time, value) in zip(series.times, series.values(metric)) where !value.isNaN {
      let at = Timestamp(milliseconds: time)
      let high = bands.clearingThreshold(.high).flatMap { value > $0 ? (BandDirection.high, $0) : nil }
      let low = bands.clearingThreshold(.low).flatMap { value < $0 ? (BandDirection.low, $0) : nil }
      let past = high ?? low
      if var run = current, past?.0 != run.direction {
        run.end = at
        out.append(run)
        current = nil
      }
      guard let (direction, limit) = past else { continue }
      if current == nil {
        current = ProbeExcursion(
          room: series.room, sensor: series.sensor, metric: metric, direction: direction, limit: limit, start: at,
          end: at, peak: value, readings: 0)
      }
      if var run = current {
        run.readings += 1
        run.end = at
        run.peak = direction == .high ? Swift.max(run.peak, value) : Swift.min(run.peak, value)
        current = run
      }
    }
    if let current { out.append(current) }
    return out
  }
}
