import ColdTraceCore

/// The edge alarm's rule, pure: the agent's own probes judged against their rooms' critical limits (`LimitsMessage`),
/// each reading in event time, the way the collector judges its critical band alerts.
///
/// A probe is past a limit from its first reading past the threshold; it alarms once it has stayed past for the
/// limit's delay (any reading back inside restarts the delay), and it stops alarming when a reading has cleared the
/// critical threshold by the limits' hysteresis. Evaporator and ambient probes never judge; in a room where the agent
/// has a product or simulant probe only those judge, else its air probes (`Placement.feedsLotRules`), as the collector
/// prefers product probes. A fault reading changes nothing.
public struct EdgeAlarmJudge: Sendable {
  /// One of the agent's probes.
  public struct Probe: Sendable, Equatable {
    public var id: String
    public var room: String
    public var placement: Placement

    public init(id: String, room: String, placement: Placement) {
      self.id = id
      self.room = room
      self.placement = placement
    }
  }

  /// A probe past a critical limit for longer than its delay.
  public struct Alarm: Sendable, Equatable {
    public var sensor: String
    public var room: String
    public var metric: Metric
    public var direction: BandDirection
    /// The probe's latest reading.
    public var value: Double
    public var threshold: Double
    /// The event time of the first reading past the threshold.
    public var since: Timestamp
    public var profile: String

    /// `cold2-air in cold2: 12.4 °C above the critical 8 °C (litchi) since 2026-…`.
    public var description: String {
      "\(sensor) in \(room): \(metric.format(value)) \(direction.preposition) the critical "
        + "\(metric.format(threshold)) (\(profile)) since \(since.rfc3339)"
    }
  }

  /// What one reading did.
  public enum Verdict: Sendable, Equatable {
    /// Judged (whether or not it changed an alarm).
    case judged
    /// Its probe does not judge (placement, or a product probe of the same room judges instead).
    case notJudging
    /// No limits are known for its room: nothing can be judged.
    case noLimits(room: String)
  }

  private struct Key: Hashable {
    var sensor: String
    var metric: Metric
    var direction: BandDirection
  }

  public let probes: [String: Probe]
  private let judging: Set<String>
  /// Per probe, metric and side, the event time of the first reading past the threshold in the current run.
  private var pastSince: [Key: Timestamp] = [:]
  private var alarms: [Key: Alarm] = [:]

  public init(probes: [Probe]) {
    var byID: [String: Probe] = [:]
    for probe in probes { byID[probe.id] = probe }
    self.probes = byID
    let productRooms = Set(probes.filter(\.placement.measuresProduct).map(\.room))
    judging = Set(
      probes.filter { $0.placement.feedsLotRules(roomHasProductProbe: productRooms.contains($0.room)) }.map(\.id))
  }

  /// The probes alarming now, ordered by sensor, metric and side.
  public var active: [Alarm] {
    alarms.values.sorted {
      ($0.sensor, $0.metric.rawValue, $0.direction.rawValue) < ($1.sensor, $1.metric.rawValue, $1.direction.rawValue)
    }
  }

  /// Judges one reading of `sensor` taken at event time `time`, against `limits` (its room's, or `nil` if none is
  /// known). Readings of one probe come in event-time order.
  public mutating func judge(
    sensor: String, tempC: Double?, rhPct: Double?, at time: Timestamp, limits: LimitsMessage?
  ) -> Verdict {
    guard let probe = probes[sensor], judging.contains(sensor) else { return .notJudging }
    guard let limits else { return .noLimits(room: probe.room) }
    for metric in Metric.allCases {
      guard let value = metric == .temperature ? tempC : rhPct, value.isFinite else { continue }
      let critical = limits.critical(metric)
      for direction in BandDirection.allCases {
        let key = Key(sensor: sensor, metric: metric, direction: direction)
        guard let limit = critical.limit(direction) else {
          pastSince[key] = nil
          alarms[key] = nil
          continue
        }
        judge(value, at: time, key: key, limit: limit, hysteresis: critical.hysteresis, probe: probe, limits: limits)
      }
    }
    return .judged
  }

  private mutating func judge(
    _ value: Double, at time: Timestamp, key: Key, limit: BandLimit, hysteresis: Double, probe: Probe,
    limits: LimitsMessage
  ) {
    if key.direction.isPast(value, limit.threshold) {
      let since = pastSince[key] ?? time
      pastSince[key] = since
      if alarms[key] != nil {
        alarms[key]?.value = value
      } else if time.seconds(since: since) >= Double(limit.delaySeconds) {
        alarms[key] = Alarm(
          sensor: probe.id, room: probe.room, metric: key.metric, direction: key.direction, value: value,
          threshold: limit.threshold, since: since, profile: limits.profile)
      }
      return
    }
    pastSince[key] = nil
    guard alarms[key] != nil else { return }
    let cleared =
      key.direction == .high ? value <= limit.threshold - hysteresis : value >= limit.threshold + hysteresis
    if cleared { alarms[key] = nil } else { alarms[key]?.value = value }
  }
}
