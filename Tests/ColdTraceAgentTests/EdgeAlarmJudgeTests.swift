import ColdTraceCore
import Testing

@testable import ColdTraceAgent

/// The edge alarm's rule on readings stamped by hand (event time): delay, clearing with hysteresis, placement, and a
/// room without limits.
struct EdgeAlarmJudgeTests {
  static let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  /// Litchi's critical limits: above 8 °C or below −0.5 °C for 10 min; 0.5 °C hysteresis.
  static let litchi = LimitsMessage(site: "hx", room: "cold2", profile: BuiltInProfiles.litchi, ts: start)

  static func minute(_ minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }

  private func judge(_ probes: [EdgeAlarmJudge.Probe] = [.init(id: "air", room: "cold2", placement: .air)])
    -> EdgeAlarmJudge
  {
    EdgeAlarmJudge(probes: probes)
  }

  @Test func aProbePastTheCriticalLimitAlarmsOnlyOnceItHasStayedPastForTheDelay() {
    var judge = judge()
    #expect(judge.judge(sensor: "air", tempC: 7.9, rhPct: 92, at: Self.minute(0), limits: Self.litchi) == .judged)
    for minute in 1...10 {
      _ = judge.judge(sensor: "air", tempC: 9.5, rhPct: 92, at: Self.minute(Double(minute)), limits: Self.litchi)
      #expect(judge.active.isEmpty, "minute \(minute): past since minute 1, the delay is 10 min")
    }
    _ = judge.judge(sensor: "air", tempC: 9.7, rhPct: 92, at: Self.minute(11), limits: Self.litchi)
    let alarm = judge.active.first
    #expect(judge.active.count == 1)
    #expect(alarm?.metric == .temperature && alarm?.direction == .high)
    #expect(alarm?.since == Self.minute(1) && alarm?.value == 9.7 && alarm?.threshold == 8)
    #expect(alarm?.profile == "litchi")
  }

  @Test func aReadingBackInsideRestartsTheDelay() {
    var judge = judge()
    for minute in 0...8 {
      _ = judge.judge(sensor: "air", tempC: 9, rhPct: 92, at: Self.minute(Double(minute)), limits: Self.litchi)
    }
    _ = judge.judge(sensor: "air", tempC: 7, rhPct: 92, at: Self.minute(9), limits: Self.litchi)
    for minute in 10...19 {
      _ = judge.judge(sensor: "air", tempC: 9, rhPct: 92, at: Self.minute(Double(minute)), limits: Self.litchi)
    }
    #expect(judge.active.isEmpty, "past again from minute 10: 9 min so far")
    _ = judge.judge(sensor: "air", tempC: 9, rhPct: 92, at: Self.minute(20), limits: Self.litchi)
    #expect(judge.active.map(\.since) == [Self.minute(10)])
  }

  @Test func anAlarmClearsOnlyOnceAReadingClearsTheLimitByTheHysteresis() {
    var judge = judge()
    for minute in 0...10 {
      _ = judge.judge(sensor: "air", tempC: 12, rhPct: 92, at: Self.minute(Double(minute)), limits: Self.litchi)
    }
    #expect(judge.active.count == 1)
    _ = judge.judge(sensor: "air", tempC: 7.8, rhPct: 92, at: Self.minute(11), limits: Self.litchi)
    #expect(judge.active.first?.value == 7.8, "inside 8 °C but not by the 0.5 °C hysteresis: still alarming")
    _ = judge.judge(sensor: "air", tempC: 7.5, rhPct: 92, at: Self.minute(12), limits: Self.litchi)
    #expect(judge.active.isEmpty)
  }

  @Test func theLowSideAndHumidityAlarmToo() {
    var judge = judge()
    for minute in 0...60 {
      _ = judge.judge(sensor: "air", tempC: -1, rhPct: 70, at: Self.minute(Double(minute)), limits: Self.litchi)
    }
    #expect(judge.active.map(\.metric) == [.humidity, .temperature])
    #expect(judge.active.allSatisfy { $0.direction == .low })
  }

  @Test func aFaultReadingChangesNothing() {
    var judge = judge()
    for minute in 0...10 {
      _ = judge.judge(sensor: "air", tempC: 12, rhPct: nil, at: Self.minute(Double(minute)), limits: Self.litchi)
    }
    _ = judge.judge(sensor: "air", tempC: nil, rhPct: nil, at: Self.minute(11), limits: Self.litchi)
    #expect(judge.active.count == 1)
  }

  @Test func evaporatorAndAmbientProbesNeverJudge() {
    var judge = judge([
      .init(id: "coil", room: "cold2", placement: .evaporator), .init(id: "bay", room: "cold2", placement: .ambient),
    ])
    for minute in 0...20 {
      let time = Self.minute(Double(minute))
      #expect(judge.judge(sensor: "coil", tempC: 15, rhPct: 99, at: time, limits: Self.litchi) == .notJudging)
      #expect(judge.judge(sensor: "bay", tempC: 32, rhPct: 60, at: time, limits: Self.litchi) == .notJudging)
    }
    #expect(judge.active.isEmpty)
  }

  @Test func aProductProbeJudgesItsRoomInsteadOfTheAirProbes() {
    var judge = judge([
      .init(id: "air", room: "cold2", placement: .air), .init(id: "pulp", room: "cold2", placement: .product),
      .init(id: "air3", room: "cold3", placement: .air),
    ])
    let cold3 = LimitsMessage(site: "hx", room: "cold3", profile: BuiltInProfiles.litchi, ts: Self.start)
    for minute in 0...10 {
      let time = Self.minute(Double(minute))
      #expect(judge.judge(sensor: "air", tempC: 12, rhPct: 92, at: time, limits: Self.litchi) == .notJudging)
      #expect(judge.judge(sensor: "pulp", tempC: 4, rhPct: 92, at: time, limits: Self.litchi) == .judged)
      #expect(judge.judge(sensor: "air3", tempC: 12, rhPct: 92, at: time, limits: cold3) == .judged)
    }
    #expect(judge.active.map(\.sensor) == ["air3"], "cold3 has no product probe: its air probe judges")
  }

  @Test func noLimitsKnownMeansNoAlarm() {
    var judge = judge()
    for minute in 0...30 {
      #expect(
        judge.judge(sensor: "air", tempC: 20, rhPct: 92, at: Self.minute(Double(minute)), limits: nil)
          == .noLimits(room: "cold2"))
    }
    #expect(judge.active.isEmpty)
  }
}
