/// What the trend rule remembers about one probe: the temperature readings inside the fitting window, the rise run
/// in progress and the trend alert, if open.
///
/// Readings closer together than a 30th of the window (a minute for 30 minutes) are thinned out, so the state saved
/// with every reading stays small (at most 31 readings) at any sampling rate.
public struct TrendState: Sendable, Codable, Equatable {
  /// Event times (ms since the epoch) of the readings kept, oldest first.
  public var times: [Int64] = []
  /// The temperatures of those readings, in the same order.
  public var values: [Double] = []
  /// Event time of the first reading of the current run with the rate above the rise rate.
  public var risingSince: Timestamp?
  /// Event time of the reading that opened the trend alert, while it is open.
  public var openedAt: Timestamp?
  /// The fastest rate seen while the alert has been open, °C per hour.
  public var peakRate: Double?

  public init() {}

  /// The kept readings as points.
  var points: [(ms: Int64, value: Double)] { zip(times, values).map { ($0, $1) } }

  /// Milliseconds between the oldest and the newest kept reading.
  var span: Int64 { (times.last ?? 0) - (times.first ?? 0) }

  /// Keeps the reading (unless it is within a 30th of the window of the last one kept) and forgets readings older
  /// than the window.
  mutating func record(ts: Timestamp, value: Double, windowMs: Int64) {
    if let last = times.last, ts.milliseconds - last < windowMs / 30 { return }
    times.append(ts.milliseconds)
    values.append(value)
    let oldest = ts.milliseconds - windowMs
    if let keep = times.firstIndex(where: { $0 >= oldest }), keep > 0 {
      times.removeFirst(keep)
      values.removeFirst(keep)
    }
  }

  private enum CodingKeys: String, CodingKey {
    case times, values, risingSince, openedAt, peakRate
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    times = try container.decodeIfPresent([Int64].self, forKey: .times) ?? []
    values = try container.decodeIfPresent([Double].self, forKey: .values) ?? []
    if times.count != values.count {
      let count = min(times.count, values.count)
      times = Array(times.prefix(count))
      values = Array(values.prefix(count))
    }
    risingSince = try container.decodeIfPresent(Timestamp.self, forKey: .risingSince)
    openedAt = try container.decodeIfPresent(Timestamp.self, forKey: .openedAt)
    peakRate = try container.decodeIfPresent(Double.self, forKey: .peakRate)
  }
}
