import ColdRoomScenarios
import ColdTraceCore
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Issue 17's whole path for a room with air probes only: `coldtrace-sim run --modbus-port` plays normal-week.toml
/// (and defrost.toml), the real agent reads the air probes' registers and the controller's defrost coil and door contact over
/// Modbus on the simulator's time base (`--start --speed --anchor`), publishes through a real mosquitto, and the real
/// collector judges a litchi lot in the room. Without the defrost signal, these air probes use up the lot's 120-min
/// budget on day 2 (`ProbePlacementTests`); with it, the room stays quiet.
@Suite("Defrost read over Modbus and judged by the collector", .serialized, .timeLimit(.minutes(10)))
struct DefrostOverModbusTests {
  static let lot = "LT-2026-0612"

  /// One scenario as this test plays it: how much of it, how fast, and the least time its air probe spends above
  /// litchi's 5 °C warning (what the pause must keep from counting).
  struct Play: Sendable, CustomTestStringConvertible {
    var scenario: String
    var days: Double
    var interval: Double
    var speed: Double
    var defrosts: ClosedRange<Int>
    var warmMinutes: Double
    /// The agent's `[[sensor]]` tables after the first (the air probe at registers 1–2 is always read).
    var moreSensors: String = ""
    var testDescription: String { scenario }
  }

  static let plays = [
    // The first three days of the week: the budget runs out on day 2 when defrosts count.
    Play(
      scenario: "normal-week", days: 3, interval: 300, speed: 3_000, defrosts: 12...13, warmMinutes: 120,
      moreSensors: """
        [[sensor]]
        id = "cold2-sht31"
        room = "cold2"
        MODBUS temp = { function = 4, register = 3, scale = 0.1 }
        rh = { function = 4, register = 4, format = "uint16", scale = 0.1 }
        """),
    // Four 25-minute defrosts in a day, one probe in the air (the evaporator probe is not read here).
    Play(scenario: "defrost", days: 1, interval: 60, speed: 1_440, defrosts: 4...5, warmMinutes: 20),
  ]

  @Test(arguments: plays)
  func anAirOnlyRoomRaisesNoCriticalAlertWithTheControllersDefrostSignal(_ play: Play) throws {
    var scenario = try ScenarioFile.load(ScenarioTests.path(play.scenario))
    // Played from three and a half days ago (whole minutes), so the event times end before now and stay within the
    // collector's offline limit of a week: the simulator and the agent both take this start (`--start`).
    let now = WallClock.now().milliseconds
    scenario.start = Timestamp(milliseconds: (now - Int64((play.days + 0.5) * 86_400_000)) / 60_000 * 60_000)
    var defrosts = 0
    var wasDefrosting = false
    scenario.play { snapshot, _ in
      guard snapshot.time.seconds(since: scenario.start) < play.days * 86_400 else { return }
      if snapshot.defrosting && !wasDefrosting { defrosts += 1 }
      wasDefrosting = snapshot.defrosting
    }
    #expect(play.defrosts.contains(defrosts), "four defrosts a day, \(defrosts) played")

    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let config = facility.directory.appendingPathComponent("collector.toml").path
    // The collector's clock runs days ahead of the played event time: no probe may look silent meanwhile.
    try "offline_after_minutes = 10080\n".write(toFile: config, atomically: true, encoding: .utf8)
    try facility.startCollector(arguments: ["--config", config])
    let lot = try facility.shell([
      "lot", "add", Self.lot, "--product", "litchi", "--room", "hongxuan/cold2", "--at", scenario.start.rfc3339,
    ])
    #expect(lot.status == 0, "\(lot.stderr)")

    let port = try #require(FreePort.find())
    let anchor = WallClock.now().adding(seconds: 4).rfc3339
    let simulator = try ChildProcess(
      name: "sim", executable: Executables.product("coldtrace-sim").path,
      arguments: [
        "run", "--scenario", ScenarioTests.path(play.scenario), "--start", scenario.start.rfc3339, "--speed",
        "\(play.speed)", "--anchor", anchor, "--modbus-port", "\(port)",
      ],
      log: facility.directory.appendingPathComponent("sim.log").path)
    defer { simulator.stop() }
    let modbus = "driver = \"modbus\"\ntransport = \"tcp\"\nhost = \"127.0.0.1\"\nport = \(port)\n"
    // The scenario's first probe hangs in the air; the room has no product probe.
    let tables = """
      [[sensor]]
      id = "cold2-air"
      room = "cold2"
      \(modbus)temp = { function = 4, register = 1, scale = 0.1 }

      \(play.moreSensors.replacingOccurrences(of: "MODBUS ", with: modbus))

      [[input]]
      id = "cold2-defrost"
      room = "cold2"
      signal = "defrost"
      poll_seconds = 0.2
      \(modbus)coil = 0

      [[input]]
      id = "cold2-door"
      room = "cold2"
      signal = "door"
      poll_seconds = 0.2
      \(modbus)discrete_input = 1
      """
    let rounds = Int(play.days * 86_400 / play.interval)
    let agent = try facility.startAgent(
      samples: rounds, interval: play.interval, sensorTables: tables,
      arguments: ["--start", scenario.start.rfc3339, "--speed", "\(play.speed)", "--anchor", anchor])
    defer { agent.stop() }
    #expect(agent.wait(seconds: 300), "the agent did not finish; see \(facility.agentLog().path)")
    #expect(agent.exitStatus == 0)
    #expect(eventually(timeout: 60) { (try? readings(facility, "cold2-air").count) == rounds })

    // The air really was warm enough to matter: its readings above litchi's 5 °C warning add up past the budget.
    let air = try readings(facility, "cold2-air").compactMap { $0["temp_c"] as? Double }
    let warmMinutes = Double(air.filter { $0 > 5 }.count) * play.interval / 60
    #expect(warmMinutes > play.warmMinutes, "the air was above 5 °C for \(warmMinutes) min")

    let alerts = try facility.shell(["alerts", "--json"])
    #expect(alerts.status == 0, "\(alerts.stderr)")
    let critical = alerts.stdout.split(separator: "\n").filter { $0.contains(#""severity":"critical""#) }
    #expect(critical.isEmpty, "\(critical)")

    // The collector understood the controller's defrosts: the lot report lists them.
    let report = try facility.shell(["report", Self.lot, "--format", "json"])
    #expect(report.status == 0, "\(report.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
    let spans = (object["spans"] as? [[String: Any]] ?? []).filter {
      $0["signal"] as? String == "defrost" && $0["source"] as? String == "input"
    }
    #expect(abs(spans.count - defrosts) <= 1, "\(spans.count) defrost spans from the input, \(defrosts) played")
  }

  /// The stored readings of `sensor`, as `coldtrace readings` prints them.
  private func readings(_ facility: Facility, _ sensor: String) throws -> [[String: Any]] {
    let listed = try facility.shell(["readings", "--sensor", sensor])
    return listed.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }
}
