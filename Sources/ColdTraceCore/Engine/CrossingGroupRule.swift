/// Several probes of one room crossing the same limit together (a compressor serving the room fails, a door is left
/// open) make one room-level alert naming them, not one alarm per probe (docs/alert-rules.md, "Probes crossing
/// together"), the way Alertmanager groups by room and kind:
/// - each probe's own alert opens as always (recorded, journalled, shown by `coldtrace status`), but its notification
///   is held for the **group wait**: from the first crossing of a room and kind, `waitSeconds` of event time (the
///   readings' `ts`);
/// - a probe of the room crossing the same limit within the wait joins it; once a reading of the room comes past the
///   wait's end, the wait is decided: `minimumProbes` or more members open the room's alert (room `<room>`, sensor
///   `*`) and their held notifications are dropped for its one; a lone member's notification goes out as it was;
/// - a probe crossing while the room's alert is open joins it silently (the alert's message names it; a critical one
///   escalates a warning group), and the room's alert resolves when its last member does;
/// - the wait is the site's, not the room's: probes of two or more rooms of one site crossing the same limit within
///   it (a refrigeration plant serving several rooms fails) make one **site** alert instead (room `-`, sensor `*`,
///   the shape of the site-level `offline` alert), naming the rooms and their probes (`CrossingGroupRule+Site`).
///
/// Pure: the collector keeps the waits and memberships in the database (`alerts.group_wait_ms`, `alerts.group_id`),
/// so a restart resumes them.
public struct CrossingGroupRule: Sendable, Equatable {
  /// The group wait in event time; 0 turns grouping off (every probe is notified on its own).
  public var waitSeconds: Double
  /// From this many probes crossing within one wait, they are grouped.
  public var minimumProbes = 2
  /// The most probes named in the message (the rest are counted).
  static let namedAtMost = 20

  public init(waitSeconds: Double = 0) { self.waitSeconds = waitSeconds }

  public var isEnabled: Bool { waitSeconds > 0 }

  /// Whether `event` is about a probe's limit crossing, the kind of alert this rule groups: a band kind
  /// (`temp_high`, `temp_low`, `rh_high`, `rh_low`) of a real probe (not a lot's or a group's pseudo-sensor).
  public static func isCrossing(_ event: AlertEvent) -> Bool {
    event.kind.band != nil && event.key.sensor != "*" && !event.key.sensor.hasPrefix("lot/")
  }

  /// The event time a wait started by a crossing at `at` ends: crossings at or before it join.
  public func waitEnd(startedAt at: Timestamp) -> Timestamp { at.adding(seconds: waitSeconds) }

  /// The room-level alert's key: the room, sensor `*`.
  public static func key(site: String, room: String) -> SensorKey { SensorKey(site: site, room: room, sensor: "*") }

  /// One probe of a group as its own alert stands.
  public struct Member: Sendable, Equatable {
    public var sensor: String
    public var severity: Severity
    public var limit: Double?
    public var peak: Double?
    public var productID: String
    /// The room its alert opened in (a site alert names its members by room).
    public var room: String

    public init(
      sensor: String, severity: Severity, limit: Double?, peak: Double?, productID: String, room: String = ""
    ) {
      self.sensor = sensor
      self.severity = severity
      self.limit = limit
      self.peak = peak
      self.productID = productID
      self.room = room
    }
  }

  /// The room's alert for `members` of `kind` crossing together, opened at `at` (the first member's crossing).
  public static func opening(site: String, room: String, kind: AlertKind, members: [Member], at: Timestamp)
    -> AlertEvent
  {
    summary(.opened, site: site, room: room, kind: kind, members: members, at: at)
  }

  /// The room's alert again once a member joined or worsened, and whether it escalates: when the members' worst
  /// severity is above the group's (then the event is applied and notified; else only the alert's message and peak
  /// are brought up to date, silently).
  public static func update(
    site: String, room: String, kind: AlertKind, members: [Member], groupSeverity: Severity, at: Timestamp
  ) -> (event: AlertEvent, escalates: Bool) {
    let worst = members.map(\.severity).max() ?? groupSeverity
    return (summary(.escalated, site: site, room: room, kind: kind, members: members, at: at), worst > groupSeverity)
  }

  /// The resolution once the last member resolved; `rooms`: how many rooms its members were in (a site alert's).
  public static func resolution(
    site: String, room: String, kind: AlertKind, severity: Severity, productID: String, count: Int, rooms: Int = 1,
    at: Timestamp
  ) -> AlertEvent {
    let whose = room == siteRoom ? "in \(rooms) rooms of site \(site)" : "of room \(room) (\(site))"
    return AlertEvent(
      type: .resolved, key: key(site: site, room: room), kind: kind, severity: severity, productID: productID, at: at,
      limit: nil, value: nil, peak: nil,
      message: "all \(count) probes \(whose) are back inside their \(kind.rawValue) limit")
  }

  private static func summary(
    _ type: AlertEventType, site: String, room: String, kind: AlertKind, members: [Member], at: Timestamp
  ) -> AlertEvent {
    let sorted = members.sorted { $0.sensor < $1.sensor }
    let worst = sorted.max { $0.severity < $1.severity } ?? sorted.first
    let severity = worst?.severity ?? .warning
    let band = kind.band
    let peaks = sorted.compactMap(\.peak)
    let peak = band?.direction == .low ? peaks.min() : peaks.max()
    let more = sorted.count > namedAtMost ? " and \(sorted.count - namedAtMost) more" : ""
    let limit =
      worst?.limit.map { value in
        band.map { " \($0.direction.preposition) \($0.metric.format(value))" } ?? " past \(value)"
      } ?? ""
    let what = band.map { "\($0.metric.label)\(limit)" } ?? kind.rawValue
    let product = worst?.productID ?? "-"
    let message =
      room == siteRoom
      ? siteMessage(site: site, members: sorted, what: what, metric: band?.metric, product: product, severity: severity)
      : "\(sorted.count) probes of room \(room) (\(site)) \(what) together (\(product), \(severity.rawValue)): "
        + "\(named(sorted.prefix(namedAtMost), metric: band?.metric))\(more); a shared cause is likely (the room's cooling, "
        + "a door left open); each probe's own alert is in coldtrace alerts"
    return AlertEvent(
      type: type, key: key(site: site, room: room), kind: kind, severity: severity, productID: product, at: at,
      limit: worst?.limit, value: Double(sorted.count), peak: peak, message: message)
  }

  /// The members' names, each with its peak when it has one.
  static func named(_ members: some Sequence<Member>, metric: Metric?) -> String {
    members.map { member in
      member.peak.map { "\(member.sensor) (peak \(metric?.format($0) ?? "\($0)"))" } ?? member.sensor
    }.joined(separator: ", ")
  }
}
