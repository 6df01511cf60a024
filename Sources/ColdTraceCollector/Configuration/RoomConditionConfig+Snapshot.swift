import ColdTraceCore

extension RoomConditionConfig {
  /// The defrost and door settings as lines of the journal's `config_changed` snapshot: they decide when air-probe
  /// alarms pause, so an auditor must see them. The defaults under `defrost.*`, `doors.*`, `evaporator.*`; a room's
  /// overrides as `room_conditions <site>/<room>` and its schedule as `defrost_schedule <site>/<room>`.
  func addSnapshotSettings(to settings: inout [String: String]) {
    for (key, value) in Self.lines(defaults) { settings[key] = value }
    for (room, overridden) in rooms {
      settings["room_conditions \(room)"] = Self.lines(overridden).map { "\($0)=\($1)" }.joined(separator: " ")
    }
    for (room, schedule) in schedules {
      let times = schedule.startMinutes.map { minute in
        let (hour, rest) = (minute / 60, minute % 60)
        return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
      }
      let offset = schedule.utcOffsetSeconds
      settings["defrost_schedule \(room)"] =
        "\(times.joined(separator: ",")) \(JSONText.number(schedule.minutes)) min UTC\(offset < 0 ? "-" : "+")"
        + "\(abs(offset) / 3600)h\(abs(offset) % 3600 / 60 == 0 ? "" : "\(abs(offset) % 3600 / 60)m")"
    }
  }

  private static func lines(_ s: RoomConditionSettings) -> [(String, String)] {
    [
      ("defrost.bypass_minutes", s.defrostBypassMinutes), ("defrost.max_minutes", s.defrostMaxMinutes),
      ("doors.warning_minutes", s.doorWarningMinutes), ("doors.critical_minutes", s.doorCriticalMinutes),
      ("doors.pause_max_minutes", s.doorPauseMaxMinutes), ("doors.bypass_minutes", s.doorBypassMinutes),
      ("evaporator.defrost_above_c", s.evaporatorDefrostAboveC),
      ("evaporator.defrost_below_c", s.evaporatorDefrostBelowC),
      ("doors.pause_per_hour_max_minutes", s.doorPausePerHourMaxMinutes),
      ("defrost.per_day_max", Double(s.defrostPerDayMax)),
    ].map { ($0, JSONText.number($1)) }
  }
}
