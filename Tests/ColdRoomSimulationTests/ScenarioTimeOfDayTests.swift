import ColdRoomScenarios
import ColdTraceAgent
import ColdTraceCore
import Testing

/// The agent's `simulated` driver times a scenario's events from the agent's own start, while the simulated room
/// takes its scheduled defrosts and its outside air from the time of day: how far a scenario's events fall from its
/// defrosts depends on when the agent starts. A test that plays a scenario through the agent must start it at the
/// scenario's own time of day (`ScenarioPlayback`'s `alignedTo`), or its alerts depend on the wall clock.
@Suite struct ScenarioTimeOfDayTests {
  /// normal-week's own start: local midnight, 17:00 UTC.
  private static let ownStart = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  /// A start at 15:50 UTC: the 6-minute door opening at +15.25 h falls at 14:05 local, inside the 14:00 defrost
  /// and at the day's hottest outside air (how `ProbePlacementTests` failed when run at that time of day).
  private static let afternoonStart = Timestamp.parseRFC3339("2026-11-30T15:50:00Z")!
  private static let airProbes = ["28-0316a2b4c5d6", "sht31-room"]
  private static let productProbe = "28-0316a2b4c5f8"

  /// The hours after `start` at which each probe's `temp_high` turned critical against litchi, judged by the alert
  /// engine alone (no pause: the collector knows nothing of the room's defrosts and doors) over a week of the agent's
  /// scenario sensor sampled every 5 min.
  private func criticalHours(from start: Timestamp) throws -> [String: [Double]] {
    let scenario = try ScenarioFile.load(ScenarioTests.path("normal-week"))
    var hours: [String: [Double]] = [:]
    for probe in Self.airProbes + [Self.productProbe] {
      let sensor = ScenarioSensor(id: probe, room: "cold2", scenario: scenario, probe: probe, start: start)
      let key = SensorKey(site: "hongxuan", room: "cold2", sensor: probe)
      var state = SensorRuleState()
      hours[probe] = []
      for index in 0..<(7 * 288) {
        let ts = start.adding(seconds: Double(index) * 300)
        guard case .values(let tempC, let rhPct) = sensor.read(at: ts) else { continue }
        let sample = Sample(seq: Int64(index + 1), ts: ts, tempC: tempC, rhPct: rhPct)
        for event in AlertEngine.process(sample, key: key, profile: BuiltInProfiles.litchi, state: &state)
        where event.kind == .tempHigh && event.severity == .critical && event.type != .resolved {
          hours[probe, default: []].append(event.at.seconds(since: start) / 3600)
        }
      }
    }
    return hours
  }

  @Test func aNormalWeekStartedAtItsOwnTimeOfDayTakesNoProbePastLitchisCriticalLimit() throws {
    let hours = try criticalHours(from: Self.ownStart)
    #expect(hours.values.allSatisfy { $0.isEmpty }, "\(hours)")
  }

  @Test func startedAtTheWrongTimeOfDayItsAfternoonDoorMeetsADefrostAndTheAirTurnsCriticalDaily() throws {
    let hours = try criticalHours(from: Self.afternoonStart)
    // The product probe stays well inside (the product's mass barely moves); each air probe turns critical once a
    // day, a quarter of an hour after the 6-minute door opening at +15.25 h (+39.25 h, …): 14 alerts in the week.
    #expect(hours[Self.productProbe] == [], "\(hours)")
    for probe in Self.airProbes {
      let times = try #require(hours[probe])
      #expect(times.count == 7, "\(probe): \(times)")
      let hoursIntoTheDay = times.map { $0.truncatingRemainder(dividingBy: 24) }
      #expect(hoursIntoTheDay.allSatisfy { $0 > 15.25 && $0 < 16 }, "\(probe): \(times)")
    }
  }
}
