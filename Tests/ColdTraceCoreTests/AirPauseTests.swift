import Testing

@testable import ColdTraceCore

/// The cumulative caps on defrost and door pauses (`AirPause`), a reporting defrost input over the schedule, and a
/// retired input's spans (docs/alert-rules.md, "Defrost and doors").
@Suite("Air pause caps")
struct AirPauseTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T19:00:00Z")!  // 02:00 in +07:00
  private let settings = RoomConditionSettings()
  private let caps = AirPause(RoomConditionSettings())
  private let minute: Int64 = 60_000

  private func at(_ minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }

  private func door(_ from: Int64, _ to: Int64) -> AirPause.Window {
    AirPause.Window(
      signal: .door, spanStart: from * minute, spanEnd: to * minute, start: from * minute, end: to * minute)
  }

  private func defrost(_ from: Int64, _ to: Int64, window: Int64) -> AirPause.Window {
    AirPause.Window(
      signal: .defrost, spanStart: from * minute, spanEnd: to * minute, start: from * minute, end: window * minute)
  }

  /// Paused minutes in `[from, to)`.
  private func paused(_ intervals: [(start: Int64, end: Int64)], _ from: Int64, _ to: Int64) -> Int64 {
    intervals.reduce(0) { $0 + max(0, min($1.end, to * minute) - max($1.start, from * minute)) } / minute
  }

  @Test func doorPausesAddUpToHalfAnHourInAnyRollingHour() {
    // A door window every 6 minutes, each reaching the next (3 min open, 15 min bypass), for 5 hours.
    let windows = stride(from: Int64(0), to: 300, by: 6).map { door($0, $0 + 18) }
    let capped = caps.capped(windows)
    for from in stride(from: Int64(0), to: 300, by: 5) { #expect(paused(capped, from, from + 60) <= 30) }
    #expect(paused(capped, 0, 60) == 30)
    #expect(caps.pauses(windows, at: 29 * minute))
    #expect(!caps.pauses(windows, at: 31 * minute))
  }

  @Test func separateDoorOpeningsPauseAgainOnceTheHourHasRoom() {
    // Two 20-min windows 30 min apart, then one an hour later: 20 + 10 in the first hour, then 20 again.
    let capped = caps.capped([door(0, 20), door(30, 50), door(110, 130)])
    #expect(capped.map { $0.start / minute } == [0, 30, 110])
    #expect(capped.map { $0.end / minute } == [20, 40, 130])
  }

  @Test func atMostSixDefrostsPauseInAnyRolling24Hours() {
    // A defrost every 2 hours for two days: six of every 24 h pause, the others are normal air. The one at minute
    // 1440 still has six paused defrosts in the 24 h before it (from minute 0 on); the one at 1560 has five.
    let windows = stride(from: Int64(0), to: 2880, by: 120).map { defrost($0, $0 + 20, window: $0 + 80) }
    let capped = caps.capped(windows)
    #expect(capped.map { $0.start / minute } == [0, 120, 240, 360, 480, 600, 1560, 1680, 1800, 1920, 2040, 2160])
    for from in stride(from: Int64(0), to: 2880, by: 60) {
      #expect(capped.count { $0.start >= from * minute && $0.start < (from + 1440) * minute } <= 6)
    }
  }

  @Test func aDefrostKnownFromTwoSourcesCountsOnce() {
    // The controller's output and the evaporator probe see the same six defrosts: six defrosts, all pause.
    let windows = stride(from: Int64(0), to: 720, by: 120).flatMap {
      [defrost($0, $0 + 20, window: $0 + 80), defrost($0 + 2, $0 + 22, window: $0 + 82)]
    }
    #expect(caps.capped(windows).count == 6)
  }

  @Test func aReportingDefrostInputSilencesTheSchedule() {
    let schedule = DefrostSchedule(startMinutes: [150], minutes: 25, utcOffsetSeconds: 25_200)  // 02:30 local
    var conditions = RoomConditions()
    let input = SensorKey(site: "hx", room: "cold2", sensor: "cold2-defrost")
    for step in 0...40 {
      _ = conditions.process(
        input: Sample(seq: nil, ts: at(Double(step)), defrost: false), key: input, productID: "litchi",
        settings: settings)
    }
    #expect(conditions.defrostInputReports(at: at(35)))
    #expect(!conditions.pausesAirAlarms(at: at(35), schedule: schedule, settings: settings))
    // Silent since minute 40: from minute 55 on, the schedule speaks again (the next slot, a day later).
    #expect(!conditions.defrostInputReports(at: at(56)))
    #expect(conditions.pausesAirAlarms(at: at(1440 + 35), schedule: schedule, settings: settings))
    // Its slot is not recorded as a defrost while the input reports.
    #expect(conditions.recordSchedule(schedule, from: at(0), through: at(40)).isEmpty)
  }

  @Test func retiringAnInputEndsItsOpenSpansAndForgetsIt() {
    var conditions = RoomConditions()
    let input = SensorKey(site: "hx", room: "cold2", sensor: "cold2-defrost")
    _ = conditions.process(
      input: Sample(seq: nil, ts: at(0), defrost: true), key: input, productID: "litchi", settings: settings)
    #expect(conditions.open(.defrost) != nil)
    conditions.retire(sensor: "cold2-defrost", at: at(5))
    #expect(conditions.open(.defrost) == nil)
    #expect(conditions.spans.first?.span.end == at(5))
    #expect(!conditions.defrostInputReports(at: at(5)))
  }
}
