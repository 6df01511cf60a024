import ColdTraceConfig
import ColdTraceCore

/// One `[[defrost_schedule]]` table: `times = ["02:00", "08:00", "14:00", "20:00"]`, `minutes = 20`,
/// `zone = "+07:00"` (the controller clock's offset from UTC; `Z` for UTC).
enum DefrostScheduleConfig {
  static func load(_ table: ConfigTable) throws(ConfigError) -> DefrostSchedule {
    try table.rejectUnknownKeys(allowed: ["room", "times", "minutes", "zone"])
    guard let times = try table.strings("times"), !times.isEmpty, times.count <= 48 else {
      throw table.invalid("times", "must list 1 to 48 local start times, e.g. [\"02:00\", \"14:00\"]")
    }
    var starts: [Int] = []
    for time in times {
      guard let minute = minuteOfDay(time) else {
        throw table.invalid("times", "has \"\(time)\", not a time of day written HH:MM (00:00 to 23:59)")
      }
      starts.append(minute)
    }
    starts.sort()
    let minutes = try table.requiredDouble("minutes", .within(1...240, "4 hours"))
    guard let zone = try table.string("zone") else {
      throw table.invalid("zone", "is required: the controller clock's offset from UTC, e.g. \"+07:00\"")
    }
    guard let offset = utcOffsetSeconds(zone) else {
      throw table.invalid("zone", "must be an offset from UTC written +HH:MM or -HH:MM (or Z)")
    }
    // Each defrost must end before the next one starts, across midnight too.
    for (index, start) in starts.enumerated() {
      let next = index + 1 < starts.count ? starts[index + 1] : starts[0] + 1440
      if Double(next - start) <= minutes {
        throw table.invalid("times", "has defrosts \(minutes) min long that run into each other")
      }
    }
    return DefrostSchedule(startMinutes: starts, minutes: minutes, utcOffsetSeconds: offset)
  }

  /// `"02:00"` → 120.
  static func minuteOfDay(_ text: String) -> Int? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
      let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
    else { return nil }
    return hour * 60 + minute
  }

  /// `"+07:00"` → 25,200; `"Z"` → 0.
  static func utcOffsetSeconds(_ text: String) -> Int? { UTCOffset.seconds(text) }
}
