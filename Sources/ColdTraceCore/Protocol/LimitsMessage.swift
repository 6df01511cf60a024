/// A room's critical limits, retained by the collector on `coldtrace/v1/limits/<site>/<room>` (docs/protocol.md,
/// "Room limits"), so that an agent cut off from the broker can still sound an alarm at the edge:
/// `{"v":1,"ts":"…","site":"hongxuan","room":"cold2","profile":"litchi","temp_c":{"critical_high":8,
/// "critical_high_delay_minutes":10,"critical_low":-0.5,"critical_low_delay_minutes":10,"hysteresis":0.5},
/// "rh_pct":{…}}`.
///
/// Only the critical limits travel: the edge alarm is the last resort for a product at risk, not a second collector.
public struct LimitsMessage: Sendable, Equatable {
  /// The critical limits of one metric, each side absent when the profile sets none, and the dead band a reading
  /// must clear before the edge alarm stops.
  public struct Critical: Sendable, Equatable {
    public var high: BandLimit?
    public var low: BandLimit?
    public var hysteresis: Double

    public init(high: BandLimit? = nil, low: BandLimit? = nil, hysteresis: Double = 0) {
      self.high = high
      self.low = low
      self.hysteresis = hysteresis
    }

    /// The critical part of a profile's bands.
    public init(_ bands: MetricBands) {
      self.init(high: bands.criticalHigh, low: bands.criticalLow, hysteresis: bands.hysteresis)
    }

    /// The limit on the `direction` side.
    public func limit(_ direction: BandDirection) -> BandLimit? { direction == .high ? high : low }
  }

  public static let version = 1

  public var site: String
  public var room: String
  /// The profile the room is judged by now: a lot's product, the strictest combination of several (`litchi+longan`),
  /// or the room's configured product.
  public var profile: String
  public var ts: Timestamp
  public var temperature: Critical
  public var humidity: Critical

  public init(
    site: String, room: String, profile: String, ts: Timestamp, temperature: Critical, humidity: Critical
  ) {
    self.site = site
    self.room = room
    self.profile = profile
    self.ts = ts
    self.temperature = temperature
    self.humidity = humidity
  }

  /// The limits of `profile` for one room, stamped `ts`.
  public init(site: String, room: String, profile: ProductProfile, ts: Timestamp) {
    self.init(
      site: site, room: room, profile: profile.id, ts: ts, temperature: Critical(profile.temperature),
      humidity: Critical(profile.humidity))
  }

  /// The critical limits of `metric`.
  public func critical(_ metric: Metric) -> Critical { metric == .temperature ? temperature : humidity }

  /// Whether two messages say the same limits, whenever they were sent (the collector republishes only a change).
  public func sameLimits(as other: LimitsMessage) -> Bool {
    var stamped = other
    stamped.ts = ts
    return stamped == self
  }

  public func encode() -> String {
    JSONObjectWriter.object(capacity: 320) { json in
      json.integer("v", Self.version)
      json.string("ts", ts.rfc3339)
      json.string("site", site)
      json.string("room", room)
      json.string("profile", profile)
      for metric in Metric.allCases {
        let limits = critical(metric)
        json.object(Self.key(metric)) { json in
          for direction in [BandDirection.high, .low] {
            guard let limit = limits.limit(direction) else { continue }
            json.number("critical_\(direction.rawValue)", limit.threshold)
            json.number("critical_\(direction.rawValue)_delay_minutes", Double(limit.delaySeconds) / 60)
          }
          json.number("hysteresis", limits.hysteresis)
        }
      }
    }
  }

  /// Reads a payload; `nil` unless every field is there with its type, the version is 1, the site and room are valid
  /// ids, and the numbers are sane (finite thresholds, delays of 0 to 30 days, a hysteresis of 0 or more): an agent
  /// acts on these alone, and keeps them in a file by room.
  public static func decode(_ payload: UnsafeRawBufferPointer) -> LimitsMessage? {
    guard case .object(let object)? = try? JSONParser.parse(payload) else { return nil }
    guard case .number(let version)? = object["v"], version == Double(Self.version),
      case .string(let tsText)? = object["ts"], let ts = Timestamp.parseRFC3339(tsText),
      case .string(let site)? = object["site"], Identifier.isValid(site, as: .site),
      case .string(let room)? = object["room"], Identifier.isValid(room, as: .room),
      case .string(let profile)? = object["profile"],
      let temperature = critical(object[key(.temperature)]), let humidity = critical(object[key(.humidity)])
    else { return nil }
    return LimitsMessage(
      site: site, room: room, profile: profile, ts: ts, temperature: temperature, humidity: humidity)
  }

  public static func decode(_ payload: [UInt8]) -> LimitsMessage? { payload.withUnsafeBytes { decode($0) } }

  /// The payload's name for a metric's limits: `temp_c` or `rh_pct`, like a reading's fields.
  static func key(_ metric: Metric) -> String { metric.rawValue }

  private static func critical(_ value: JSONValue?) -> Critical? {
    guard case .object(let object)? = value, case .number(let hysteresis)? = object["hysteresis"], hysteresis >= 0
    else { return nil }
    var limits = Critical(hysteresis: hysteresis)
    for direction in [BandDirection.high, .low] {
      let name = "critical_\(direction.rawValue)"
      guard let threshold = object[name] else { continue }
      guard case .number(let value) = threshold, case .number(let minutes)? = object["\(name)_delay_minutes"],
        minutes >= 0, minutes <= 43_200
      else { return nil }
      let limit = BandLimit(threshold: value, delaySeconds: Int((minutes * 60).rounded()))
      if direction == .high { limits.high = limit } else { limits.low = limit }
    }
    return limits
  }
}
