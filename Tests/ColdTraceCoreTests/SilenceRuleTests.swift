import Testing

@testable import ColdTraceCore

/// The missing-data rule: a timer opens `offline` with no new reading; the next reading resolves it.
struct SilenceRuleTests {
  private let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1")
  private let t0 = Timestamp(seconds: 1_780_000_000)

  @Test func aSilentSensorRaisesOfflineOnceAndTheNextReadingResolvesIt() {
    let rule = SilenceRule(silentAfterSeconds: 600)
    var state = SensorRuleState()
    _ = AlertEngine.process(
      Sample(seq: 1, ts: t0, tempC: 3), key: key, profile: BuiltInProfiles.litchi, state: &state)
    #expect(rule.check(now: t0.adding(seconds: 600), key: key, productID: "litchi", state: &state) == nil)
    let opened = rule.check(now: t0.adding(seconds: 601), key: key, productID: "litchi", state: &state)
    #expect(opened?.type == .opened && opened?.kind == .offline && opened?.severity == .critical)
    #expect(opened?.at == t0.adding(seconds: 601))
    #expect(rule.check(now: t0.adding(seconds: 900), key: key, productID: "litchi", state: &state) == nil)

    let events = AlertEngine.process(
      Sample(seq: 2, ts: t0.adding(seconds: 1200), tempC: 3), key: key, profile: BuiltInProfiles.litchi, state: &state)
    #expect(events.map(\.type) == [.resolved])
    #expect(events.first?.kind == .offline && events.first?.at == t0.adding(seconds: 1200))
    #expect(state.offlineSince == nil)
  }

  @Test func aSensorThatNeverReportsAgainStaysOfflineWithItsOtherAlertsAsTheyWere() {
    // 50 minutes at 7 °C open a temp_high warning; then the probe falls silent for good. The collector's timer checks
    // every minute for a day: one offline alert, 10 minutes and a second after the last reading, and nothing else;
    // without readings the engine neither resolves nor escalates anything.
    let rule = SilenceRule(silentAfterSeconds: 600)
    var state = SensorRuleState()
    var events: [AlertEvent] = []
    for minute in 0...50 {
      let sample = Sample(seq: Int64(minute), ts: t0.adding(seconds: Double(minute * 60)), tempC: 7)
      events += AlertEngine.process(sample, key: key, profile: BuiltInProfiles.litchi, state: &state)
    }
    #expect(events.map(\.kind) == [.tempHigh])
    let last = t0.adding(seconds: 50 * 60)
    let bandsBefore = state.temperatureHigh
    for second in stride(from: 1, through: 86_400, by: 60) {
      if let event = rule.check(now: last.adding(seconds: Double(second)), key: key, productID: "litchi", state: &state)
      {
        events.append(event)
      }
    }
    #expect(events.map(\.kind) == [.tempHigh, .offline])
    #expect(events.last?.at == last.adding(seconds: 601))
    #expect(events.last?.type == .opened && events.last?.severity == .critical)
    #expect(state.offlineSince == last.adding(seconds: 601))
    #expect(state.temperatureHigh == bandsBefore, "the open temp_high alert is left as it was")
    #expect(state.lastTs == last)
  }

  @Test func aSensorThatNeverReportedIsNotJudged() {
    var state = SensorRuleState()
    #expect(
      SilenceRule(silentAfterSeconds: 1).check(now: t0, key: key, productID: "litchi", state: &state) == nil)
  }

  @Test func aLateReadingOlderThanTheSilenceStillResolvesAtTheOpeningTimeOrLater() {
    let rule = SilenceRule(silentAfterSeconds: 60)
    var state = SensorRuleState()
    _ = AlertEngine.process(Sample(seq: 1, ts: t0, tempC: 3), key: key, profile: BuiltInProfiles.litchi, state: &state)
    _ = rule.check(now: t0.adding(seconds: 3600), key: key, productID: "litchi", state: &state)
    // The backlog from the outage arrives: its first sample is older than the alert.
    let events = AlertEngine.process(
      Sample(seq: 2, ts: t0.adding(seconds: 30), tempC: 3), key: key, profile: BuiltInProfiles.litchi, state: &state)
    #expect(events.first?.type == .resolved && events.first?.at == t0.adding(seconds: 3600))
  }
}
