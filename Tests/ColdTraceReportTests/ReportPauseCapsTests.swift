import ColdTraceCore
import Testing

@testable import ColdTraceReport

/// What an air-only room's defrosts and door openings leave out of the report's judgement, beyond each span's own
/// maximum (docs/alert-rules.md, "Reports"): the high side only (freezing always counts), and within the cumulative
/// caps the collector applies (`AirPause`). Minute readings in cold2; litchi's limits (critical 8 °C and −0.5 °C after
/// 10 min, warning 5 °C after 45 min and 1 °C after 30 min).
@Suite(.timeLimit(.minutes(10)))
struct ReportPauseCapsTests {
  private func air(minutes: Int, _ value: (Int) -> Double) -> ProbeSeries {
    ReportFixtures.probe("a1", room: "cold2", placement: .air, step: 1, minutes: minutes, (0..<minutes).map(value))
  }

  private func build(_ series: [ProbeSeries], spans: [StayRoomSpan], minutes: Int) -> LotReport {
    let input = LotReportInput(
      lot: ReportFixtures.lot(rooms: ["cold2"], minutes: minutes), from: ReportFixtures.time(minutes: 0),
      to: ReportFixtures.time(minutes: minutes), series: series, alerts: [], spans: spans,
      seal: ReportFixtures.seal(readings: series.reduce(0) { $0 + $1.count }, minutes: minutes))
    return LotReportBuilder.build(input, profile: ReportFixtures.profile())
  }

  private func span(_ signal: RoomSignal, _ from: Int, _ to: Int) -> StayRoomSpan {
    ReportFixtures.span(signal, .input, sensor: signal == .door ? "door2" : "ctl2", room: "cold2", from: from, to: to)
  }

  @Test func freezingDuringADefrostStillFailsTheLot() {
    // Minutes 10–40 at −1 °C, below the −0.5 °C critical limit, all within a defrost and its recovery.
    let report = build(
      [air(minutes: 60) { (10..<40).contains($0) ? -1 : 3 }], spans: [span(.defrost, 10, 40)], minutes: 60)
    #expect(report.verdict.outcome == .failed)
    #expect(
      report.verdict.rule
        == .pastCriticalLimit(.temperature, .low, threshold: -0.5, minutes: 30, allowedMinutes: 10))
    #expect(report.temperature.min == -1)
    #expect(report.excursions.map(\.direction) == [.low])
  }

  @Test func warmAirDuringTheSameDefrostIsStillLeftOut() {
    let report = build(
      [air(minutes: 60) { (10..<40).contains($0) ? 9 : 3 }], spans: [span(.defrost, 10, 40)], minutes: 60)
    #expect(report.verdict == Verdict(outcome: .withinLimits, rule: .noTimeOutOfRange))
  }

  @Test func doorsOpenMostOfEveryHourAreLeftOutForHalfAnHourAtMost() {
    // The door open 12 min of every 15 for three hours, the air past 8 °C all along: without the cap only 3-min
    // pieces would count, each shorter than the 10-min critical delay.
    let doors = stride(from: 0, to: 180, by: 15).map { span(.door, $0, $0 + 12) }
    let report = build([air(minutes: 180) { _ in 9 }], spans: doors, minutes: 180)
    #expect(report.rooms[0].judgement.excludedMinutes <= 90)
    #expect(report.rooms[0].judgement.excludedDoors < 12)
    #expect(report.verdict.outcome == .failed)
  }

  @Test func atMostSixDefrostsADayAreLeftOut() {
    // A defrost every 2 hours for a day, the air past 8 °C during each: the seventh and later count.
    let defrosts = stride(from: 0, to: 1440, by: 120).map { span(.defrost, $0, $0 + 20) }
    let report = build(
      [air(minutes: 1440) { $0 % 120 < 20 ? 9 : 3 }], spans: defrosts, minutes: 1440)
    #expect(report.rooms[0].judgement.excludedDefrosts == 6)
    #expect(report.verdict.outcome == .failed)
    #expect(
      report.verdict.rule
        == .pastCriticalLimit(.temperature, .high, threshold: 8, minutes: 20, allowedMinutes: 10))
  }
}
