import ColdTraceCore
import ColdTraceStorage

/// A room's defrost and door pauses over readings already stored (docs/alert-rules.md, "Defrost and doors"), for the
/// lot rules run outside the live path (`LotRuleRunner.catchUp`): the spans in `room_spans`, the config's schedule
/// and settings, and the room's saved defrost inputs, judged by the same `AirPause` as live, so a catch-up spends no
/// budget the live rules would not have.
struct StoredRoomPauses {
  let settings: RoomConditionSettings
  let schedule: DefrostSchedule?
  /// The windows of the spans an input or an evaporator probe showed, by span start.
  let recorded: [AirPause.Window]
  /// The room's saved state: which defrost inputs report when.
  let saved: RoomConditions?

  init(site: String, room: String, from: Timestamp, config: RoomConditionConfig, tx: WriteTransaction) throws {
    let settings = config.settings(site: site, room: room)
    self.settings = settings
    schedule = config.schedule(site: site, room: room)
    let since = Timestamp(milliseconds: from.milliseconds - AirPause.lookbackMs)
    recorded = try tx.roomSpans(site: site, room: room, from: since, to: nil)
      .filter { $0.source != .schedule }
      .map { settings.pauseWindow($0.signal, start: $0.start, end: $0.end) }
      .sorted { $0.spanStart < $1.spanStart }
    saved = try tx.roomConditions(ofSite: site).first { $0.room == room }?.conditions
  }

  /// Whether an air probe's reading at `ts` falls in a pause, as the live rules decide it.
  func pausesAirAlarms(at ts: Timestamp) -> Bool {
    guard !recorded.isEmpty || schedule != nil else { return false }
    let lower = firstIndex { $0.spanStart >= ts.milliseconds - AirPause.lookbackMs }
    let upper = firstIndex { $0.spanStart > ts.milliseconds }
    let spanSchedule = saved?.defrostInputReports(at: ts) == true ? nil : schedule
    var windows = Array(recorded[lower..<max(lower, upper)])
    windows += RoomConditions.pauseWindows([RoomSpan](), schedule: spanSchedule, around: ts, settings: settings)
    return AirPause(settings).pauses(windows, at: ts.milliseconds)
  }

  /// The first index of `recorded` whose window satisfies `predicate` (monotone in span start), by bisection.
  private func firstIndex(_ predicate: (AirPause.Window) -> Bool) -> Int {
    var (low, high) = (0, recorded.count)
    while low < high {
      let middle = (low + high) / 2
      if predicate(recorded[middle]) { high = middle } else { low = middle + 1 }
    }
    return low
  }
}
