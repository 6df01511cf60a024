/// A site's clock for people: an IANA time zone's name and its offset from UTC at every instant, as a table of the
/// moments the offset changed (daylight saving time, a country changing its zone). Reports, `status` and `alerts`
/// show times in it; machine timestamps stay UTC.
///
/// The core reads no time zone database: the shell builds the table from the system's (`SiteTimeZone.named` in the
/// collector's configuration) and tests build it by hand. Offsets are looked up per instant, so a zone with daylight
/// saving time gives each time its own offset.
public struct SiteTimeZone: Sendable, Hashable, CustomStringConvertible {
  /// One offset, in force from `start` (milliseconds since the epoch) until the next change.
  public struct Change: Sendable, Hashable {
    public var start: Int64
    public var offsetSeconds: Int

    public init(start: Int64, offsetSeconds: Int) {
      self.start = start
      self.offsetSeconds = offsetSeconds
    }
  }

  /// `Asia/Ho_Chi_Minh`, `Europe/Berlin`, `UTC`, or `UTC+07:00` for a fixed offset.
  public let identifier: String
  /// The offset before the first change.
  public let initialOffsetSeconds: Int
  /// Sorted by `start`.
  public let changes: [Change]

  public init(identifier: String, initialOffsetSeconds: Int, changes: [Change] = []) {
    self.identifier = identifier
    self.initialOffsetSeconds = initialOffsetSeconds
    self.changes = changes.sorted { $0.start < $1.start }
  }

  /// The default site zone's name: Vietnam's, +07:00 without daylight saving time.
  public static let defaultIdentifier = "Asia/Ho_Chi_Minh"

  /// UTC, for `--utc`.
  public static let utc = SiteTimeZone(identifier: "UTC", initialOffsetSeconds: 0)

  /// Asia/Ho_Chi_Minh since 1975 (+07:00), for tests and for when no zone database is at hand.
  public static let vietnam = SiteTimeZone(identifier: defaultIdentifier, initialOffsetSeconds: 7 * 3600)

  /// A fixed offset east of UTC, named `UTC+07:00` (`UTC` for zero).
  public static func fixed(offsetMinutes: Int) -> SiteTimeZone {
    offsetMinutes == 0
      ? utc : SiteTimeZone(identifier: "UTC" + offsetText(offsetMinutes * 60), initialOffsetSeconds: offsetMinutes * 60)
  }

  /// Seconds east of UTC at `time`.
  public func offsetSeconds(at time: Timestamp) -> Int { offsetPeriod(at: time.milliseconds).offsetSeconds }

  /// The offset at `milliseconds` and the period it holds for, `[from, until)` (milliseconds since the epoch): a loop
  /// over many times in order looks the zone up again only when it leaves the period.
  public func offsetPeriod(at milliseconds: Int64) -> (offsetSeconds: Int, from: Int64, until: Int64) {
    var low = 0
    var high = changes.count
    while low < high {
      let middle = (low + high) / 2
      if changes[middle].start <= milliseconds { low = middle + 1 } else { high = middle }
    }
    let until = low < changes.count ? changes[low].start : Int64.max
    return low == 0
      ? (initialOffsetSeconds, Int64.min, until) : (changes[low - 1].offsetSeconds, changes[low - 1].start, until)
  }

  /// Minutes east of UTC at `time` (zones off by seconds, before 1900, are rounded down to the minute).
  public func offsetMinutes(at time: Timestamp) -> Int {
    Int(Int64(offsetSeconds(at: time)).floorDivided(by: 60).quotient)
  }

  /// `+07:00` at `time`, as RFC 3339 writes an offset.
  public func offsetText(at time: Timestamp) -> String { Self.offsetText(offsetMinutes(at: time) * 60) }

  /// `time` as RFC 3339 at this zone's offset, with milliseconds: `2026-06-12T08:00:00.000+07:00` (UTC: `…Z`).
  public func rfc3339(_ time: Timestamp) -> String {
    guard identifier != "UTC" else { return time.rfc3339 }
    let minutes = offsetMinutes(at: time)
    let local = Timestamp(milliseconds: time.milliseconds + Int64(minutes) * 60_000).rfc3339
    return String(local.dropLast()) + Self.offsetText(minutes * 60)
  }

  /// The first instant of the local day `time` falls in.
  public func startOfDay(containing time: Timestamp) -> Timestamp {
    let day: Int64 = 86_400_000
    let localMidnight =
      (time.milliseconds + Int64(offsetSeconds(at: time)) * 1000).floorDivided(by: day).quotient * day
    // The offset in force at that midnight (a change during the day moved it).
    let guess = localMidnight - Int64(offsetSeconds(at: time)) * 1000
    return Timestamp(milliseconds: localMidnight - Int64(offsetSeconds(at: Timestamp(milliseconds: guess))) * 1000)
  }

  /// The first instant of the local day after the one `time` falls in.
  public func startOfNextDay(after time: Timestamp) -> Timestamp {
    // 26 hours after the day's start is always inside the next day, whatever the change that day.
    startOfDay(containing: Timestamp(milliseconds: startOfDay(containing: time).milliseconds + 26 * 3_600_000))
  }

  /// The offsets in force between `from` and `to`, oldest first, each once: `["+07:00"]`, `["+01:00", "+02:00"]`.
  public func offsets(from: Timestamp, to: Timestamp) -> [String] {
    var seconds = [offsetSeconds(at: from)]
    for change in changes where change.start > from.milliseconds && change.start <= to.milliseconds {
      if !seconds.contains(change.offsetSeconds) { seconds.append(change.offsetSeconds) }
    }
    return seconds.map(Self.offsetText)
  }

  /// How a page states its zone: `Asia/Ho_Chi_Minh (+07:00)`, `Europe/Berlin (+01:00, +02:00)` when the period spans a
  /// change, `UTC`, `UTC+07:00` (a fixed offset names itself).
  public func label(from: Timestamp, to: Timestamp) -> String {
    guard !identifier.hasPrefix("UTC") else { return identifier }
    return "\(identifier) (\(offsets(from: from, to: to).joined(separator: ", ")))"
  }

  /// `label` at one instant.
  public func label(at time: Timestamp) -> String { label(from: time, to: time) }

  public var description: String { identifier }

  /// `+07:00`, `-05:30`, `+00:00` for seconds east of UTC (whole minutes).
  public static func offsetText(_ seconds: Int) -> String {
    let minutes = abs(Int(Int64(seconds).floorDivided(by: 60).quotient))
    let hours = minutes / 60
    let rest = minutes % 60
    return (seconds < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
  }
}
