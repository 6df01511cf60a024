import ColdTraceConfig
import ColdTraceCore

extension CollectorConfigFile {
  /// Reads the `[[maintenance]]` tables: scheduled windows when a scope's alerts are recorded but not notified
  /// (docs/alert-rules.md, "Silences and maintenance windows"). Every value is checked; the first bad one is refused
  /// with its file and key.
  static func maintenanceWindows(_ config: ConfigTable) throws(ConfigError) -> [MaintenanceWindow] {
    var windows: [MaintenanceWindow] = []
    for (index, table) in try config.tables("maintenance").enumerated() {
      try table.rejectUnknownKeys(allowed: ["name", "scope", "days", "from", "to", "zone", "reason"])
      var id = "maintenance:\(index + 1)"
      if let name = try table.string("name") {
        guard Identifier.isValid(name, as: .room) else {
          throw table.invalid("name", "must be an id (1–64 characters of A-Z a-z 0-9 . _ -)")
        }
        id = "maintenance:\(name)"
        guard !windows.contains(where: { $0.id == id }) else { throw table.invalid("name", "is used twice") }
      }
      guard let scopeText = try table.string("scope") else { throw table.invalid("scope", "is missing") }
      let scope: SilenceScope
      do {
        scope = try SilenceScope.parse(scopeText)
      } catch {
        throw table.invalid("scope", "\(error)")
      }
      let from = try minutes(table, "from")
      let to = try minutes(table, "to")
      guard from != to else { throw table.invalid("to", "must differ from `from` (a window past midnight is fine)") }
      var offset = 7 * 60
      if let zone = try table.string("zone") {
        guard let minutes = MaintenanceWindow.offset(of: zone) else {
          throw table.invalid("zone", "must be a UTC offset such as \"+07:00\" or \"Z\" (got \"\(zone)\")")
        }
        offset = minutes
      }
      guard let reason = try table.string("reason"), !reason.allSatisfy(\.isWhitespace), reason.count <= 200 else {
        throw table.invalid("reason", "must say why, in 1–200 characters")
      }
      windows.append(
        MaintenanceWindow(
          id: id, scope: scope, days: try days(table), fromMinute: from, toMinute: to, offsetMinutes: offset,
          reason: reason))
    }
    try checkCoverage(windows, config)
    return windows
  }

  /// Windows that together leave a scope less than an hour a day unsilenced would hide its alarms for good: refused,
  /// naming the windows and the worst 24 hours.
  private static func checkCoverage(_ windows: [MaintenanceWindow], _ config: ConfigTable) throws(ConfigError) {
    guard let violation = MaintenanceCoverage.firstViolation(windows) else { return }
    let minute = violation.fromMinuteOfWeek
    let from = "\(MaintenanceWindow.dayNames[minute / 1440]) \(MaintenanceWindow.clock(minute % 1440)) UTC"
    let minimum = MaintenanceCoverage.minimumUncoveredMinutes
    throw ConfigError(
      "\(config.path): [[maintenance]] windows \(violation.windows.joined(separator: ", ")) together leave "
        + "\(violation.scope) only \(violation.uncoveredMinutes) min unsilenced in the 24 h from \(from); "
        + "leave at least \(minimum) min a day uncovered")
  }

  private static func minutes(_ table: ConfigTable, _ key: String) throws(ConfigError) -> Int {
    guard let text = try table.string(key) else { throw table.invalid(key, "is missing (a local time, \"06:00\")") }
    guard let minutes = MaintenanceWindow.minutes(of: text) else {
      throw table.invalid(key, "must be a time of day written \"HH:MM\", 00:00 to 23:59 (got \"\(text)\")")
    }
    return minutes
  }

  private static func days(_ table: ConfigTable) throws(ConfigError) -> Set<Int> {
    guard let names = try table.strings("days") else { return Set(0..<7) }
    guard !names.isEmpty else { throw table.invalid("days", "must name at least one day (leave it out for every day)") }
    var days = Set<Int>()
    for name in names {
      guard let day = MaintenanceWindow.dayNames.firstIndex(of: name) else {
        let known = MaintenanceWindow.dayNames.joined(separator: ", ")
        throw table.invalid("days", "must be days among \(known) (got \"\(name)\")")
      }
      days.insert(day)
    }
    return days
  }
}
