import ColdRoomScenarios
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Scenarios of `Simulators/scenarios/` played by the real agent (one `[[sensor]]` per scenario probe, placements
/// from the scenario) through a real mosquitto into the collector, with a litchi lot in the room: what placement
/// changes in the lot rules (docs/alert-rules.md, "Probe placement").
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ProbePlacementTests {
  private static let lot = ScenarioPlayback.lot

  /// The collector's config file in `facility`.
  private func configFile(_ facility: Facility) -> String {
    facility.directory.appendingPathComponent("collector.toml").path
  }

  /// Plays `scenario` (`hours` of it, `probes` by id, every `interval` seconds) with a litchi lot in the room, the
  /// collector's config ending with `collectorConfig` (`ScenarioPlayback`, which stops the collector at the end).
  ///
  /// The agent starts the scenario at the scenario's own UTC time of day: the simulated room runs its defrosts and
  /// its outside air by the time of day but the scenario's events from the agent's start, so at another time of day
  /// normal-week's afternoon door opening falls in a defrost and its air probes turn critical (the 15:50 UTC failure;
  /// `ScenarioTimeOfDayTests`).
  private func play(
    _ scenario: String, probes: [String], hours: Double, interval: Double, speed: Double,
    collectorConfig: String = "", facility: Facility
  ) throws -> ScenarioPlayback.Played {
    let path = ScenarioPlayback.scenarios.appendingPathComponent("\(scenario).toml").path
    let start = try ScenarioFile.load(path).start
    return try ScenarioPlayback(facility: facility).play(
      scenario, probes: probes, hours: hours, interval: interval, speed: speed,
      alignedTo: Double(start.milliseconds % 86_400_000) / 1000, collectorConfig: collectorConfig)
  }

  private static let normalWeekProbes = ["28-0316a2b4c5d6", "sht31-room", "28-0316a2b4c5f8"]

  private func summary(_ alerts: [AlertRecord]) -> String {
    alerts.map { "\($0.severity.rawValue) \($0.kind.rawValue) \($0.sensor) at \($0.openedAt.rfc3339)" }
      .joined(separator: "; ")
  }

  @Test func aNormalWeekJudgedByItsProductProbeRaisesNoCriticalAlert() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let played = try play(
      "normal-week", probes: Self.normalWeekProbes, hours: 7 * 24, interval: 300, speed: 20_000, facility: facility)
    let alerts = played.alerts
    print("normal-week, placements from the scenario: \(alerts.count) alerts: \(summary(alerts))")
    #expect(!alerts.contains { $0.severity == .critical }, "\(summary(alerts))")
    #expect(!alerts.contains { $0.kind == .budget }, "\(summary(alerts))")

    // The agent announced the scenario's placements; status and readings show them.
    let status = try facility.shell(["status", "--json"])
    #expect(status.status == 0, "\(status.stderr)")
    let product = try #require(status.stdout.split(separator: "\n").first { $0.contains("\"28-0316a2b4c5f8\"") })
    #expect(product.contains("\"placement\":\"product\""))
    let air = try #require(status.stdout.split(separator: "\n").first { $0.contains("\"sht31-room\"") })
    #expect(air.contains("\"placement\":\"air\""))
    // The week's last hour, wherever the time of day put it.
    let lastHour = played.start.adding(seconds: (7 * 24 - 1) * 3600).rfc3339
    let readings = try facility.shell(["readings", "--sensor", "28-0316a2b4c5f8", "--since", lastHour])
    #expect(readings.status == 0, "\(readings.stderr)")
    #expect(readings.stdout.contains("\"placement\":\"product\""))
  }

  @Test func theSameWeekJudgedByAirProbesOnlyStillOpensTheBudgetAlert() throws {
    // The collector overrides the product probe to `air`: the room has no product probe, its air probes judge the
    // lot as before placement existed, and the defrosts spend litchi's budget.
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let played = try play(
      "normal-week", probes: Self.normalWeekProbes, hours: 7 * 24, interval: 300, speed: 20_000,
      collectorConfig: "[placements]\n\"hongxuan/28-0316a2b4c5f8\" = \"air\"\n", facility: facility)
    let alerts = played.alerts
    print("normal-week, every probe overridden to air: \(alerts.count) alerts: \(summary(alerts))")
    #expect(alerts.contains { $0.kind == .budget && $0.severity == .critical && $0.lots == [Self.lot] })
    let status = try facility.shell(["status", "--json", "--config", configFile(facility)])
    let probes = status.stdout.split(separator: "\n").filter { $0.contains("\"sensor\":") }  // not the agent's line
    #expect(probes.count == 3)
    #expect(probes.allSatisfy { $0.contains("\"placement\":\"air\"") })
  }

  @Test func aDoorLeftOpenStillRaisesItsCriticalAlertNamingTheLot() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let probes = ["28-0316a2b4c5d6", "sht31-door"]
    let played = try play("door-left-open", probes: probes, hours: 6, interval: 60, speed: 2_000, facility: facility)
    let alerts = played.alerts
    print("door-left-open: \(alerts.count) alerts: \(summary(alerts))")
    let critical = try #require(
      alerts.first { $0.severity == .critical && $0.kind == .tempHigh && $0.lots == [Self.lot] },
      "\(summary(alerts))")
    // At the event time the alert engine alone gives over the same readings (as before placement existed).
    let readings = try played.store.readings(ReadingFilter()).filter { $0.key.sensor == critical.sensor }
    let replayed = AlertEngine.replay(readings.map { ($0.key, $0.sample) }, profile: BuiltInProfiles.litchi)
    let expected = try #require(replayed.first { $0.kind == .tempHigh && $0.type == .opened })
    #expect(critical.openedAt <= expected.at, "opened at \(critical.openedAt), engine alone \(expected.at)")
  }
}
