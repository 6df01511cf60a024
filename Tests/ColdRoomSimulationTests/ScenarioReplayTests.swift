import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceCore
import Foundation
import Testing

/// The alert engine replaying the simulator's scenarios, three weeks of a room in a second: what a monitor should
/// say about each story.
struct ScenarioReplayTests {
  private static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Simulators/scenarios")

  /// Every alert event the litchi profile raises over a scenario, for its first probe.
  private func replay(_ name: String) throws -> [AlertEvent] {
    let scenario = try ScenarioFile.load(Self.scenarios.appendingPathComponent("\(name).toml").path)
    let key = SensorKey(site: "sim", room: "cold1", sensor: scenario.probes[0].id)
    var state = SensorRuleState()
    var events: [AlertEvent] = []
    var seq: Int64 = 0
    scenario.play { snapshot, outputs in
      seq += 1
      let sample: Sample
      switch outputs[0] {
      case .reading(let tempC, let rhPct): sample = Sample(seq: seq, ts: snapshot.time, tempC: tempC, rhPct: rhPct)
      case .crcFailure: sample = Sample(seq: seq, ts: snapshot.time, error: "CRC failed")
      case .absent: sample = Sample(seq: seq, ts: snapshot.time, error: "absent")
      }
      events += AlertEngine.process(sample, key: key, profile: BuiltInProfiles.litchi, state: &state)
    }
    return events
  }

  @Test func aDoorLeftOpenIsOneTemperatureAlertThatOpensAndResolves() throws {
    let events = try replay("door-left-open").filter { $0.kind == .tempHigh }
    #expect(events.first?.type == .opened)
    #expect(events.last?.type == .resolved)
    #expect(events.filter { $0.type == .opened }.count == 1, "no flapping: \(events.map(\.message))")
    #expect((events.last?.peak ?? 0) > 8)
  }

  @Test func aNormalWeeksDefrostsNeverRaiseACriticalAlert() throws {
    // Four defrosts a day lift the air above 5 °C for about 20 minutes: with litchi's 15-minute warning delay they
    // raise short warnings (a known issue, left to the alert-engine work: defrost awareness or a longer delay), but
    // never a critical alert, and every warning resolves.
    let events = try replay("normal-week").filter { $0.kind == .tempHigh || $0.kind == .tempLow }
    #expect(events.allSatisfy { $0.severity == .warning })
    #expect(events.filter { $0.type == .opened }.count == events.filter { $0.type == .resolved }.count)
  }

  @Test func aThreeHourPowerCutRaisesATemperatureAlert() throws {
    let events = try replay("power-cut-3h").filter { $0.kind == .tempHigh }
    #expect(events.contains { $0.type == .opened })
  }
}
