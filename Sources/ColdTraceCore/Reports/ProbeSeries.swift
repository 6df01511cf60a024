/// The readings of one probe while a lot was in its room: one placement window, oldest first, stored column by column
/// so a month of minute readings costs three flat arrays rather than one object per reading.
public struct ProbeSeries: Sendable, Equatable {
  public var site: String
  public var room: String
  public var sensor: String
  /// Where the probe is mounted (as the collector judges it when the report is made): decides whether its readings
  /// judge the lot (docs/alert-rules.md, "Reports").
  public var placement: Placement
  /// The window the lot spent in the room (clipped to the report's period), in milliseconds since the epoch.
  public var fromMilliseconds: Int64
  public var toMilliseconds: Int64
  /// Reading times in milliseconds, ascending.
  public var times: [Int64] = []
  /// Temperatures in °C, `.nan` where a reading carries none.
  public var temperatures: [Double] = []
  /// Relative humidities in %, `.nan` where a reading carries none.
  public var humidities: [Double] = []
  /// The readings whose time was corrected or is doubtful (`time_quality`), by index; most series have none.
  public var timeQualities: [Int: TimeQuality] = [:]

  public init(
    site: String, room: String, sensor: String, placement: Placement = .air, fromMilliseconds: Int64,
    toMilliseconds: Int64
  ) {
    self.site = site
    self.room = room
    self.sensor = sensor
    self.placement = placement
    self.fromMilliseconds = fromMilliseconds
    self.toMilliseconds = toMilliseconds
  }

  public var count: Int { times.count }

  /// Adds a reading at the end (callers append in time order); `nil` values are stored as `.nan`.
  public mutating func append(
    milliseconds: Int64, temperature: Double?, humidity: Double?, timeQuality: TimeQuality? = nil
  ) {
    if let timeQuality { timeQualities[times.count] = timeQuality }
    times.append(milliseconds)
    temperatures.append(temperature ?? .nan)
    humidities.append(humidity ?? .nan)
  }

  /// The values of `metric`, `.nan` where absent.
  public func values(_ metric: Metric) -> [Double] {
    switch metric {
    case .temperature: temperatures
    case .humidity: humidities
    }
  }
}
