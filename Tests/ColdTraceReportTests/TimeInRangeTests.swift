import ColdTraceCore
import Testing

@testable import ColdTraceReport

/// Time in range, excursions, gaps and the verdict on small traces worked out by hand (litchi: warning 1–5 °C).
@Suite(.timeLimit(.minutes(10)))
struct TimeInRangeTests {
  /// Probe A is above 5 °C during minutes 2–3, probe B during minutes 3 and 5: out of range when any probe is out,
  /// so [2, 4) and [5, 6): 3 of 10 minutes.
  private func twoProbes() -> LotReportInput {
    ReportFixtures.input(
      [
        ReportFixtures.probe("a", [3, 3, 6, 5.5, 3, 3, 3, 3, 3, 3]),
        ReportFixtures.probe("b", [3, 3, 3, 6.5, 3, 7, 3, 3, 3, 3]),
      ], minutes: 10)
  }

  @Test func anIntervalIsOutOfRangeWhenAnyProbeIsOut() {
    let report = LotReportBuilder.build(twoProbes(), profile: ReportFixtures.profile())
    #expect(report.temperature.coveredMinutes == 10)
    #expect(report.temperature.minutesOutOfRange == 3)
    #expect(report.temperature.inRangePercent == 70)
    #expect(report.humidity.minutesOutOfRange == 0)
    #expect(report.humidity.inRangePercent == 100)
    #expect(report.readings == 20)
    #expect(report.temperature.min == 3 && report.temperature.max == 7)
  }

  @Test func excursionsAreTheUnitedSpansWithTheirPeaks() {
    let report = LotReportBuilder.build(twoProbes(), profile: ReportFixtures.profile())
    #expect(
      report.excursions == [
        Excursion(
          metric: .temperature, direction: .high, start: ReportFixtures.time(minutes: 2),
          end: ReportFixtures.time(minutes: 4), peak: 6.5, pastCritical: false),
        Excursion(
          metric: .temperature, direction: .high, start: ReportFixtures.time(minutes: 5),
          end: ReportFixtures.time(minutes: 6), peak: 7, pastCritical: false),
      ])
    #expect(report.excursions.map(\.minutes) == [2, 1])
  }

  @Test func lowExcursionsCountToo() {
    let input = ReportFixtures.input([ReportFixtures.probe("a", [3, 0.5, 0.2, 3])], minutes: 4)
    let report = LotReportBuilder.build(input, profile: ReportFixtures.profile())
    #expect(report.excursions.count == 1)
    #expect(report.excursions.first?.direction == .low && report.excursions.first?.peak == 0.2)
    #expect(report.temperature.minutesOutOfRange == 2)
  }

  @Test func aGapCapsTheLastReadingBeforeItAndIsListed() {
    // Readings at minutes 0, 1, 2, 6, 7 over 8 minutes: nothing from 2 to 6 (4 min > 2 × 1 min). The reading at 2
    // stands for 2 minutes, so the covered time is [0, 4) ∪ [6, 8) = 6 minutes; 6 °C at minute 2 is 2 minutes out.
    let input = ReportFixtures.input([ReportFixtures.probe("a", [3, 3, 6, nil, nil, nil, 3, 3])], minutes: 8)
    let report = LotReportBuilder.build(input, profile: ReportFixtures.profile())
    #expect(
      report.gaps == [
        DataGap(
          site: "hongxuan", sensor: "a", from: ReportFixtures.time(minutes: 2), to: ReportFixtures.time(minutes: 6))
      ])
    #expect(report.temperature.coveredMinutes == 6)
    #expect(report.temperature.minutesOutOfRange == 2)
    #expect(abs((report.temperature.inRangePercent ?? 0) - 400 / 6) < 1e-9)
  }

  @Test func aProbeSilentAtTheEndOfItsPlacementLeavesATrailingGap() {
    let input = ReportFixtures.input([ReportFixtures.probe("a", [3, 3, 3], minutes: 10)], minutes: 10)
    let report = LotReportBuilder.build(input, profile: ReportFixtures.profile())
    #expect(report.gaps.map { $0.minutes } == [8])
  }

  @Test func withoutABudgetShortExcursionsPassAndLongOnesFail() {
    let short = LotReportBuilder.build(twoProbes(), profile: ReportFixtures.profile())
    #expect(short.verdict == Verdict(outcome: .withinBudget, rule: .withinAlarmDelays))
    // 50 minutes above 5 °C, longer than litchi's 45-minute warning delay.
    let long = ReportFixtures.input(
      [ReportFixtures.probe("a", [3] + Array(repeating: 6, count: 50) + [3])], minutes: 52)
    let verdict = LotReportBuilder.build(long, profile: ReportFixtures.profile()).verdict
    #expect(
      verdict
        == Verdict(
          outcome: .failed,
          rule: .excursionLongerThanDelay(.temperature, .high, threshold: 5, minutes: 50, allowedMinutes: 45)))
  }

  @Test func aBudgetDecidesWhenTheProfileHasOne() {
    let within = LotReportBuilder.build(
      twoProbes(), profile: ReportFixtures.profile(budget: ExcursionBudget(temperatureMinutes: 3)))
    #expect(
      within.verdict
        == Verdict(outcome: .withinBudget, rule: .withinBudget(.temperature, usedMinutes: 3, budgetMinutes: 3)))
    let over = LotReportBuilder.build(
      twoProbes(), profile: ReportFixtures.profile(budget: ExcursionBudget(temperatureMinutes: 2.5)))
    #expect(
      over.verdict
        == Verdict(outcome: .failed, rule: .budgetExceeded(.temperature, usedMinutes: 3, budgetMinutes: 2.5)))
  }

  @Test func aCriticalLimitPassedLongerThanItsDelayFails() {
    // Above 8 °C for 11 minutes; litchi's critical high delay is 10 minutes.
    let input = ReportFixtures.input(
      [ReportFixtures.probe("a", [3] + Array(repeating: 9, count: 11) + [3])], minutes: 13)
    let report = LotReportBuilder.build(
      input, profile: ReportFixtures.profile(budget: ExcursionBudget(temperatureMinutes: 600)))
    #expect(
      report.verdict
        == Verdict(
          outcome: .failed,
          rule: .pastCriticalLimit(.temperature, .high, threshold: 8, minutes: 11, allowedMinutes: 10)))
    #expect(report.excursions.first?.pastCritical == true)
  }

  @Test func inRangeEverywhereIsWithinLimitsAndNoDataFails() {
    let clean = ReportFixtures.input([ReportFixtures.probe("a", [3, 3, 4])], minutes: 3)
    #expect(LotReportBuilder.build(clean, profile: ReportFixtures.profile()).verdict.outcome == .withinLimits)
    let empty = ReportFixtures.input([ReportFixtures.probe("a", [], minutes: 3)], minutes: 3)
    #expect(LotReportBuilder.build(empty, profile: ReportFixtures.profile()).verdict.rule == .noReadings)
  }

  @Test func theColdTreatmentClockRestartsAboveItsTemperature() {
    // 10 minutes needed at ≤ 0.99 °C; 1.2 °C at minute 4 restarts the clock at minute 5; complete at minute 15.
    let treatment = ColdTreatment(maxTempC: 0.99, days: 10.0 / 1440)
    let values: [Double?] = [0.5, 0.5, 0.5, 0.5, 1.2] + Array(repeating: 0.5, count: 12)
    let input = ReportFixtures.input([ReportFixtures.probe("a", values)], minutes: 17)
    let status = LotReportBuilder.build(input, profile: ReportFixtures.profile(treatment: treatment)).treatment
    #expect(status?.restarts == 1)
    #expect(status?.clockStart == ReportFixtures.time(minutes: 5))
    #expect(status?.state == .complete)
    #expect(status?.completedAt == ReportFixtures.time(minutes: 15))
    let short = ReportFixtures.input([ReportFixtures.probe("a", Array(values.prefix(9)))], minutes: 9)
    let running = LotReportBuilder.build(short, profile: ReportFixtures.profile(treatment: treatment)).treatment
    #expect(running?.state == .inProgress)
    #expect(abs((running?.elapsedDays ?? 0) * 1440 - 4) < 1e-9)
  }
}
