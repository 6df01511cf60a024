import ColdTraceCore

/// A lot's cold-chain report as values: what the renderers show, in any format and language.
public struct LotReport: Sendable {
  public var lot: String
  public var profile: ProductProfile
  public var market: String?
  public var from: Timestamp
  public var to: Timestamp
  /// Whether the lot is still open (the period ends when the report was made).
  public var isOpen: Bool
  public var rooms: [RoomStay]
  public var readings: Int
  /// Every probe of the lot's rooms, once, with its placement and whether it judged the lot in some stay.
  public var probes: [ReportProbe]
  public var temperature: MetricSummary
  public var humidity: MetricSummary
  /// Oldest first, both metrics.
  public var excursions: [Excursion]
  public var gaps: [DataGap]
  public var treatment: TreatmentStatus?
  public var alerts: [AlertRecord]
  public var verdict: Verdict
  public var seal: ReportSeal
  /// The probes' readings, for the chart and the CSV.
  public var series: [ProbeSeries]
  /// Every defrost and door opening of every stay, oldest first per stay.
  public var spans: [StayRoomSpan] { rooms.flatMap(\.spans) }
  /// Per probe (`site/sensor`), its calibration in force at the end of the period; absent: none on record.
  public var calibrations: [String: ProbeCalibration] = [:]
  /// Per probe (`site/sensor`), the readings the live rules passed over because they arrived late; most lots have none.
  public var lateReadings: [String: LateReadings] = [:]
  /// The legs imported from standalone loggers' files, oldest first, each with its own figures; most lots have none.
  public var legs: [ImportedLegReport] = []
  /// Per probe (`site/sensor`), its readings whose time was corrected or is doubtful (`time_quality`); most lots have
  /// none.
  public var doubtfulTimes: [String: DoubtfulTimes] { DoubtfulTimes.count(series) }
  /// The series that judge the lot with the windows each leaves out, and each probe's cap on a reading's hold: what the
  /// statistics were computed from, for per-interval figures (the EPCIS export).
  var judged: [JudgedSeries] = []
  var holdCaps: [String: Int64] = [:]

  /// The summary of `metric`.
  public func summary(_ metric: Metric) -> MetricSummary {
    switch metric {
    case .temperature: temperature
    case .humidity: humidity
    }
  }
}

/// One stay of the lot in a room, clipped to the report's period.
public struct RoomStay: Sendable, Equatable {
  public var site: String
  public var room: String
  public var from: Timestamp
  public var to: Timestamp
  /// Which probes judged the lot here, and why.
  public var judgement: StayJudgement
  /// The room's defrosts and door openings during the stay, oldest first.
  public var spans: [StayRoomSpan]

  public var minutes: Double { to.seconds(since: from) / 60 }
}

/// The figures of one metric over the lot's life, the readings of every probe that judges the lot pooled.
public struct MetricSummary: Sendable, Equatable {
  public var metric: Metric
  public var readings: Int
  public var min: Double?
  public var max: Double?
  /// Time-weighted mean.
  public var mean: Double?
  /// Mean kinetic temperature (temperature only).
  public var meanKinetic: Double?
  /// Minutes some probe had data for (the union over probes).
  public var coveredMinutes: Double
  /// Minutes during which at least one probe was past a warning limit.
  public var minutesOutOfRange: Double
  /// The limits that define the range: below `low` or above `high` is out of range.
  public var low: Double?
  public var high: Double?
  /// The profile's budget in minutes, if it has one.
  public var budgetMinutes: Double?

  /// Share of the covered time in range, in percent; `nil` without data.
  public var inRangePercent: Double? {
    coveredMinutes > 0 ? (coveredMinutes - minutesOutOfRange) / coveredMinutes * 100 : nil
  }
}

/// A continuous stretch of time during which at least one probe that judges the lot was past a warning limit.
public struct Excursion: Sendable, Equatable {
  public var metric: Metric
  public var direction: BandDirection
  public var start: Timestamp
  public var end: Timestamp
  /// The highest (high side) or lowest (low side) value read during it.
  public var peak: Double
  /// Whether the peak went past the critical limit too.
  public var pastCritical: Bool

  public var minutes: Double { end.seconds(since: start) / 60 }
}

/// A time during which a probe sent nothing for more than twice its reading interval.
public struct DataGap: Sendable, Equatable {
  public var site: String
  public var sensor: String
  public var from: Timestamp
  public var to: Timestamp

  public var minutes: Double { to.seconds(since: from) / 60 }
}

/// Where a cold treatment stands at the end of the report's period, computed from the readings.
public struct TreatmentStatus: Sendable, Equatable {
  public enum State: String, Sendable {
    case complete
    case inProgress = "in_progress"
    case notStarted = "not_started"
  }

  public var requirement: ColdTreatment
  public var state: State
  /// When the clock last (re)started.
  public var clockStart: Timestamp?
  public var completedAt: Timestamp?
  /// Days on the clock at the end of the period (or the full requirement once complete).
  public var elapsedDays: Double
  /// How many times a reading above the treatment temperature restarted the clock.
  public var restarts: Int
}
