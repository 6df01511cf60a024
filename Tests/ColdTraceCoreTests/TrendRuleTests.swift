import Foundation
import Testing

@testable import ColdTraceCore

/// The trend rule (`temp_trend`): a sustained climb inside the band warns before the limit; short climbs do not.
@Suite("Trend rule")
struct TrendRuleTests {
  typealias F = EngineFixtures

  /// One temperature reading a minute from minute `first`, `value(minute)` each.
  static func trace(_ minutes: ClosedRange<Int>, _ value: (Int) -> Double) -> [(SensorKey, Sample)] {
    minutes.map { (F.door, Sample(seq: Int64($0), ts: F.minute($0), tempC: value($0))) }
  }

  @Test("the slope is the least-squares fit in °C per hour, and needs three readings spread in time")
  func slope() throws {
    let ramp = (0...30).map { (ms: Int64($0) * 60_000, value: 2 + Double($0) / 30) }
    let rate = try #require(TrendRule.slopePerHour(ramp))
    #expect(abs(rate - 2) < 1e-9, "1 °C per 30 min")
    #expect(TrendRule.slopePerHour(Array(ramp.prefix(2))) == nil)
    #expect(TrendRule.slopePerHour([(0, 1), (0, 2), (0, 3)]) == nil)
    let noisyFlat = [(ms: Int64(0), value: 3.0), (60_000, 4.0), (120_000, 3.0)]
    #expect(TrendRule.slopePerHour(noisyFlat) == 0)
  }

  @Test("a steady 1 °C/h climb from 2 °C warns at minute 65, inside the band, and resolves once it levels off")
  func steadyClimbWarns() throws {
    // The rate exists from minute 15 (readings spanning half the 30-min window) and is exactly 1 °C/h; the rise run
    // starts there, so 50 minutes of it end at minute 65, at 2 + 65/60 ≈ 3.08 °C, below 5 °C. The climb stops at
    // minute 90 (3.5 °C): the fitted rate then falls and reaches 0.2 °C/h before the window holds only flat readings
    // (minute 120).
    let trace = Self.trace(0...150) { 2 + Double(min($0, 90)) / 60 }
    let events = AlertEngine.replay(trace, profile: F.litchi)
    try #require(events.count == 2, "\(events.map(\.message))")
    let opened = events[0]
    #expect(opened.kind == .tempTrend && opened.type == .opened && opened.severity == .warning)
    #expect(opened.at == F.minute(65))
    #expect(opened.limit == 0.5)
    #expect(opened.value == 1)
    #expect(
      opened.message
        == "temperature rising 1 °C/h over the last 30 min for 50 min, now 3.08 °C, below the 5 °C limit "
        + "(litchi, warning)")
    let resolved = events[1]
    #expect(resolved.kind == .tempTrend && resolved.type == .resolved)
    #expect(resolved.at > F.minute(90) && resolved.at <= F.minute(120))
    #expect((resolved.value ?? 1) <= 0.2)
    #expect(resolved.limit == 0.2)
    #expect(resolved.peak == 1)
  }

  @Test("defrost and door-opening bumps of a normal day never warn, however steep")
  func shortBumpsNeverWarn() {
    // Around 3.5 °C: four defrosts a day (25 min up to 4.9 °C, 15 min back down) and two door openings (5 min up to
    // 4.8 °C, 10 min back), for two days.
    func value(_ minute: Int) -> Double {
      let ofDay = minute % 1440
      for start in [120, 480, 840, 1200] where ofDay >= start && ofDay < start + 40 {
        let t = Double(ofDay - start)
        return t < 25 ? 3.5 + 1.4 * t / 25 : 4.9 - 1.4 * (t - 25) / 15
      }
      for start in [450, 915] where ofDay >= start && ofDay < start + 15 {
        let t = Double(ofDay - start)
        return t < 5 ? 3.5 + 1.3 * t / 5 : 4.8 - 1.3 * (t - 5) / 10
      }
      return 3.5
    }
    #expect(AlertEngine.replay(Self.trace(0...2880, value), profile: F.litchi).isEmpty)
  }

  @Test("a fast climb that passes the limit before the trend is sustained leaves it to the band rule")
  func pastTheLimitIsTheBandRulesBusiness() {
    // 3 °C/h from 3 °C passes 5 °C at minute 40, before minute 65 where a trend would be sustained.
    let events = AlertEngine.replay(Self.trace(0...120) { 3 + 3 * Double($0) / 60 }, profile: F.litchi)
    #expect(!events.contains { $0.kind == .tempTrend })
    #expect(events.contains { $0.kind == .tempHigh })
  }

  @Test("climbing back into the band from below it is a recovery, not a trend")
  func recoveryFromBelowIsNoTrend() {
    // 1 °C/h from −0.5 °C, levelling off at 1.5 °C at minute 120. The rise counts only from minute 90, where the
    // air is back at litchi's 1 °C low limit; the fitted rate falls to 0.5 °C/h by minute 135, 45 minutes later,
    // short of the 50-minute sustain. The temp_low alert opened at minute 30 resolves at 1.5 °C.
    let events = AlertEngine.replay(Self.trace(0...200) { -0.5 + Double(min($0, 120)) / 60 }, profile: F.litchi)
    #expect(events.map(\.kind) == [.tempLow, .tempLow])
    #expect(events.map(\.at) == [F.minute(30), F.minute(120)])
    // Had it kept climbing, it would be a trend: 50 minutes inside the band from minute 90.
    let climbing = AlertEngine.replay(Self.trace(0...200) { -0.5 + Double($0) / 60 }, profile: F.litchi)
    #expect(climbing.first { $0.kind == .tempTrend }?.at == F.minute(140))
  }

  @Test("a gap longer than the window empties it: the rise run starts again after it")
  func gapRestartsTheRun() {
    // Two 40-minute stretches of the same 1 °C/h climb, 2 hours apart: each rise run lasts 25 minutes only.
    let first = Self.trace(0...40) { 2 + Double($0) / 60 }
    let second = Self.trace(160...200) { 2 + Double($0) / 60 }
    #expect(AlertEngine.replay(first + second, profile: F.litchi).isEmpty)
    // Without the gap the same climb warns at minute 65.
    #expect(AlertEngine.replay(Self.trace(0...80) { 2 + Double($0) / 60 }, profile: F.litchi).count == 1)
  }

  @Test("fast readings are thinned to one a minute: the saved window holds at most 31 readings")
  func thinnedWindow() throws {
    var state = SensorRuleState()
    for second in stride(from: 0, through: 7200, by: 5) {
      let sample = Sample(seq: Int64(second), ts: F.start.adding(seconds: Double(second)), tempC: 3)
      _ = AlertEngine.process(sample, key: F.door, profile: F.litchi, state: &state)
    }
    #expect(state.trend.times.count == 31)
    #expect(state.trend.times.count == state.trend.values.count)
    let oldest = try #require(state.trend.times.first)
    #expect(oldest >= F.start.adding(seconds: 7200 - 1800).milliseconds)
  }

  @Test("state saved before trends existed loads; an open trend alert survives JSON")
  func stateCompatibility() throws {
    var state = SensorRuleState()
    for (key, sample) in Self.trace(0...70, { 2 + Double($0) / 60 }) {
      _ = AlertEngine.process(sample, key: key, profile: F.litchi, state: &state)
    }
    #expect(state.trend.openedAt == F.minute(65))
    #expect(state.openAlerts[.tempTrend]?.openedAt == F.minute(65))
    let data = try JSONEncoder().encode(state)
    #expect(try JSONDecoder().decode(SensorRuleState.self, from: data) == state)

    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    object["trend"] = nil
    let older = try JSONDecoder().decode(
      SensorRuleState.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(older.trend == TrendState())
    #expect(older.temperatureHigh == state.temperatureHigh)

    var profile = F.litchi
    profile.trend = nil
    let profileData = try JSONEncoder().encode(profile)
    #expect(try JSONDecoder().decode(ProductProfile.self, from: profileData).trend == nil)
  }

  @Test("a product with no trend setting closes an open trend alert and forgets the window")
  func productWithoutTrendClosesIt() throws {
    var state = SensorRuleState()
    for (key, sample) in Self.trace(0...70, { 2 + Double($0) / 60 }) {
      _ = AlertEngine.process(sample, key: key, profile: F.litchi, state: &state)
    }
    var profile = F.litchi
    profile.trend = nil
    let events = AlertEngine.process(
      Sample(seq: 71, ts: F.minute(71), tempC: 3.2), key: F.door, profile: profile, state: &state)
    #expect(events.map(\.type) == [.resolved])
    #expect(events.first?.kind == .tempTrend)
    #expect(state.trend == TrendState())
  }

  @Test("unsound trend settings are named")
  func problems() {
    var profile = F.litchi
    profile.trend = TrendSettings(riseCPerHour: 0, clearCPerHour: 1, windowMinutes: 1, sustainMinutes: -1)
    #expect(
      profile.problems() == [
        "profile litchi: trend rise rate must be above 0 °C/h",
        "profile litchi: trend clearing rate must be below the rise rate (0 °C/h)",
        "profile litchi: trend window must be at least 2 min",
        "profile litchi: trend sustain time must be 0 min or more",
      ])
    #expect(BuiltInProfiles.all.allSatisfy { $0.problems().isEmpty })
  }
}
