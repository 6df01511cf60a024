/// Everything the alert engine remembers about one sensor between readings: the last event time it processed and,
/// for each metric and direction, the runs in progress and the alert that is open.
///
/// The collector keeps one per probe, stores it with each reading, in the same transaction, and loads it again after a
/// restart (`AlertEngine.process(_:key:profile:state:)`); decoding tolerates fields added by later versions being
/// absent.
public struct SensorRuleState: Sendable, Codable, Equatable {
  /// Event time of the newest sample processed; samples at or before it are ignored.
  public var lastTs: Timestamp?
  public var temperatureHigh: BandState
  public var temperatureLow: BandState
  public var humidityHigh: BandState
  public var humidityLow: BandState
  /// When the open `offline` alert was raised (the sensor fell silent), `nil` while it reports.
  public var offlineSince: Timestamp?
  /// The sensor-fault rule's memory (errors in a row, a stuck value, the previous reading).
  public var fault = FaultState()
  /// The trend rule's memory (recent temperatures, the rise run, the open trend alert).
  public var trend = TrendState()
  /// Event time of the first sample of the current defrost or door pause of this (air) probe, `nil` outside one:
  /// when the pause ends, the high-side runs move on by its length, so paused time never counts
  /// (docs/alert-rules.md, "Defrost and doors").
  public var pausedSince: Timestamp?

  public init(
    lastTs: Timestamp? = nil, temperatureHigh: BandState = BandState(), temperatureLow: BandState = BandState(),
    humidityHigh: BandState = BandState(), humidityLow: BandState = BandState()
  ) {
    self.lastTs = lastTs
    self.temperatureHigh = temperatureHigh
    self.temperatureLow = temperatureLow
    self.humidityHigh = humidityHigh
    self.humidityLow = humidityLow
  }

  /// The band state of `metric` on the `direction` side.
  public subscript(metric: Metric, direction: BandDirection) -> BandState {
    get {
      switch (metric, direction) {
      case (.temperature, .high): temperatureHigh
      case (.temperature, .low): temperatureLow
      case (.humidity, .high): humidityHigh
      case (.humidity, .low): humidityLow
      }
    }
    set {
      switch (metric, direction) {
      case (.temperature, .high): temperatureHigh = newValue
      case (.temperature, .low): temperatureLow = newValue
      case (.humidity, .high): humidityHigh = newValue
      case (.humidity, .low): humidityLow = newValue
      }
    }
  }

  /// The band and trend alerts open on this sensor, by kind (a trend alert's peak is its fastest rate, °C/h).
  public var openAlerts: [AlertKind: OpenAlert] {
    var open: [AlertKind: OpenAlert] = [:]
    for metric in Metric.allCases {
      for direction in BandDirection.allCases {
        if let alert = self[metric, direction].open { open[AlertKind(metric: metric, direction: direction)] = alert }
      }
    }
    if let openedAt = trend.openedAt {
      open[.tempTrend] = OpenAlert(severity: .warning, openedAt: openedAt, peak: trend.peakRate ?? 0)
    }
    return open
  }

  private enum CodingKeys: String, CodingKey {
    case lastTs, temperatureHigh, temperatureLow, humidityHigh, humidityLow, offlineSince, fault, trend, pausedSince
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    lastTs = try container.decodeIfPresent(Timestamp.self, forKey: .lastTs)
    temperatureHigh = try container.decodeIfPresent(BandState.self, forKey: .temperatureHigh) ?? BandState()
    temperatureLow = try container.decodeIfPresent(BandState.self, forKey: .temperatureLow) ?? BandState()
    humidityHigh = try container.decodeIfPresent(BandState.self, forKey: .humidityHigh) ?? BandState()
    humidityLow = try container.decodeIfPresent(BandState.self, forKey: .humidityLow) ?? BandState()
    offlineSince = try container.decodeIfPresent(Timestamp.self, forKey: .offlineSince)
    fault = try container.decodeIfPresent(FaultState.self, forKey: .fault) ?? FaultState()
    trend = try container.decodeIfPresent(TrendState.self, forKey: .trend) ?? TrendState()
    pausedSince = try container.decodeIfPresent(Timestamp.self, forKey: .pausedSince)
  }
}

/// The engine's memory for one metric on one side (e.g. temperature, high): when the current continuous runs past
/// the warning and critical limits began, and the alert of that kind if one is open.
public struct BandState: Sendable, Codable, Equatable {
  /// Event time of the first reading of the current run past the warning limit; `nil` outside such a run.
  public var warningRunStart: Timestamp?
  /// Event time of the first reading of the current run past the critical limit; `nil` outside such a run.
  public var criticalRunStart: Timestamp?
  /// The alert of this band's kind, while it is open.
  public var open: OpenAlert?

  public init(warningRunStart: Timestamp? = nil, criticalRunStart: Timestamp? = nil, open: OpenAlert? = nil) {
    self.warningRunStart = warningRunStart
    self.criticalRunStart = criticalRunStart
    self.open = open
  }

  /// The start of the current run past the `severity` limit.
  public subscript(runStart severity: Severity) -> Timestamp? {
    get { severity == .warning ? warningRunStart : criticalRunStart }
    set {
      if severity == .warning { warningRunStart = newValue } else { criticalRunStart = newValue }
    }
  }
}

/// An open band alert as the engine tracks it.
public struct OpenAlert: Sendable, Codable, Equatable {
  /// Current severity; it only goes up while the alert is open.
  public var severity: Severity
  /// Event time of the reading that opened the alert.
  public var openedAt: Timestamp
  /// Worst value since the alert opened: the highest for a high alert, the lowest for a low one.
  public var peak: Double

  public init(severity: Severity, openedAt: Timestamp, peak: Double) {
    self.severity = severity
    self.openedAt = openedAt
    self.peak = peak
  }
}
