import ColdTraceCore

/// How much of each defrost and door opening the report leaves out when it judges a lot on air probes (a room without
/// a product or simulant probe): the one place these maxima are set (docs/alert-rules.md, "Reports").
///
/// A room controller stops its temperature alarms during a defrost and for a while after it (the bypass after
/// defrost), and ends a defrost that runs past its maximum; a door opening is tolerated for a few minutes. The report
/// does the same for the air, but never without bound: past the maximum the air counts again, so a defrost that
/// never ends or a door left open is judged like any other excursion.
public enum ReportSpanLimits {
  /// A defrost is left out from its start for at most this long (controllers' maxima are 30–45 min).
  public static let defrostMaximumMinutes = 60.0
  /// After a defrost that ended within its maximum, the air's recovery is left out for this long too.
  public static let afterDefrostMinutes = 30.0
  /// A door opening is left out from its start for at most this long.
  public static let doorMaximumMinutes = 15.0
  /// Door openings are left out for at most this long in any rolling hour, all together (the collector's default).
  public static let doorMinutesPerHour = RoomConditionSettings().doorPausePerHourMaxMinutes
  /// At most this many defrosts are left out in any rolling 24 hours (the collector's default); further ones count.
  public static let defrostsPerDay = RoomConditionSettings().defrostPerDayMax

  static let minute: Int64 = 60_000

  /// The longest stretch of `signal` left out, in minutes.
  public static func maximumMinutes(_ signal: RoomSignal) -> Double {
    signal == .defrost ? defrostMaximumMinutes : doorMaximumMinutes
  }

  /// The window of `span` an air probe does not speak for: [start, start + maximum) cut at the span's end, plus the
  /// recovery after a defrost that ended within its maximum.
  static func excludedWindow(_ span: StayRoomSpan) -> PeakSpan {
    let start = span.span.start.milliseconds
    let end = span.end.milliseconds
    let maximum = start + Int64(maximumMinutes(span.span.signal)) * minute
    guard span.span.signal == .defrost, end <= maximum else {
      return PeakSpan(start: start, end: min(end, maximum), peak: 0)
    }
    return PeakSpan(start: start, end: end + Int64(afterDefrostMinutes) * minute, peak: 0)
  }

  /// What `spans` leave out of the air probes' judgement, within the cumulative caps (`AirPause`): the windows
  /// (sorted, disjoint), and the spans that leave something out.
  static func excluded(_ spans: [StayRoomSpan]) -> (windows: [PeakSpan], leaving: [StayRoomSpan]) {
    let own = spans.map { span in
      let window = excludedWindow(span)
      return AirPause.Window(
        signal: span.span.signal, spanStart: span.span.start.milliseconds, spanEnd: span.end.milliseconds,
        start: window.start, end: window.end)
    }
    let caps = AirPause(doorMsPerHour: Int64(doorMinutesPerHour * 60_000), defrostsPerDay: defrostsPerDay)
    let windows = caps.capped(own).map { PeakSpan(start: $0.start, end: $0.end, peak: 0) }
    let leaving = zip(spans, own).filter { _, window in
      windows.contains { $0.start < window.end && window.start < $0.end }
    }.map(\.0)
    return (windows, leaving)
  }

  /// Minutes of `span` past its maximum: counted against the lot in an air-only room.
  public static func minutesOverMaximum(_ span: StayRoomSpan) -> Double {
    max(0, span.minutes - maximumMinutes(span.span.signal))
  }
}
