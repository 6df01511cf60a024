import Testing

@testable import ColdTraceCore

/// The room's defrosts and doors as a pure state (docs/alert-rules.md, "Defrost and doors"): every edge of the pause,
/// the maximums and their alerts, lookups at a sample's own time, the schedule and evaporator recognition.
@Suite("Room conditions")
struct RoomConditionsTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let settings = RoomConditionSettings()
  private let input = SensorKey(site: "hx", room: "cold2", sensor: "cold2-defrost")
  private let door = SensorKey(site: "hx", room: "cold2", sensor: "cold2-door")
  private let coil = SensorKey(site: "hx", room: "cold2", sensor: "coil")

  private func at(_ minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }

  /// Feeds `key`'s input every minute from `from` to `to` (minutes), `on` inside `onFrom..<onTo`.
  @discardableResult
  private func feed(
    _ conditions: inout RoomConditions, _ key: SensorKey, from: Int, to: Int, on: Range<Int>
  ) -> [RoomConditionEvent] {
    var events: [RoomConditionEvent] = []
    for minute in from...to {
      let state = on.contains(minute)
      let sample =
        key == door
        ? Sample(seq: nil, ts: at(Double(minute)), doorOpen: state)
        : Sample(seq: nil, ts: at(Double(minute)), defrost: state)
      events += conditions.process(input: sample, key: key, productID: "litchi", settings: settings)
    }
    return events
  }

  private func paused(_ conditions: RoomConditions, _ minutes: Double, schedule: DefrostSchedule? = nil) -> Bool {
    conditions.pausesAirAlarms(at: at(minutes), schedule: schedule, settings: settings)
  }

  private func alerts(_ events: [RoomConditionEvent]) -> [AlertEvent] {
    events.compactMap { if case .alert(let alert) = $0 { alert } else { nil } }
  }

  @Test func aDefrostPausesFromItsStartToTheEndOfItsBypass() {
    var conditions = RoomConditions()
    let events = feed(&conditions, input, from: 0, to: 120, on: 10..<30)
    #expect(events.count == 2, "one span began, one ended, no alert")
    #expect(!paused(conditions, 9.99))
    #expect(paused(conditions, 10))
    #expect(paused(conditions, 29.9))
    #expect(paused(conditions, 30 + 59.99), "the after-defrost bypass")
    #expect(!paused(conditions, 90))
    #expect(conditions.open(.defrost) == nil)
  }

  @Test func aDefrostPastItsMaximumRaisesAnOverrunAndPausesNoLonger() {
    var conditions = RoomConditions()
    let events = feed(&conditions, input, from: 0, to: 80, on: 0..<70)
    let raised = alerts(events)
    #expect(raised.map(\.kind) == [.defrostOverrun, .defrostOverrun])
    #expect(raised.map(\.type) == [.opened, .resolved])
    #expect(raised.first?.at == at(46), "the first sample past 45 min")
    #expect(raised.first?.severity == .warning)
    #expect(raised.last?.at == at(70), "resolved when the defrost ends")
    #expect(paused(conditions, 44.9))
    #expect(!paused(conditions, 45))
    #expect(!paused(conditions, 75), "no bypass after an overrun")
  }

  @Test func anOpenDefrostWhoseInputFellSilentPausesUpToItsMaximumOnly() {
    var conditions = RoomConditions()
    feed(&conditions, input, from: 0, to: 5, on: 0..<10)
    #expect(conditions.open(.defrost) != nil)
    #expect(paused(conditions, 44))
    #expect(!paused(conditions, 46))
  }

  @Test func aDoorWarnsThenEscalatesAndResolvesWhenItCloses() {
    var conditions = RoomConditions()
    let raised = alerts(feed(&conditions, door, from: 0, to: 40, on: 5..<30))
    #expect(raised.map(\.type) == [.opened, .escalated, .resolved])
    #expect(raised.map(\.kind) == [.doorOpen, .doorOpen, .doorOpen])
    #expect(raised.map(\.severity) == [.warning, .critical, .critical])
    #expect(raised.map(\.at) == [at(13), at(15), at(30)])
    #expect(raised.allSatisfy { $0.key == door })
    // Paused from the opening for at most 10 min; no bypass after a door that outlasted it.
    #expect(paused(conditions, 5))
    #expect(paused(conditions, 14.9))
    #expect(!paused(conditions, 15))
    #expect(!paused(conditions, 31))
  }

  @Test func aBriefDoorOpeningPausesUntilItsBypassEnds() {
    var conditions = RoomConditions()
    #expect(alerts(feed(&conditions, door, from: 0, to: 60, on: 5..<11)).isEmpty)
    #expect(paused(conditions, 11 + 14.9))
    #expect(!paused(conditions, 11 + 15))
  }

  @Test func aSampleJudgedLateIsLookedUpAtItsOwnTime() {
    var conditions = RoomConditions()
    feed(&conditions, input, from: 0, to: 600, on: 100..<120)
    feed(&conditions, door, from: 0, to: 600, on: 300..<305)
    // Long after, the probe sample of minute 110 is still judged in the defrost, that of 200 not.
    #expect(paused(conditions, 110))
    #expect(!paused(conditions, 200))
    #expect(paused(conditions, 310))
    // An input sample older than the input's newest changes nothing.
    let stale = conditions.process(
      input: Sample(seq: nil, ts: at(400), defrost: true), key: input, productID: "litchi", settings: settings)
    #expect(stale.isEmpty)
    #expect(!paused(conditions, 400))
  }

  @Test func closedSpansAreForgottenAfterTheHistoryButOpenOnesAreKept() {
    var conditions = RoomConditions()
    feed(&conditions, input, from: 0, to: 30, on: 5..<25)
    feed(&conditions, door, from: 0, to: 30, on: 20..<40)
    let later = Int(RoomConditions.historyMs / 60_000) + 100
    feed(&conditions, input, from: later, to: later, on: 0..<0)
    #expect(conditions.spans.count == 1)
    #expect(conditions.open(.door) != nil)
  }

  @Test func aScheduleAcrossLocalMidnightInPlusSeven() {
    // 23:50 local (+07:00) is 16:50 UTC; 20 minutes run to 00:10 local.
    let schedule = DefrostSchedule(startMinutes: [23 * 60 + 50, 11 * 60 + 50], minutes: 20, utcOffsetSeconds: 25_200)
    let midnight = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
    let span = schedule.span(at: midnight)
    #expect(span?.start == Timestamp.parseRFC3339("2026-06-12T16:50:00Z"))
    #expect(span?.end == Timestamp.parseRFC3339("2026-06-12T17:10:00Z"))
    #expect(schedule.span(at: Timestamp.parseRFC3339("2026-06-12T17:10:00Z")!) == nil)
    let day = schedule.spans(
      from: Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!, to: Timestamp.parseRFC3339("2026-06-13T17:00:00Z")!)
    #expect(
      day.map(\.start.rfc3339) == [
        "2026-06-12T16:50:00.000Z", "2026-06-13T04:50:00.000Z",
        "2026-06-13T16:50:00.000Z",
      ])
    let empty = RoomConditions()
    let minute = { (text: String) in
      empty.pausesAirAlarms(at: Timestamp.parseRFC3339(text)!, schedule: schedule, settings: settings)
    }
    #expect(!minute("2026-06-12T16:49:59Z"))
    #expect(minute("2026-06-12T16:50:00Z"))
    #expect(minute("2026-06-12T18:09:59Z"), "in the bypass, an hour after the 00:10 local end")
    #expect(!minute("2026-06-12T18:10:00Z"))
  }

  @Test func scheduledDefrostsAreRecordedOnceEachAsTheirStartIsReached() {
    let schedule = DefrostSchedule(startMinutes: [2 * 60, 14 * 60], minutes: 20, utcOffsetSeconds: 25_200)
    var conditions = RoomConditions()
    // 02:05 local: the 02:00 defrost is running, recorded whole.
    let first = conditions.recordSchedule(schedule, through: Timestamp.parseRFC3339("2026-06-12T19:05:00Z")!)
    #expect(first.count == 1)
    if case .began(let span, _) = first.first {
      #expect(span.source == .schedule)
      #expect(span.end == Timestamp.parseRFC3339("2026-06-12T19:20:00Z"))
    }
    #expect(conditions.recordSchedule(schedule, through: Timestamp.parseRFC3339("2026-06-12T19:10:00Z")!).isEmpty)
    // A day later: the 14:00 and the next 02:00.
    let next = conditions.recordSchedule(schedule, through: Timestamp.parseRFC3339("2026-06-13T19:10:00Z")!)
    #expect(next.count == 2)
    // A first batch that reaches back (an outbox catching up) records the defrosts since its oldest sample.
    var caughtUp = RoomConditions()
    let back = caughtUp.recordSchedule(
      schedule, from: Timestamp.parseRFC3339("2026-06-12T06:00:00Z")!,
      through: Timestamp.parseRFC3339("2026-06-12T19:05:00Z")!)
    #expect(back.count == 2, "14:00 local (07:00Z) and 02:00 local (19:00Z)")
  }

  @Test func anEvaporatorProbeStartsAndEndsADefrostWithHysteresis() {
    var conditions = RoomConditions()
    let temperatures = [-5.0, 3, 6.1, 5.9, 6.2, 9, 4, 1, 0.5, -0.1, -3, 6.5]
    var events: [RoomConditionEvent] = []
    for (minute, value) in temperatures.enumerated() {
      events += conditions.process(
        evaporator: Sample(seq: nil, ts: at(Double(minute)), tempC: value), key: coil, productID: "litchi",
        settings: settings)
    }
    let changes = events.map { event -> String in
      switch event {
      case .began(let span, _): "began \(span.start == at(2)) \(span.source.rawValue)"
      case .ended(let span, _): "ended \(span.end == at(9))"
      case .alert: "alert"
      }
    }
    #expect(changes == ["began true evaporator", "ended true", "began false evaporator"])
    #expect(paused(conditions, 5))
  }
}
