/// When a room's defrosts and door openings pause its air probes' high alarms, once the cumulative caps are applied
/// (docs/alert-rules.md, "Defrost and doors"): the one place that decides it for the live rules, the lot catch-up and
/// the report.
///
/// Each span pauses for a window of its own (its maximum and bypass for the collector, the report's maxima for the
/// report); many short spans in a row could still pause a room almost all the time, so on top of that:
///
/// - **defrosts**: a defrost pauses only when fewer than `defrostsPerDay` of the defrosts that paused began in the
///   24 hours before it (defrosts known from several sources that overlap count once); a further one is judged as
///   normal air. So at most `defrostsPerDay` defrosts pause in any rolling 24 hours, and a controller defrosting
///   eight times a day still has six of them paused each day;
/// - **doors**: door windows (overlapping ones united) pause, oldest first, only while the door pauses in the hour
///   before add up to less than `doorMsPerHour`: each is cut to what is left of that allowance. So door pauses add up
///   to at most `doorMsPerHour` in any rolling hour.
///
/// The caps look back `lookbackMs` from the time judged and no further, so the live path (which keeps 48 h of spans)
/// and a catch-up over stored spans decide alike.
public struct AirPause: Sendable, Equatable {
  /// One span's own pause window `[start, end)` (milliseconds), and the span it belongs to (`spanEnd` is the span's
  /// end, or the window's end while it lasts).
  public struct Window: Sendable, Equatable {
    public var signal: RoomSignal
    public var spanStart: Int64
    public var spanEnd: Int64
    public var start: Int64
    public var end: Int64

    public init(signal: RoomSignal, spanStart: Int64, spanEnd: Int64, start: Int64, end: Int64) {
      (self.signal, self.spanStart, self.spanEnd, self.start, self.end) = (signal, spanStart, spanEnd, start, end)
    }
  }

  /// The most door pause in any rolling hour, in milliseconds.
  public var doorMsPerHour: Int64
  /// The most defrosts that pause in any rolling 24 hours.
  public var defrostsPerDay: Int

  public static let hourMs: Int64 = 3_600_000
  public static let dayMs: Int64 = 86_400_000
  /// How far back spans count: the 24 h of the defrost count, and a day more for windows begun before it.
  public static let lookbackMs: Int64 = 2 * dayMs

  public init(doorMsPerHour: Int64, defrostsPerDay: Int) {
    self.doorMsPerHour = doorMsPerHour
    self.defrostsPerDay = defrostsPerDay
  }

  /// The caps of a room's settings (`[doors] pause_per_hour_max_minutes`, `[defrost] per_day_max`).
  public init(_ settings: RoomConditionSettings) {
    self.init(
      doorMsPerHour: RoomConditionSettings.ms(settings.doorPausePerHourMaxMinutes),
      defrostsPerDay: settings.defrostPerDayMax)
  }

  /// Whether `windows` pause at `ts` once capped; only windows whose span began within `lookbackMs` before `ts` count.
  public func pauses(_ windows: [Window], at ts: Int64) -> Bool {
    // Most samples fall in no window at all: decide those without the caps.
    guard windows.contains(where: { $0.start <= ts && ts < $0.end }) else { return false }
    let recent = windows.filter { $0.spanStart >= ts - Self.lookbackMs && $0.spanStart <= ts }
    return capped(recent).contains { $0.start <= ts && ts < $0.end }
  }

  /// The pause that `windows` leave once capped: sorted, disjoint `[start, end)` intervals.
  public func capped(_ windows: [Window]) -> [(start: Int64, end: Int64)] {
    Self.union(
      cappedDefrosts(windows.filter { $0.signal == .defrost }) + cappedDoors(windows.filter { $0.signal == .door }))
  }

  /// The windows of the defrosts that pass the daily count, oldest first: defrosts are the spans united where they
  /// overlap.
  func cappedDefrosts(_ windows: [Window]) -> [(start: Int64, end: Int64)] {
    let sorted = windows.sorted { ($0.spanStart, $0.spanEnd) < ($1.spanStart, $1.spanEnd) }
    var pausingStarts: [Int64] = []  // one per distinct defrost that pauses, ascending
    var lastEnd = Int64.min
    var pausing: [(start: Int64, end: Int64)] = []
    var currentPauses = false
    for window in sorted {
      if window.spanStart > lastEnd {
        let before = pausingStarts.count { $0 >= window.spanStart - Self.dayMs && $0 < window.spanStart }
        currentPauses = before < defrostsPerDay
        if currentPauses { pausingStarts.append(window.spanStart) }
      }
      lastEnd = max(lastEnd, window.spanEnd)
      if currentPauses { pausing.append((window.start, window.end)) }
    }
    return pausing
  }

  /// Door windows united, oldest first, each cut to what is left of the hour's allowance.
  func cappedDoors(_ windows: [Window]) -> [(start: Int64, end: Int64)] {
    var pausing: [(start: Int64, end: Int64)] = []
    for merged in Self.union(windows.map { ($0.start, $0.end) }) {
      let used = pausing.reduce(Int64(0)) { total, piece in
        total + max(0, min(piece.end, merged.start) - max(piece.start, merged.start - Self.hourMs))
      }
      let allowed = doorMsPerHour - used
      guard allowed > 0 else { continue }
      pausing.append((merged.start, min(merged.end, merged.start + allowed)))
    }
    return pausing
  }

  /// Intervals united where they overlap or touch, sorted.
  static func union(_ intervals: [(start: Int64, end: Int64)]) -> [(start: Int64, end: Int64)] {
    var result: [(start: Int64, end: Int64)] = []
    for interval in intervals.sorted(by: { $0.start < $1.start }) where interval.end > interval.start {
      if let last = result.last, interval.start <= last.end {
        result[result.count - 1].end = max(last.end, interval.end)
      } else {
        result.append(interval)
      }
    }
    return result
  }
}
