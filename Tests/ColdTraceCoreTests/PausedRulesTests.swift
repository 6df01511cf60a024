import Testing

@testable import ColdTraceCore

/// What a defrost or door pause does to an air probe's rules (docs/alert-rules.md, "Defrost and doors").
@Suite("Rules during a pause")
struct PausedRulesTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let key = SensorKey(site: "hx", room: "cold2", sensor: "air")
  private let litchi = BuiltInProfiles.litchi

  private func at(_ minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }

  /// Runs one reading a minute `(minute, temp, paused)` through the alert engine.
  private func run(_ readings: [(Double, Double, Bool)], state: inout SensorRuleState) -> [AlertEvent] {
    readings.flatMap { minute, value, paused in
      AlertEngine.process(
        Sample(seq: nil, ts: at(minute), tempC: value), key: key, profile: litchi, paused: paused, state: &state)
    }
  }

  private func minutes(_ range: ClosedRange<Int>, _ value: Double, paused: Bool) -> [(Double, Double, Bool)] {
    range.map { (Double($0), value, paused) }
  }

  @Test func aPausedWarningRunFreezesAndResumesWithoutThePausedTime() {
    var state = SensorRuleState()
    // 30 min above 5 °C, a 60-min pause, then above again: the 45-min delay is reached 15 min after the pause.
    let events = run(
      minutes(0...29, 6, paused: false) + minutes(30...89, 6, paused: true) + minutes(90...120, 6, paused: false),
      state: &state)
    let opened = events.first { $0.kind == .tempHigh && $0.type == .opened }
    #expect(opened?.severity == .warning)
    #expect(opened?.at == at(105), "45 min of unpaused time: 0–30 and 90–105")
    #expect(state.pausedSince == nil)
  }

  @Test func theCriticalLevelFreezesTooAndCountsOnlyAfterThePause() {
    var state = SensorRuleState()
    #expect(run(minutes(0...20, 9, paused: true), state: &state).isEmpty)
    let events = run(minutes(21...40, 9, paused: false), state: &state)
    #expect(events.map(\.kind) == [.tempHigh])
    #expect(events.first?.severity == .critical)
    #expect(events.first?.at == at(31), "10 min of unpaused time past 8 °C")
  }

  @Test func anOpenAlertNeitherResolvesNorChangesDuringAPause() {
    var state = SensorRuleState()
    _ = run(minutes(0...50, 6, paused: false), state: &state)
    #expect(state.temperatureHigh.open?.severity == .warning)
    let peak = state.temperatureHigh.open?.peak
    #expect(run(minutes(51...60, 7.5, paused: true) + minutes(61...70, 3, paused: true), state: &state).isEmpty)
    #expect(state.temperatureHigh.open?.peak == peak)
    let resolved = run([(71, 3, false)], state: &state)
    #expect(resolved.map(\.type) == [.resolved])
  }

  @Test func theLowSideAndTheTrendAreJudgedAsBefore() {
    var state = SensorRuleState()
    let low = run(minutes(0...40, 0.5, paused: true), state: &state)
    #expect(low.contains { $0.kind == .tempLow && $0.type == .opened })
    var rising = SensorRuleState()
    // A steady 3 °C/h climb inside the band is no trend while paused.
    let climb = (0...120).map { (Double($0), 1.5 + Double($0) * 0.05, true) }
    #expect(!run(climb, state: &rising).contains { $0.kind == .tempTrend })
    #expect(rising.trend.times.isEmpty)
  }

  @Test func aPausedSampleSpendsNoBudgetNorTheSpanAfterIt() {
    var state = LotRuleState()
    var profile = litchi
    profile.budget = ExcursionBudget(temperatureMinutes: 120, humidityMinutes: 720)
    for minute in stride(from: 0, through: 600, by: 5) {
      let paused = (minute / 60) % 2 == 0  // every other hour paused
      _ = LotEngine.process(
        Sample(seq: nil, ts: at(Double(minute)), tempC: 7), key: key, lot: "L1", profile: profile, paused: paused,
        state: &state)
    }
    // Unpaused hours 1, 3, 5, 7, 9 count 60 min each (from the last paused sample on); without the pause every
    // sample would count 5 min, 600 min in all.
    #expect(state[budget: .temperature].usedMs == 5 * 60 * 60_000)
  }

  @Test func aPausedSampleBelowTheLowLimitStillSpendsBudget() {
    // A pause excuses warm air only: fruit freezing during a defrost or with the door open uses its budget.
    var profile = litchi
    profile.budget = ExcursionBudget(temperatureMinutes: 30, humidityMinutes: 720)
    var paused = LotRuleState()
    var events: [LotEvent] = []
    for minute in stride(from: 0, through: 60, by: 5) {
      events += LotEngine.process(
        Sample(seq: nil, ts: at(Double(minute)), tempC: 0.2), key: key, lot: "L1", profile: profile, paused: true,
        state: &paused)
    }
    #expect(paused[budget: .temperature].usedMs == 60 * 60_000, "below 1 °C for an hour, paused or not")
    let alerts = events.compactMap { if case .alert(let alert) = $0 { alert } else { nil } }
    #expect(alerts.map(\.kind) == [.budget])
    #expect(alerts.first?.at == at(30))
  }

  @Test func thePauseSurvivesTheBinaryForm() {
    var state = SensorRuleState()
    state.pausedSince = at(3)
    #expect(SensorRuleState(binary: state.binaryEncoded()) == state)
    var older = SensorRuleState()
    older.lastTs = at(1)
    let blob = older.binaryEncoded().dropLast(1)  // no pause: a blob saved before pauses existed
    #expect(SensorRuleState(binary: Array(blob)) == older)
  }
}
