import Testing

@testable import ColdTraceCore

@Suite("Cold-treatment clock per lot", .timeLimit(.minutes(10)))
struct TreatmentRuleTests {
  typealias Reading = (probe: String, hour: Double, tempC: Double)

  /// What the rule reports, reduced to what a table can say exactly.
  enum Expected: Equatable, CustomStringConvertible {
    case restarted(hour: Double)
    case running(hour: Double)
    case completed(hour: Double, clockStartHour: Double, restarts: Int)

    var description: String {
      switch self {
      case .restarted(let hour): "restarted@\(hour)"
      case .running(let hour): "running@\(hour)"
      case .completed(let hour, let start, let restarts): "completed@\(hour) from \(start), \(restarts) restarts"
      }
    }
  }

  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let readings: [Reading]
    let expected: [Expected]
    var testDescription: String { name }
  }

  /// One reading an hour of `tempC` from hour `from` through `through`, by `probe`.
  static func hours(_ from: Int, _ through: Int, _ tempC: Double, probe: String = "p1") -> [Reading] {
    (from...through).map { (probe, Double($0), tempC) }
  }

  /// Two probes' readings of the same hours, interleaved hour by hour, `first` before `second`.
  static func interleaved(_ first: [Reading], _ second: [Reading]) -> [Reading] {
    zip(first, second).flatMap { [$0, $1] }
  }

  /// A one-day treatment at or below 0.99 °C, hourly readings.
  static let cases: [Case] = [
    Case(
      name: "fruit still cooling is no restart; the clock starts at the first reading at or below the limit",
      readings: [("p1", 0, 5), ("p1", 1, 3), ("p1", 2, 1.5), ("p1", 3, 1)] + hours(4, 30, 0.8),
      expected: [.completed(hour: 28, clockStartHour: 4, restarts: 0)]),
    Case(
      name: "one reading above the limit restarts the clock from the next reading at or below it",
      readings: hours(0, 9, 0.5) + [("p1", 10, 1.2)] + hours(11, 40, 0.5),
      expected: [.restarted(hour: 10), .running(hour: 11), .completed(hour: 35, clockStartHour: 11, restarts: 1)]),
    Case(
      name: "the clock does not start while any probe is above the limit",
      readings: interleaved(hours(0, 1, 1.5, probe: "p2") + hours(2, 30, 0.9, probe: "p2"), hours(0, 30, 0.5)),
      expected: [.completed(hour: 26, clockStartHour: 2, restarts: 0)]),
    Case(
      name: "any probe restarts it, and it runs again only once every probe is back",
      readings: interleaved(
        hours(0, 5, 0.5) + [("p1", 6, 1)] + hours(7, 40, 0.5),
        hours(0, 4, 0.5, probe: "p2") + hours(5, 6, 1.1, probe: "p2") + hours(7, 40, 0.5, probe: "p2")),
      expected: [.restarted(hour: 5), .running(hour: 7), .completed(hour: 31, clockStartHour: 7, restarts: 1)]),
    Case(
      name: "the limit itself is inside; after completion the rule stops",
      readings: hours(0, 23, 0.5) + [("p1", 24, 0.99), ("p1", 25, 3), ("p1", 26, 0.5)],
      expected: [.completed(hour: 24, clockStartHour: 0, restarts: 0)]),
    Case(
      name: "a reading above the limit at the very end still restarts",
      readings: hours(0, 23, 0.5) + [("p1", 24, 1)] + hours(25, 50, 0.5),
      expected: [.restarted(hour: 24), .running(hour: 25), .completed(hour: 49, clockStartHour: 25, restarts: 1)]),
    Case(
      name: "a probe silent for more than 6 h after reading above the limit no longer holds the clock",
      readings: [("p2", 0, 1.5)] + hours(0, 40, 0.5),
      expected: [.completed(hour: 31, clockStartHour: 7, restarts: 0)]),
    Case(
      name: "two restarts, each its own alert",
      readings: hours(0, 3, 0.5) + [("p1", 4, 1.5), ("p1", 5, 1.5)] + hours(6, 8, 0.5) + [("p1", 9, 2)]
        + hours(10, 40, 0.5),
      expected: [
        .restarted(hour: 4), .running(hour: 6), .restarted(hour: 9), .running(hour: 10),
        .completed(hour: 34, clockStartHour: 10, restarts: 2),
      ]),
  ]

  static func reduce(_ events: [LotEvent]) -> [Expected] {
    events.map { event in
      switch event {
      case .alert(let alert) where alert.type == .opened:
        .restarted(hour: LotFixtures.start.hours(until: alert.at))
      case .alert(let alert):
        .running(hour: LotFixtures.start.hours(until: alert.at))
      case .treatmentCompleted(let done):
        .completed(
          hour: LotFixtures.start.hours(until: done.completedAt),
          clockStartHour: LotFixtures.start.hours(until: done.clockStart), restarts: done.restarts)
      }
    }
  }

  @Test(arguments: cases)
  func treatmentClock(_ test: Case) {
    var state = LotRuleState()
    let events = LotFixtures.run(
      test.readings.map { ($0.probe, LotFixtures.at(hours: $0.hour), $0.tempC, nil) },
      profile: LotFixtures.treatment(days: 1), state: &state)
    #expect(Self.reduce(events) == test.expected)
    for alert in LotFixtures.alerts(events) {
      #expect(alert.kind == .treatment)
      #expect(alert.severity == .critical)
      #expect(alert.key == SensorKey(site: "hongxuan", room: "cold2", sensor: "lot/LT-2026-0612/treatment"))
    }
    if case .completed(let hour, _, let restarts) = test.expected.last {
      #expect(state.treatment.completedAt == LotFixtures.at(hours: hour))
      #expect(state.treatment.restarts == restarts)
    }
  }

  @Test func aLotMovedFromAWarmRoomIsNotHeldByTheProbesItLeftBehind() {
    var state = LotRuleState()
    let profile = LotFixtures.treatment(days: 1)
    let warm = SensorKey(site: "hongxuan", room: "precool", sensor: "precool-air")
    let cold = SensorKey(site: "hongxuan", room: "ct1", sensor: "ct1-pulp")
    var events: [LotEvent] = []
    for (key, hour, tempC) in [(warm, 0.0, 8.0), (warm, 1, 4), (cold, 2, 0.5), (cold, 3, 0.5), (cold, 26, 0.5)] {
      events += LotEngine.process(
        Sample(seq: nil, ts: LotFixtures.at(hours: hour), tempC: tempC), key: key, lot: LotFixtures.lot,
        profile: profile, state: &state)
    }
    #expect(Self.reduce(events) == [.completed(hour: 26, clockStartHour: 2, restarts: 0)])
  }

  @Test func theMessagesSayWhenTheTreatmentCanFinish() {
    var state = LotRuleState()
    let events = LotFixtures.run(
      (Self.hours(0, 9, 0.5) + [("p1", 10, 1.2)] + Self.hours(11, 12, 0.5)).map {
        ($0.probe, LotFixtures.at(hours: $0.hour), $0.tempC, nil)
      }, profile: LotFixtures.treatment(days: 1), state: &state)
    let alerts = LotFixtures.alerts(events)
    try? #require(alerts.count == 2)
    #expect(
      alerts.first?.message
        == "cold treatment of LT-2026-0612 restarted: p1 read 1.2 °C above 0.99 °C after 10 h at or below; the full "
        + "24 h must run again, so it can finish at the earliest at 2026-06-14T03:00:00.000Z (restart 1)")
    #expect(
      alerts.last?.message
        == "cold treatment of LT-2026-0612 running again from 2026-06-13T04:00:00.000Z, every probe at or below "
        + "0.99 °C; it can finish at the earliest at 2026-06-14T04:00:00.000Z")
  }

  @Test func aProfileWithoutTreatmentKeepsNoClock() {
    var state = LotRuleState()
    let events = LotFixtures.run(
      Self.hours(0, 30, 3).map { ($0.probe, LotFixtures.at(hours: $0.hour), $0.tempC, nil) },
      profile: BuiltInProfiles.litchi, state: &state)
    #expect(events.isEmpty)
    #expect(state.treatment == TreatmentState())
  }
}

extension Timestamp {
  /// Hours from `self` to `later`.
  func hours(until later: Timestamp) -> Double { later.seconds(since: self) / 3600 }
}
