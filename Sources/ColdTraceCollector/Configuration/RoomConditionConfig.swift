import ColdTraceConfig
import ColdTraceCore

/// The collector config's defrost and door settings (docs/operations.md, "Defrost and doors"): defaults for every
/// room (`[defrost]`, `[doors]`, `[evaporator]`), per-room overrides (`[[room_conditions]]`) and defrost schedules
/// (`[[defrost_schedule]]`).
public struct RoomConditionConfig: Sendable, Equatable {
  public var defaults = RoomConditionSettings()
  /// Per `"<site>/<room>"`, the room's settings where the config overrides any.
  public var rooms: [String: RoomConditionSettings] = [:]
  /// Per `"<site>/<room>"`, its defrost schedule.
  public var schedules: [String: DefrostSchedule] = [:]

  public init() {}

  /// The settings that judge `site/room`.
  public func settings(site: String, room: String) -> RoomConditionSettings {
    rooms.isEmpty ? defaults : rooms["\(site)/\(room)"] ?? defaults
  }

  /// The defrost schedule of `site/room`, if it has one.
  public func schedule(site: String, room: String) -> DefrostSchedule? {
    schedules.isEmpty ? nil : schedules["\(site)/\(room)"]
  }

  static let tableKeys: Set<String> = ["defrost", "doors", "evaporator", "room_conditions", "defrost_schedule"]

  /// Reads the tables from the collector config; every number is range-checked, and warning before critical, a
  /// hysteresis the right way round and a schedule within its room's defrost maximum are required.
  static func load(_ config: ConfigTable) throws(ConfigError) -> RoomConditionConfig {
    var result = RoomConditionConfig()
    if let defrost = try config.table("defrost") {
      try defrost.rejectUnknownKeys(allowed: ["bypass_minutes", "max_minutes", "per_day_max"])
      result.defaults.defrostBypassMinutes = try defrost.double(
        "bypass_minutes", .within(0...240, "4 hours"), default: result.defaults.defrostBypassMinutes)
      result.defaults.defrostMaxMinutes = try defrost.double(
        "max_minutes", .within(1...240, "4 hours"), default: result.defaults.defrostMaxMinutes)
      result.defaults.defrostPerDayMax = try defrost.int(
        "per_day_max", .within(0...48, "defrosts in 24 h"), default: result.defaults.defrostPerDayMax)
    }
    if let doors = try config.table("doors") {
      try doors.rejectUnknownKeys(allowed: [
        "warning_minutes", "critical_minutes", "pause_max_minutes", "bypass_minutes", "pause_per_hour_max_minutes",
      ])
      result.defaults.doorWarningMinutes = try doors.double(
        "warning_minutes", .within(1...1440, "a day"), default: result.defaults.doorWarningMinutes)
      result.defaults.doorCriticalMinutes = try doors.double(
        "critical_minutes", .within(1...1440, "a day"), default: result.defaults.doorCriticalMinutes)
      result.defaults.doorPauseMaxMinutes = try doors.double(
        "pause_max_minutes", .within(0...120, "2 hours"), default: result.defaults.doorPauseMaxMinutes)
      result.defaults.doorBypassMinutes = try doors.double(
        "bypass_minutes", .within(0...120, "2 hours"), default: result.defaults.doorBypassMinutes)
      result.defaults.doorPausePerHourMaxMinutes = try doors.double(
        "pause_per_hour_max_minutes", .within(0...60, "an hour"),
        default: result.defaults.doorPausePerHourMaxMinutes)
    }
    if let evaporator = try config.table("evaporator") {
      try evaporator.rejectUnknownKeys(allowed: ["defrost_above_c", "defrost_below_c"])
      result.defaults.evaporatorDefrostAboveC = try evaporator.double(
        "defrost_above_c", .within(-40...40), default: result.defaults.evaporatorDefrostAboveC)
      result.defaults.evaporatorDefrostBelowC = try evaporator.double(
        "defrost_below_c", .within(-40...40), default: result.defaults.evaporatorDefrostBelowC)
    }
    try check(
      result.defaults, config, criticalKey: "doors.critical_minutes", belowKey: "evaporator.defrost_below_c")
    for table in try config.tables("room_conditions") {
      let room = try roomName(table)
      guard result.rooms[room] == nil else { throw table.invalid("room", "names \(room) twice") }
      result.rooms[room] = try override(result.defaults, with: table)
    }
    for table in try config.tables("defrost_schedule") {
      let room = try roomName(table)
      guard result.schedules[room] == nil else { throw table.invalid("room", "has a second schedule for \(room)") }
      let schedule = try DefrostScheduleConfig.load(table)
      let max = (result.rooms[room] ?? result.defaults).defrostMaxMinutes
      guard schedule.minutes <= max else {
        throw table.invalid("minutes", "is longer than the room's defrost max_minutes (\(JSONText.number(max)))")
      }
      result.schedules[room] = schedule
    }
    return result
  }

  private static func roomName(_ table: ConfigTable) throws(ConfigError) -> String {
    guard let room = try table.string("room") else { throw table.invalid("room", "is required (\"<site>/<room>\")") }
    let parts = room.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, Identifier.isValid(parts[0], as: .site), Identifier.isValid(parts[1], as: .room) else {
      throw table.invalid("room", "must be written \"<site>/<room>\"")
    }
    return room
  }

  private static func override(_ defaults: RoomConditionSettings, with table: ConfigTable) throws(ConfigError)
    -> RoomConditionSettings
  {
    try table.rejectUnknownKeys(allowed: [
      "room", "defrost_bypass_minutes", "defrost_max_minutes", "door_warning_minutes", "door_critical_minutes",
      "door_pause_max_minutes", "door_bypass_minutes", "evaporator_defrost_above_c", "evaporator_defrost_below_c",
      "door_pause_per_hour_max_minutes", "defrost_per_day_max",
    ])
    var s = defaults
    s.defrostBypassMinutes = try table.double(
      "defrost_bypass_minutes", .within(0...240, "4 hours"), default: s.defrostBypassMinutes)
    s.defrostMaxMinutes = try table.double(
      "defrost_max_minutes", .within(1...240, "4 hours"), default: s.defrostMaxMinutes)
    s.doorWarningMinutes = try table.double(
      "door_warning_minutes", .within(1...1440, "a day"), default: s.doorWarningMinutes)
    s.doorCriticalMinutes = try table.double(
      "door_critical_minutes", .within(1...1440, "a day"), default: s.doorCriticalMinutes)
    s.doorPauseMaxMinutes = try table.double(
      "door_pause_max_minutes", .within(0...120, "2 hours"), default: s.doorPauseMaxMinutes)
    s.doorBypassMinutes = try table.double(
      "door_bypass_minutes", .within(0...120, "2 hours"), default: s.doorBypassMinutes)
    s.doorPausePerHourMaxMinutes = try table.double(
      "door_pause_per_hour_max_minutes", .within(0...60, "an hour"), default: s.doorPausePerHourMaxMinutes)
    s.defrostPerDayMax = try table.int(
      "defrost_per_day_max", .within(0...48, "defrosts in 24 h"), default: s.defrostPerDayMax)
    s.evaporatorDefrostAboveC = try table.double(
      "evaporator_defrost_above_c", .within(-40...40), default: s.evaporatorDefrostAboveC)
    s.evaporatorDefrostBelowC = try table.double(
      "evaporator_defrost_below_c", .within(-40...40), default: s.evaporatorDefrostBelowC)
    try check(s, table, criticalKey: "door_critical_minutes", belowKey: "evaporator_defrost_below_c")
    return s
  }

  /// Thresholds that contradict each other are refused rather than guessed at.
  private static func check(
    _ s: RoomConditionSettings, _ table: ConfigTable, criticalKey: String, belowKey: String
  ) throws(ConfigError) {
    if s.doorCriticalMinutes < s.doorWarningMinutes {
      throw table.invalid(criticalKey, "must not be shorter than the door warning minutes")
    }
    if s.doorPauseMaxMinutes > s.doorCriticalMinutes {
      throw table.invalid(criticalKey, "must not be shorter than the door pause maximum (an open door is never silent)")
    }
    if s.evaporatorDefrostBelowC >= s.evaporatorDefrostAboveC {
      throw table.invalid(belowKey, "must be below defrost_above_c (the hysteresis)")
    }
  }
}
