import ColdTraceCore
import Testing

@testable import ColdTraceReport

/// Which probes judge a lot (docs/alert-rules.md, "Reports"): a room's product probe when it has one, else its air
/// probes with defrost and door spans left out up to their maxima; evaporator and ambient probes never. Minute
/// readings over one stay in cold2; litchi's limits (warning 5 °C after 45 min, critical 8 °C after 10 min), no budget.
@Suite(.timeLimit(.minutes(10)))
struct PlacementVerdictTests {
  /// Minutes `warm` at `hot` °C, else 3 °C, for `minutes` minutes.
  private func air(
    _ sensor: String = "a1", minutes: Int = 60, warm: Range<Int>, hot: Double, placement: Placement = .air
  ) -> ProbeSeries {
    ReportFixtures.probe(
      sensor, room: "cold2", placement: placement, step: 1, minutes: minutes,
      (0..<minutes).map { warm.contains($0) ? hot : 3 })
  }

  private func product(minutes: Int = 60) -> ProbeSeries {
    ReportFixtures.probe(
      "p1", room: "cold2", placement: .product, step: 1, minutes: minutes, [Double?](repeating: 3.6, count: minutes))
  }

  private func build(
    _ series: [ProbeSeries], spans: [StayRoomSpan] = [], minutes: Int = 60, treatment: ColdTreatment? = nil
  ) -> LotReport {
    let input = LotReportInput(
      lot: ReportFixtures.lot(rooms: ["cold2"], minutes: minutes), from: ReportFixtures.time(minutes: 0),
      to: ReportFixtures.time(minutes: minutes), series: series, alerts: [], spans: spans,
      seal: ReportFixtures.seal(readings: series.reduce(0) { $0 + $1.count }, minutes: minutes))
    return LotReportBuilder.build(input, profile: ReportFixtures.profile(treatment: treatment))
  }

  private func defrost(_ from: Int, _ to: Int) -> StayRoomSpan {
    ReportFixtures.span(.defrost, .input, sensor: "ctl2", room: "cold2", from: from, to: to)
  }

  @Test func anAirProbePastTheCriticalLimitDoesNotFailALotItsRoomsProductProbeJudges() {
    let report = build([product(), air(warm: 10..<40, hot: 9)])
    #expect(report.verdict == Verdict(outcome: .withinLimits, rule: .noTimeOutOfRange))
    #expect(report.temperature.max == 3.6)
    let judgement = report.rooms[0].judgement
    #expect(judgement.basis == .product)
    #expect(judgement.judging.map(\.name) == ["hongxuan/p1"])
    #expect(judgement.context.map(\.name) == ["hongxuan/a1"])
    #expect(report.probes.map(\.judges) == [true, false])
  }

  @Test func aProductProbeThatArrivesAfterTheLotJudgesFromThenOn() {
    // The pulp probe was moved into cold2 five minutes after the lot (its room history clips its series there).
    let late = ReportFixtures.probe(
      "p1", room: "cold2", placement: .product, fromMinute: 5, step: 1, minutes: 55,
      [Double?](repeating: 3.6, count: 55))
    let report = build([late, air(warm: 10..<40, hot: 9)])
    let judgement = report.rooms[0].judgement
    #expect(judgement.basis == .product, "the room has a product probe during the stay")
    #expect(judgement.judging.map(\.name) == ["hongxuan/p1"])
    #expect(report.verdict.outcome != .failed, "\(report.verdict)")
  }

  @Test func theSameAirProbeFailsTheLotInARoomWithoutAProductProbe() {
    let report = build([air(warm: 10..<40, hot: 9)])
    #expect(report.rooms[0].judgement.basis == .air)
    #expect(report.verdict.outcome == .failed)
    #expect(
      report.verdict.rule
        == .pastCriticalLimit(.temperature, .high, threshold: 8, minutes: 30, allowedMinutes: 10))
  }

  @Test func unlessTheExcursionLiesWithinADefrostAndItsRecovery() {
    let report = build([air(warm: 10..<40, hot: 9)], spans: [defrost(10, 40)])
    #expect(report.verdict == Verdict(outcome: .withinLimits, rule: .noTimeOutOfRange))
    let judgement = report.rooms[0].judgement
    #expect(judgement.excludedDefrosts == 1)
    #expect(judgement.excludedMinutes == 50, "the 30 min defrost and 20 of its 30 min recovery, cut at the stay's end")
    #expect(report.temperature.readings == 10, "minutes 0–9; the rest of the hour is the defrost or its recovery")
    #expect(report.temperature.max == 3)
  }

  @Test func aDefrostLongerThanItsMaximumCountsBeyondIt() {
    let report = build([air(minutes: 180, warm: 10..<130, hot: 6)], spans: [defrost(10, 130)], minutes: 180)
    #expect(report.temperature.minutesOutOfRange == 60, "minutes 70–130: past the 60 min maximum, no recovery")
    #expect(report.rooms[0].judgement.excludedMinutes == 60)
    #expect(report.verdict.outcome == .failed)
    #expect(
      report.verdict.rule
        == .excursionLongerThanDelay(.temperature, .high, threshold: 5, minutes: 60, allowedMinutes: 45))
    #expect(ReportSpanLimits.minutesOverMaximum(defrost(10, 130)) == 60)
  }

  @Test func aDefrostBegunLongBeforeTheLotCameIsPastItsMaximumAndLeavesNothingOut() {
    let report = build([air(warm: 0..<20, hot: 6)], spans: [defrost(-100, 20)])
    #expect(report.temperature.minutesOutOfRange == 20)
    #expect(report.rooms[0].judgement.excludedDefrosts == 0 && report.rooms[0].judgement.excludedMinutes == 0)
    #expect(report.rooms[0].summary(.defrost) == SpanSummary(count: 1, minutes: 20, longestMinutes: 20))
  }

  @Test func aDefrostKnownFromTheControllerAndTheScheduleIsOneDefrost() {
    let scheduled = ReportFixtures.span(.defrost, .schedule, sensor: nil, room: "cold2", from: 12, to: 42)
    let report = build([air(warm: 10..<40, hot: 6)], spans: [defrost(10, 40), scheduled])
    #expect(report.rooms[0].summary(.defrost) == SpanSummary(count: 1, minutes: 32, longestMinutes: 32))
    #expect(report.rooms[0].judgement.excludedDefrosts == 1)
    #expect(report.rooms[0].spans.count == 2, "both are listed, each with how it was known")
  }

  @Test func aDoorOpeningIsLeftOutForAtMostFifteenMinutes() {
    let door = ReportFixtures.span(.door, .input, sensor: "door2", room: "cold2", from: 10, to: 40)
    let report = build([air(warm: 10..<40, hot: 6)], spans: [door])
    #expect(report.temperature.minutesOutOfRange == 15, "minutes 25–40")
    #expect(report.verdict == Verdict(outcome: .withinBudget, rule: .withinAlarmDelays))
    #expect(report.rooms[0].judgement.excludedDoors == 1)
  }

  @Test func spansLeaveAProductProbeJudgedRoomAlone() {
    let warmProduct = air("p1", warm: 10..<40, hot: 6, placement: .product)
    let report = build([warmProduct], spans: [defrost(10, 40)])
    #expect(report.temperature.minutesOutOfRange == 30, "the product is never paused")
    #expect(report.rooms[0].judgement.excludedMinutes == 0)
  }

  @Test(arguments: [Placement.evaporator, .ambient])
  func evaporatorAndAmbientProbesNeverJudge(placement: Placement) {
    let hot = air("x1", warm: 0..<60, hot: 15, placement: placement)
    let withAir = build([air(warm: 0..<0, hot: 3), hot])
    #expect(withAir.verdict == Verdict(outcome: .withinLimits, rule: .noTimeOutOfRange))
    #expect(withAir.rooms[0].judgement.context.map(\.placement) == [placement])

    let alone = build([hot])
    #expect(alone.rooms[0].judgement.basis == .none)
    #expect(alone.verdict == Verdict(outcome: .failed, rule: .noReadings))
    #expect(alone.temperature.readings == 0 && alone.readings == 60, "shown, not judged")
  }

  @Test func anAirProbeAboveTheTreatmentTemperatureRestartsNoClockWhereTheProductProbeJudges() {
    let treatment = ColdTreatment(maxTempC: 3.7, days: 0.02)
    let judgedByProduct = build([product(), air(warm: 20..<25, hot: 4)], treatment: treatment)
    #expect(judgedByProduct.treatment?.restarts == 0)
    #expect(judgedByProduct.treatment?.state == .complete)
    let airOnly = build([air(warm: 20..<25, hot: 4)], treatment: treatment)
    #expect(airOnly.treatment?.restarts == 1)
  }

  @Test func aSpanBridgingTwoStaysInTheSameRoomIsListedOnceInEach() {
    let bridging = defrost(50, 130)
    let input = LotReportInput(
      lot: ReportFixtures.lot(rooms: ["cold2", "cold3", "cold2"], minutes: 60), from: ReportFixtures.time(minutes: 0),
      to: ReportFixtures.time(minutes: 180), series: [], alerts: [], spans: [bridging, bridging],
      seal: ReportFixtures.seal(readings: 0, minutes: 180))
    let report = LotReportBuilder.build(input, profile: ReportFixtures.profile())
    #expect(report.rooms.map(\.spans.count) == [1, 0, 1])
    #expect(report.rooms.map { $0.summary(.defrost).minutes } == [10, 0, 10], "each stay counts its own part")
  }
}
