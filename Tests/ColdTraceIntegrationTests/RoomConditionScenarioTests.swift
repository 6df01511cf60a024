import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// A normal week in an air-only litchi room, played by the real agent through a real mosquitto into the collector
/// (docs/alert-rules.md, "Defrost and doors"): quiet once the collector knows the room's defrosts and doors, from
/// the controller's inputs, from a schedule, or from an evaporator probe; and, without them, the budget alert it
/// raised before, so these tests can fail.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct RoomConditionScenarioTests {
  /// The normal week's air probes: its product probe is left out.
  private static let airOnly = ["28-0316a2b4c5d6", "sht31-room"]
  /// normal-week.toml starts at 17:00 UTC (local midnight).
  private static let midnight = 61_200.0

  private func play(
    _ scenario: String, probes: [String], hours: Double, interval: Double, speed: Double,
    collectorConfig: String = "", inputs: Set<RoomSignal> = [], after: ((Facility) throws -> Void)? = nil
  ) throws -> ScenarioPlayback.Played {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let played = try ScenarioPlayback(facility: facility).play(
      scenario, probes: probes, hours: hours, interval: interval, speed: speed, alignedTo: Self.midnight,
      collectorConfig: collectorConfig, inputs: inputs)
    try after?(facility)
    print("\(scenario) (inputs: \(inputs.map(\.rawValue)), config: \(!collectorConfig.isEmpty)): \(played.summary)")
    return played
  }

  private func critical(_ played: ScenarioPlayback.Played) -> [AlertRecord] {
    played.alerts.filter { $0.severity == .critical }
  }

  @Test func aNormalWeekWithTheControllersInputsRaisesNoCriticalAlert() throws {
    let played = try play(
      "normal-week", probes: Self.airOnly, hours: 7 * 24, interval: 300, speed: 20_000, inputs: [.defrost, .door])
    #expect(critical(played).isEmpty, "\(played.summary)")
    let spans = try played.store.roomSpans(site: "hongxuan", room: "cold2")
    #expect(spans.filter { $0.signal == .defrost }.count == 28, "four defrosts a day")
    #expect(spans.filter { $0.signal == .door }.count == 14, "two door openings a day")
    #expect(spans.allSatisfy { $0.source == .input && $0.end != nil })
  }

  @Test func aNormalWeekWithItsDefrostScheduleAndDoorContactRaisesNoCriticalAlert() throws {
    // The controller's defrost output is not wired: the defrosts come from the schedule, the doors from the contact.
    let played = try play(
      "normal-week", probes: Self.airOnly, hours: 7 * 24, interval: 300, speed: 20_000,
      collectorConfig: RoomFailureScenarioTests.schedule, inputs: [.door])
    #expect(critical(played).isEmpty, "\(played.summary)")
    let spans = try played.store.roomSpans(site: "hongxuan", room: "cold2")
    let defrosts = spans.filter { $0.signal == .defrost }
    #expect(defrosts.count >= 27 && defrosts.allSatisfy { $0.source == .schedule }, "\(defrosts.count) defrosts")
    #expect(spans.filter { $0.signal == .door }.count == 14)
  }

  @Test func aNormalWeekWithOnlyItsDefrostScheduleSpendsTheBudgetOnItsDoorsAlone() throws {
    // Only the schedule: the defrosts are known, the 14 door openings (4–6 min, the air above 5 °C for about ten
    // minutes each) are not, and they alone use litchi's 120 minutes up near the end of the week, where the
    // defrosts used them up on day 2.
    let played = try play(
      "normal-week", probes: Self.airOnly, hours: 7 * 24, interval: 300, speed: 20_000,
      collectorConfig: RoomFailureScenarioTests.schedule)
    let budget = try #require(played.alerts.first { $0.kind == .budget }, "\(played.summary)")
    #expect(budget.openedAt.seconds(since: played.start) > 5 * 86_400, "\(played.summary)")
    #expect(!played.alerts.contains { $0.severity == .critical && $0.kind != .budget }, "\(played.summary)")
  }

  @Test func aNormalWeekWithoutThemStillUsesUpTheBudgetOnDayTwo() throws {
    let played = try play("normal-week", probes: Self.airOnly, hours: 7 * 24, interval: 300, speed: 20_000)
    let budget = played.alerts.first {
      $0.kind == .budget && $0.severity == .critical && $0.lots == [ScenarioPlayback.lot]
    }
    #expect(budget.map { $0.openedAt.seconds(since: played.start) < 2 * 86_400 } == true, "\(played.summary)")
  }

  @Test func theDefrostScenarioWithOnlyItsEvaporatorProbeRaisesNoCriticalAlert() throws {
    let played = try play(
      "defrost", probes: ["28-0316a2b4c5d6", "28-0316a2b4c5e7"], hours: 24, interval: 60, speed: 5_000)
    #expect(critical(played).isEmpty, "\(played.summary)")
    #expect(!played.alerts.contains { $0.kind == .defrostOverrun }, "\(played.summary)")
    let spans = try played.store.roomSpans(site: "hongxuan", room: "cold2")
    #expect(spans.count == 4, "\(spans)")
    #expect(spans.allSatisfy { $0.source == .evaporator && $0.sensor == "28-0316a2b4c5e7" })
  }

  @Test func aDefrostThatOverrunsRaisesDefrostOverrun() throws {
    let played = try play(
      "defrost-overrun", probes: ["28-0316a2b4c5d6"], hours: 4, interval: 60, speed: 2_000, inputs: [.defrost],
      after: expectStatusShowsTheDefrost)
    let overrun = try #require(played.alerts.first { $0.kind == .defrostOverrun }, "\(played.summary)")
    #expect(overrun.sensor == ScenarioPlayback.defrostInput)
    #expect(overrun.lots == [ScenarioPlayback.lot])
    // The heater stuck on at minute 60: past the 45-min maximum at 105, resolved when it stops at 130.
    let opened = overrun.openedAt.seconds(since: played.start) / 60
    #expect(opened > 105 && opened <= 107, "opened at +\(opened) min")
    let resolved = try #require(overrun.resolvedAt).seconds(since: played.start) / 60
    #expect(resolved >= 130 && resolved <= 132, "resolved at +\(resolved) min")
  }

  /// `coldtrace status` shows the input's state instead of values, and a defrost going on now in the room.
  private func expectStatusShowsTheDefrost(_ facility: Facility) throws {
    let json = try facility.shell(["status", "--json"])
    #expect(json.status == 0, "\(json.stderr)")
    let input = try #require(json.stdout.split(separator: "\n").first { $0.contains(ScenarioPlayback.defrostInput) })
    #expect(input.contains("\"defrost\":false"))
    #expect(input.contains("\"room_defrosting\":false"))
    let text = try facility.shell(["status"])
    #expect(text.stdout.contains("defrost off"), "\(text.stdout)")
    #expect(!text.stdout.contains("defrost on since"))
    // A defrost that began a minute ago (as an input would report it) and still lasts.
    let store = try SQLiteStore(path: facility.database, create: false)
    let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
    _ = try store.write { tx in
      try tx.openRoomSpan(
        RoomSpan(
          signal: .defrost, source: .input, sensor: ScenarioPlayback.defrostInput, start: now.adding(seconds: -60),
          end: nil),
        site: "hongxuan", room: "cold2")
    }
    let during = try facility.shell(["status", "--json"])
    let probes = during.stdout.split(separator: "\n").filter { $0.contains("\"sensor\":") }  // not the agent's line
    #expect(!probes.isEmpty && probes.allSatisfy { $0.contains("\"room_defrosting\":true") })
    let heading = try facility.shell(["status", "--lang", "en"])
    #expect(heading.stdout.contains("defrost on since"), "\(heading.stdout)")
    let vietnamese = try facility.shell(["status", "--lang", "vi"])
    #expect(vietnamese.stdout.contains("đang xả đá"), "\(vietnamese.stdout)")
  }
}
