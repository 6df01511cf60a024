import Testing

@testable import ColdTraceCore

@Suite("Excursion budget per lot", .timeLimit(.minutes(10)))
struct BudgetRuleTests {
  typealias Reading = (probe: String, minute: Double, tempC: Double)

  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let budgetMinutes: Double
    let readings: [Reading]
    /// Minutes after the start at which the temperature `budget` alert opens, if it does.
    let exhaustedAtMinute: Double?
    /// Temperature minutes used after the last reading.
    let usedMinutes: Double
    var testDescription: String { name }
  }

  /// One reading a minute of `tempC` from minute `from` through `through`, by `probe`.
  static func minutes(_ from: Int, _ through: Int, _ tempC: Double, probe: String = "p1") -> [Reading] {
    (from...through).map { (probe, Double($0), tempC) }
  }

  static let cases: [Case] = [
    Case(
      name: "each reading past 5 °C stands for the minute before it; 10 min used at minute 14",
      budgetMinutes: 10, readings: minutes(0, 4, 4) + minutes(5, 20, 6), exhaustedAtMinute: 14, usedMinutes: 16),
    Case(
      name: "below the warning low limit counts as well", budgetMinutes: 10,
      readings: minutes(0, 2, 3) + minutes(3, 12, 0.5), exhaustedAtMinute: 12, usedMinutes: 10),
    Case(
      name: "the threshold itself is inside; the alert delay plays no part", budgetMinutes: 5,
      readings: minutes(0, 30, 5) + minutes(31, 34, 5.1), exhaustedAtMinute: nil, usedMinutes: 4),
    Case(
      name: "two probes outside at the same time count once", budgetMinutes: 10,
      readings: zip(minutes(0, 15, 6, probe: "p1"), minutes(0, 15, 6.5, probe: "p2")).flatMap { [$0, $1] },
      exhaustedAtMinute: 10, usedMinutes: 15),
    Case(
      name: "probes outside at different times add up", budgetMinutes: 10,
      readings: zip(
        minutes(0, 5, 6, probe: "p1") + minutes(6, 12, 4, probe: "p1"),
        minutes(0, 6, 4, probe: "p2") + minutes(7, 12, 6, probe: "p2")
      ).flatMap { [$0, $1] }, exhaustedAtMinute: 11, usedMinutes: 11),
    Case(
      name: "a reading after a gap stands for 15 min at most", budgetMinutes: 20,
      readings: [("p1", 0, 4), ("p1", 60, 6), ("p1", 61, 6), ("p1", 125, 6), ("p1", 126, 6)],
      exhaustedAtMinute: 125, usedMinutes: 32),
    Case(
      name: "a probe's first reading stands for no time", budgetMinutes: 3,
      readings: [("p1", 0, 7), ("p1", 1, 7), ("p1", 2, 7), ("p1", 3, 7)], exhaustedAtMinute: 3, usedMinutes: 3),
    Case(
      name: "the budget alert opens once; later excursions only add time", budgetMinutes: 2,
      readings: minutes(0, 5, 7) + minutes(6, 10, 4) + minutes(11, 15, 7), exhaustedAtMinute: 2, usedMinutes: 10),
    Case(
      name: "a reading replayed or older than the probe's newest changes nothing", budgetMinutes: 10,
      readings: minutes(0, 5, 6) + [("p1", 3, 6), ("p1", 5, 6)] + minutes(6, 8, 6), exhaustedAtMinute: nil,
      usedMinutes: 8),
  ]

  @Test(arguments: cases)
  func temperatureBudget(_ test: Case) {
    var state = LotRuleState()
    let events = LotFixtures.run(
      test.readings.map { ($0.probe, LotFixtures.at(minutes: $0.minute), $0.tempC, nil) },
      profile: LotFixtures.litchi(budgetMinutes: test.budgetMinutes), state: &state)
    let alerts = LotFixtures.alerts(events)
    #expect(alerts.map(\.at) == test.exhaustedAtMinute.map { [LotFixtures.at(minutes: $0)] } ?? [])
    #expect(state.temperatureBudget.usedMs == Int64(test.usedMinutes * 60_000))
    #expect(state.temperatureBudget.exhaustedAt == test.exhaustedAtMinute.map { LotFixtures.at(minutes: $0) })
    #expect(state.humidityBudget.usedMs == 0, "temperature-only samples spend no humidity budget")
    for alert in alerts {
      #expect(alert.kind == .budget)
      #expect(alert.type == .opened)
      #expect(alert.severity == .critical)
      #expect(alert.key == SensorKey(site: "hongxuan", room: "cold2", sensor: "lot/LT-2026-0612/temp_c"))
      #expect(alert.limit == test.budgetMinutes)
      #expect((alert.value ?? 0) >= test.budgetMinutes, "the value is the time used when it ran out")
      #expect(alert.message.hasPrefix("lot LT-2026-0612 used up its temperature excursion budget"))
    }
  }

  @Test func humidityHasItsOwnBudgetAndAlert() {
    var state = LotRuleState()
    // 4 °C is inside; 80 % RH is below the 85 % warning low limit.
    let readings = (0...6).map { ("p1", LotFixtures.at(minutes: Double($0)), 4.0, 80.0) }
    let events = LotFixtures.run(
      readings.map { ($0.0, $0.1, Optional($0.2), Optional($0.3)) }, profile: LotFixtures.litchi(budgetMinutes: 5),
      state: &state)
    let alerts = LotFixtures.alerts(events)
    #expect(alerts.map(\.key.sensor) == ["lot/LT-2026-0612/rh_pct"])
    #expect(alerts.map(\.at) == [LotFixtures.at(minutes: 5)])
    #expect(state.temperatureBudget.usedMs == 0)
    #expect(state.humidityBudget.usedMs == 6 * 60_000)
  }

  @Test func withoutABudgetTimeIsCountedButNothingAlarms() {
    var profile = BuiltInProfiles.litchi
    profile.budget = nil
    var state = LotRuleState()
    let events = LotFixtures.run(
      (0...30).map { ("p1", LotFixtures.at(minutes: Double($0)), 9.0, nil) }, profile: profile, state: &state)
    #expect(events.isEmpty)
    #expect(state.temperatureBudget.usedMs == 30 * 60_000)
  }

  @Test func spansMergeAndLateOverlapsCountOnce() {
    var budget = BudgetState()
    #expect(budget.add(TimeSpan(start: 0, end: 100)) == 100)
    #expect(budget.add(TimeSpan(start: 50, end: 150)) == 50)
    #expect(budget.add(TimeSpan(start: 300, end: 400)) == 100)
    #expect(budget.add(TimeSpan(start: 120, end: 320)) == 150, "fills the hole between the two spans")
    #expect(budget.recent == [TimeSpan(start: 0, end: 400)])
    #expect(budget.usedMs == 400)
    #expect(budget.add(TimeSpan(start: 10, end: 20)) == 0)
  }
}
