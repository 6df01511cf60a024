/// A defrost input's first and newest sample carrying `defrost`, as the collector saw them.
public struct DefrostInputReport: Sendable, Codable, Equatable {
  public var first: Timestamp
  public var last: Timestamp

  public init(first: Timestamp, last: Timestamp) {
    self.first = first
    self.last = last
  }

  /// How long after its newest sample an input still counts as reporting: 15 min, many times an agent's input
  /// interval (seconds to a minute), and the longest span one reading stands for (`LotEngine.maxReadingSpanMs`).
  public static let reportsForMs: Int64 = 15 * 60_000

  /// Whether the input reported at `ts`: from its first sample to `reportsForMs` after its newest.
  public func reports(at ts: Timestamp) -> Bool {
    first <= ts && ts.milliseconds <= last.milliseconds + Self.reportsForMs
  }
}

/// When a room's spans pause its air probes' high alarms (docs/alert-rules.md, "Defrost and doors").
extension RoomConditions {
  /// Whether a defrost input of the room reports at `ts` (see `DefrostInputReport`): then the room's defrost schedule
  /// pauses nothing, and its slots are not recorded as defrosts.
  public func defrostInputReports(at ts: Timestamp) -> Bool {
    defrostInputs?.values.contains { $0.reports(at: ts) } ?? false
  }

  /// Whether air-probe high alarms are paused at `ts`: in a defrost (up to its maximum) or its bypass after, in a door
  /// opening (up to its maximum) or its bypass after, a span that outlasted its maximum having no bypass; within the
  /// cumulative caps (`AirPause`). `schedule` is the room's defrost schedule, if it has one; it counts only while no
  /// defrost input reports.
  public func pausesAirAlarms(at ts: Timestamp, schedule: DefrostSchedule?, settings: RoomConditionSettings) -> Bool {
    let schedule = defrostInputReports(at: ts) ? nil : schedule
    // Most samples of a room fall in no span's window: those need no caps, nor any array (one runs per air sample).
    let t = ts.milliseconds
    let inSpan = spans.contains { tracked in
      guard tracked.span.source != .schedule else { return false }
      let window = settings.pauseWindow(tracked.span.signal, start: tracked.span.start, end: tracked.span.end)
      return window.start <= t && t < window.end
    }
    guard inSpan || schedule?.span(at: ts) != nil || schedule.map({ inBypass(of: $0, at: ts, settings) }) == true
    else { return false }
    let recorded = spans.lazy.filter { $0.span.source != .schedule }.map(\.span)
    let windows = Self.pauseWindows(recorded, schedule: schedule, around: ts, settings: settings)
    return AirPause(settings).pauses(windows, at: t)
  }

  /// Whether `ts` falls in the bypass after one of the schedule's defrosts.
  private func inBypass(of schedule: DefrostSchedule, at ts: Timestamp, _ settings: RoomConditionSettings) -> Bool {
    let reach = Double(settings.defrostBypassMs + settings.defrostMaxMs) / 1000
    return schedule.spans(from: ts.adding(seconds: -reach), to: ts).contains { start, end in
      let window = settings.pauseWindow(.defrost, start: start, end: end)
      return window.start <= ts.milliseconds && ts.milliseconds < window.end
    }
  }

  /// The pause windows of `spans` and of the schedule's defrosts over the `AirPause.lookbackMs` before `ts`.
  public static func pauseWindows(
    _ spans: some Sequence<RoomSpan>, schedule: DefrostSchedule?, around ts: Timestamp,
    settings: RoomConditionSettings
  ) -> [AirPause.Window] {
    var windows = spans.map { settings.pauseWindow($0.signal, start: $0.start, end: $0.end) }
    if let schedule {
      for (start, end) in schedule.spans(from: ts.adding(seconds: -Double(AirPause.lookbackMs) / 1000), to: ts) {
        windows.append(settings.pauseWindow(.defrost, start: start, end: end))
      }
    }
    return windows
  }
}
