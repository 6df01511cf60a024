/// Whether a set of maintenance windows leaves every scope they cover watched for part of each day
/// (docs/alert-rules.md, "Silences and maintenance windows"): windows that together cover a scope for a whole day
/// would silence it forever, so the collector config refuses them.
///
/// Windows repeat weekly, so the check runs on the minutes of one week (in UTC, each window shifted by its zone):
/// for each scope a window names, the windows whose scope contains it (the site's, the room's, its own) must leave at
/// least `minimumUncoveredMinutes` uncovered in every 24 hours, wherever those 24 hours start.
public enum MaintenanceCoverage {
  /// The least time a day, in minutes, that windows must leave a scope unsilenced: 60.
  public static let minimumUncoveredMinutes = 60

  /// A scope covered for too much of some 24 hours.
  public struct Violation: Sendable, Equatable {
    public var scope: SilenceScope
    /// The ids of the windows that cover it, in config order.
    public var windows: [String]
    /// The fewest minutes left uncovered in a 24 h stretch, and where (minutes after Sunday 00:00 UTC) it starts.
    public var uncoveredMinutes: Int
    public var fromMinuteOfWeek: Int
  }

  private static let week = 7 * 1440

  /// The first scope, in config order, that `windows` cover for more than 24 h less `minimumUncoveredMinutes`.
  public static func firstViolation(_ windows: [MaintenanceWindow]) -> Violation? {
    var checked = Set<SilenceScope>()
    for scope in windows.map(\.scope) where checked.insert(scope).inserted {
      let covering = windows.filter { contains($0.scope, scope) }
      let (uncovered, from) = leastUncoveredDay(covering)
      if uncovered < minimumUncoveredMinutes {
        return Violation(
          scope: scope, windows: covering.map(\.id), uncoveredMinutes: uncovered, fromMinuteOfWeek: from)
      }
    }
    return nil
  }

  /// Whether everything in `inner` falls in `outer` (a site contains its rooms, a room its probes).
  static func contains(_ outer: SilenceScope, _ inner: SilenceScope) -> Bool {
    outer.site == inner.site && (outer.room == nil || outer.room == inner.room)
      && (outer.sensor == nil || outer.sensor == inner.sensor)
  }

  /// The fewest uncovered minutes in any 1,440 consecutive minutes of the week, and where that stretch starts.
  static func leastUncoveredDay(_ windows: [MaintenanceWindow]) -> (minutes: Int, from: Int) {
    var covered = [Bool](repeating: false, count: week)
    for window in windows {
      let length = (window.toMinute - window.fromMinute + 1440) % 1440
      for day in window.days {
        let start = day * 1440 + window.fromMinute - window.offsetMinutes
        for minute in start..<(start + length) { covered[((minute % week) + week) % week] = true }
      }
    }
    // Uncovered minutes in [m, m + 1440), cyclic over the week, by a sliding count.
    var uncovered = (0..<1440).count { !covered[$0] }
    var least = (uncovered, 0)
    for start in 1..<week {
      if !covered[start - 1] { uncovered -= 1 }
      if !covered[(start + 1439) % week] { uncovered += 1 }
      if uncovered < least.0 { least = (uncovered, start) }
    }
    return least
  }
}
