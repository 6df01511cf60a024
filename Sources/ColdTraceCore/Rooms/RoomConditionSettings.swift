/// How ColdTrace treats a room's defrosts and door openings (docs/alert-rules.md, "Defrost and doors"), with the
/// room controllers' usual settings as defaults; the collector config sets them for all rooms and per room.
public struct RoomConditionSettings: Sendable, Equatable, Codable {
  /// After a defrost that ended within its maximum, air-probe high alarms stay paused this long while the unit pulls
  /// the air back down: 60 min, the controllers' high-temperature alarm bypass after defrost (`d8`, 1 h by default).
  public var defrostBypassMinutes = 60.0
  /// The longest a defrost pauses anything: 45 min, the upper end of the controllers' maximum defrost time (`dP1`,
  /// 30–45 min). A defrost still on after it raises `defrost_overrun` and the pause ends there (no bypass after it).
  public var defrostMaxMinutes = 45.0
  /// A door open this long raises a `door_open` warning: 8 min, longer than a delivery or a picking round (the
  /// controllers' open-door alarm delay `d8d` is a few minutes).
  public var doorWarningMinutes = 8.0
  /// …and this long escalates it to critical: 10 min. An open door in tropical air takes a litchi room past its
  /// critical limit within minutes, and air-probe alarms are paused for the first `doorPauseMaxMinutes`: the
  /// `door_open` alert is what speaks for the product then, so it must not come later than the air's own critical
  /// alarm would have.
  public var doorCriticalMinutes = 10.0
  /// The longest a door opening pauses air-probe high alarms: 10 min, a delivery's length; no longer than the
  /// critical `door_open` threshold, so an open door is never silent.
  public var doorPauseMaxMinutes = 10.0
  /// After a door that closed within its pause maximum, air-probe high alarms stay paused this long while the air
  /// recovers: 15 min (measured on the simulator's 60 m³ room: 4–6 min openings are back under 5 °C within it).
  public var doorBypassMinutes = 15.0
  /// Door pauses (with their bypasses) add up to at most this much in any rolling hour: 30 min. A door propped open
  /// and shut every few minutes would otherwise pause an air-only room all day (`AirPause`).
  public var doorPausePerHourMaxMinutes = 30.0
  /// At most this many defrosts pause in any rolling 24 hours: 6 (controllers defrost 2–6 times a day). A controller
  /// defrosting every hour is a fault, and its further defrosts are judged as normal air (`AirPause`).
  public var defrostPerDayMax = 6
  /// An evaporator probe above this starts a recognised defrost: 6 °C. A coil that cools sits below 0 °C, an idle one
  /// drifts to the room air (0–5 °C in a chilled room); the heater takes it past 8–12 °C, where controllers end the
  /// defrost (`dtE`/`dt1`). Rooms kept above 5 °C need a higher value.
  public var evaporatorDefrostAboveC = 6.0
  /// …and below this ends it: 0 °C, the coil cooling again (hysteresis, so a coil hovering at the threshold makes one
  /// defrost, not many).
  public var evaporatorDefrostBelowC = 0.0

  public init() {}

  private enum CodingKeys: String, CodingKey {
    case defrostBypassMinutes, defrostMaxMinutes, doorWarningMinutes, doorCriticalMinutes, doorPauseMaxMinutes
    case doorBypassMinutes, doorPausePerHourMaxMinutes, defrostPerDayMax, evaporatorDefrostAboveC
    case evaporatorDefrostBelowC
  }

  /// Reads settings saved before the cumulative caps existed with the caps' defaults.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = RoomConditionSettings()
    defrostBypassMinutes = try c.decodeIfPresent(Double.self, forKey: .defrostBypassMinutes) ?? d.defrostBypassMinutes
    defrostMaxMinutes = try c.decodeIfPresent(Double.self, forKey: .defrostMaxMinutes) ?? d.defrostMaxMinutes
    doorWarningMinutes = try c.decodeIfPresent(Double.self, forKey: .doorWarningMinutes) ?? d.doorWarningMinutes
    doorCriticalMinutes = try c.decodeIfPresent(Double.self, forKey: .doorCriticalMinutes) ?? d.doorCriticalMinutes
    doorPauseMaxMinutes = try c.decodeIfPresent(Double.self, forKey: .doorPauseMaxMinutes) ?? d.doorPauseMaxMinutes
    doorBypassMinutes = try c.decodeIfPresent(Double.self, forKey: .doorBypassMinutes) ?? d.doorBypassMinutes
    doorPausePerHourMaxMinutes =
      try c.decodeIfPresent(Double.self, forKey: .doorPausePerHourMaxMinutes) ?? d.doorPausePerHourMaxMinutes
    defrostPerDayMax = try c.decodeIfPresent(Int.self, forKey: .defrostPerDayMax) ?? d.defrostPerDayMax
    evaporatorDefrostAboveC =
      try c.decodeIfPresent(Double.self, forKey: .evaporatorDefrostAboveC) ?? d.evaporatorDefrostAboveC
    evaporatorDefrostBelowC =
      try c.decodeIfPresent(Double.self, forKey: .evaporatorDefrostBelowC) ?? d.evaporatorDefrostBelowC
  }

  var defrostMaxMs: Int64 { Self.ms(defrostMaxMinutes) }
  var defrostBypassMs: Int64 { Self.ms(defrostBypassMinutes) }
  var doorPauseMaxMs: Int64 { Self.ms(doorPauseMaxMinutes) }
  var doorBypassMs: Int64 { Self.ms(doorBypassMinutes) }

  /// The longest a span of `signal` pauses alarms.
  func maxMs(_ signal: RoomSignal) -> Int64 { signal == .defrost ? defrostMaxMs : doorPauseMaxMs }
  /// The bypass after a span of `signal` that ended within its maximum.
  func bypassMs(_ signal: RoomSignal) -> Int64 { signal == .defrost ? defrostBypassMs : doorBypassMs }

  /// The window in which a span of `signal` from `start` to `end` (`nil`: still on) pauses air-probe high alarms, by
  /// itself: up to its maximum, and its bypass after it when it ended within the maximum.
  public func pauseWindow(_ signal: RoomSignal, start: Timestamp, end: Timestamp?) -> AirPause.Window {
    let from = start.milliseconds
    let maxEnd = from + maxMs(signal)
    guard let end = end?.milliseconds else {
      return AirPause.Window(signal: signal, spanStart: from, spanEnd: maxEnd, start: from, end: maxEnd)
    }
    let until = end <= maxEnd ? end + bypassMs(signal) : maxEnd
    return AirPause.Window(signal: signal, spanStart: from, spanEnd: end, start: from, end: until)
  }

  static func ms(_ minutes: Double) -> Int64 { Int64((minutes * 60_000).rounded()) }
}
