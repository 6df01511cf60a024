/// A scheduled time of day when a scope's alerts are expected and not announced: the daily cleaning of a cold room,
/// a defrost the controller runs at fixed hours. Configured in the collector's `[[maintenance]]` tables, in the
/// cooperative's local time (`zone`, default +07:00), on some weekdays or every day.
///
/// Like a silence, a window only decides whether an alert event is handed to the notification program; it is judged
/// at the event's own time, so a backlog replayed later is judged as it would have been live.
public struct MaintenanceWindow: Sendable, Equatable {
  /// Days of the week, Sunday first (the order `days` values are checked in).
  public static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

  /// `maintenance:<name>`, or `maintenance:<n>` for the n-th table without a name: what alerts it covered record.
  public var id: String
  public var scope: SilenceScope
  /// The weekdays (0 = Sunday) on which the window starts; every day when all seven are set.
  public var days: Set<Int>
  /// Minutes after local midnight: the window is `[from, to)`, past midnight when `to` is before `from`.
  public var fromMinute: Int
  public var toMinute: Int
  /// The local time's offset east of UTC, in minutes.
  public var offsetMinutes: Int
  public var reason: String

  public init(
    id: String, scope: SilenceScope, days: Set<Int> = Set(0..<7), fromMinute: Int, toMinute: Int,
    offsetMinutes: Int = 420, reason: String
  ) {
    self.id = id
    self.scope = scope
    self.days = days
    self.fromMinute = fromMinute
    self.toMinute = toMinute
    self.offsetMinutes = offsetMinutes
    self.reason = reason
  }

  /// Whether an alert event at `key` and `time` falls in the window. A window past midnight belongs to the day it
  /// starts on: `days = ["mon"]`, 22:00–02:00 covers Monday 22:00 to Tuesday 02:00.
  public func covers(_ key: SensorKey, at time: Timestamp) -> Bool {
    guard scope.covers(key) else { return false }
    let localMinutes = Self.floorDivide(time.milliseconds + Int64(offsetMinutes) * 60_000, 60_000)
    let day = Self.floorDivide(localMinutes, 1440)
    let minute = Int(localMinutes - day * 1440)
    // 1970-01-01 was a Thursday (weekday 4).
    let weekday = Int(((day + 4) % 7 + 7) % 7)
    if fromMinute < toMinute { return days.contains(weekday) && minute >= fromMinute && minute < toMinute }
    if minute >= fromMinute { return days.contains(weekday) }
    return minute < toMinute && days.contains((weekday + 6) % 7)
  }

  /// One line for the configuration journal and logs: `hongxuan/cold2 mon,thu 06:00-07:30 +07:00: cleaning`.
  public var summary: String {
    let days = self.days.count == 7 ? "daily" : self.days.sorted().map { Self.dayNames[$0] }.joined(separator: ",")
    let zone = (offsetMinutes < 0 ? "-" : "+") + Self.clock(abs(offsetMinutes))
    return "\(scope) \(days) \(Self.clock(fromMinute))-\(Self.clock(toMinute)) \(zone): \(reason)"
  }

  /// Minutes after midnight as `HH:MM`.
  public static func clock(_ minutes: Int) -> String {
    let hours = minutes / 60
    let rest = minutes % 60
    return (hours < 10 ? "0" : "") + String(hours) + ":" + (rest < 10 ? "0" : "") + String(rest)
  }

  /// `HH:MM` (00:00–23:59) as minutes after midnight; `nil` otherwise.
  public static func minutes(of text: String) -> Int? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
    else { return nil }
    return hours * 60 + minutes
  }

  /// `+07:00`, `-05:30` or `Z` as minutes east of UTC (at most 14 hours either way); `nil` otherwise.
  public static func offset(of text: String) -> Int? {
    if text == "Z" { return 0 }
    guard let sign = text.first, sign == "+" || sign == "-", let minutes = minutes(of: String(text.dropFirst())),
      minutes <= 14 * 60
    else { return nil }
    return sign == "-" ? -minutes : minutes
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
  }
}
