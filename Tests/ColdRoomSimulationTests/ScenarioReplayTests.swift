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

  /// Every alert event `profile` raises over a scenario, for its probe `probe` (the first by default).
  private func replay(
    _ name: String, probe: Int = 0, profile: ProductProfile = BuiltInProfiles.litchi
  ) throws -> [AlertEvent] {
    let scenario = try ScenarioFile.load(Self.scenarios.appendingPathComponent("\(name).toml").path)
    let key = SensorKey(site: "sim", room: "cold1", sensor: scenario.probes[probe].id)
    var state = SensorRuleState()
    var events: [AlertEvent] = []
    var seq: Int64 = 0
    scenario.play { snapshot, outputs in
      seq += 1
      let sample: Sample
      switch outputs[probe] {
      case .reading(let tempC, let rhPct): sample = Sample(seq: seq, ts: snapshot.time, tempC: tempC, rhPct: rhPct)
      case .crcFailure: sample = Sample(seq: seq, ts: snapshot.time, error: "CRC failed")
      case .absent: sample = Sample(seq: seq, ts: snapshot.time, error: "absent")
      }
      events += AlertEngine.process(sample, key: key, profile: profile, state: &state)
    }
    return events
  }

  /// The event time and temperature of every reading of the scenario's probe `probe`.
  private func temperatures(_ name: String, probe: Int = 0) throws -> [(ts: Timestamp, tempC: Double)] {
    let scenario = try ScenarioFile.load(Self.scenarios.appendingPathComponent("\(name).toml").path)
    var readings: [(ts: Timestamp, tempC: Double)] = []
    scenario.play { snapshot, outputs in
      if case .reading(let tempC, _) = outputs[probe] { readings.append((snapshot.time, tempC)) }
    }
    return readings
  }

  @Test func aDoorLeftOpenIsOneTemperatureAlertThatOpensAndResolves() throws {
    let events = try replay("door-left-open").filter { $0.kind == .tempHigh }
    #expect(events.first?.type == .opened)
    #expect(events.last?.type == .resolved)
    #expect(events.filter { $0.type == .opened }.count == 1, "no flapping: \(events.map(\.message))")
    #expect((events.last?.peak ?? 0) > 8)
  }

  @Test func aNormalWeekRaisesNoAlertAtAll() throws {
    // Four defrosts a day lift the air above 5 °C for up to 20 minutes and the door opens twice a day: litchi's
    // 45-minute warning delay and the trend rule's 50-minute sustain ride them out, on every probe of the room.
    for probe in 0..<3 {
      let events = try replay("normal-week", probe: probe)
      #expect(events.isEmpty, "probe \(probe): \(events.map(\.message))")
    }
  }

  @Test func twentyFiveMinuteDefrostsRaiseNoAlertOnTheAirProbe() throws {
    let events = try replay("defrost")
    #expect(events.isEmpty, "\(events.map(\.message))")
  }

  @Test func aFailingCompressorRaisesATrendWarningWellBeforeTheLimit() throws {
    let longan = BuiltInProfiles.longan
    let events = try replay("compressor-failure", profile: longan)
    let trend = try #require(events.first { $0.kind == .tempTrend && $0.type == .opened })
    let limit = try #require(longan.temperature.warningHigh?.threshold)
    let firstPast = try #require(try temperatures("compressor-failure").first { $0.tempC > limit })
    // The compressor fails at 02:00; the air jumps to about 6 °C, then creeps up at about 0.4 °C/h.
    #expect(trend.at.seconds(since: Timestamp.parseRFC3339("2026-06-12T02:00:00Z")!) <= 60 * 60)
    #expect(firstPast.ts.seconds(since: trend.at) >= 45 * 60, "warned at \(trend.at), past 7 °C at \(firstPast.ts)")
    #expect(trend.severity == .warning)
    #expect(events.filter { $0.kind == .tempTrend && $0.type == .opened }.count == 1)
    #expect(events.contains { $0.kind == .tempHigh && $0.type == .opened }, "the limit is passed later all the same")
  }

  @Test func aThreeHourPowerCutRaisesATemperatureAlert() throws {
    let events = try replay("power-cut-3h").filter { $0.kind == .tempHigh }
    #expect(events.contains { $0.type == .opened })
  }
}
