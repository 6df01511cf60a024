import ColdTraceCore
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The edge alarm with real programs: a real broker, the real collector publishing a room's limits, and the real
/// agent cut off from the broker by a proxy, driving a fixture GPIO value file from its simulated probe.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct EdgeAlarmIntegrationTests {
  @Test func anAgentCutOffFromTheBrokerDrivesItsGPIOLineWhileItsProbeIsPastTheRoomsCriticalLimit() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let link = try LoopbackProxy(targetPort: broker.port)
    defer { link.stop() }
    let facility = try Facility(broker: broker)
    let lot = try facility.shell(["lot", "add", "LC-7", "--product", "litchi", "--room", "hongxuan/cold2"])
    #expect(lot.status == 0, "\(lot.stderr)")
    try facility.startCollector()
    defer { facility.stopCollector() }

    // The collector's limits for cold2 are retained on the broker: a subscriber arriving later gets them (retained
    // only: a subscriber there before they are published gets a live copy, and looks again).
    var retained: LimitsMessage?
    _ = try eventually(timeout: 20) {
      let output = try Executables.run(
        URL(fileURLWithPath: "/usr/bin/mosquitto_sub"),
        [
          "-h", "127.0.0.1", "-p", String(broker.port), "-t", "coldtrace/v1/limits/hongxuan/cold2", "-C", "1", "-W",
          "2", "--retained-only",
        ])
      retained = LimitsMessage.decode(Array(output.stdout.utf8))
      return retained != nil
    }
    let limits = try #require(retained, "no retained limits; see \(facility.collectorLog)")
    #expect(limits.profile == "litchi" && limits.temperature.high == BandLimit(threshold: 8, delaySeconds: 600))

    // The agent plays a minute of event time per second: its door opens at minute 20 for 20 min and the air (with
    // 40 °C outside) passes 8 °C about 5 min later, so the alarm is due near minute 35 and clears near minute 45.
    let gpio = facility.directory.appendingPathComponent("gpio17-value")
    try "0\n".write(to: gpio, atomically: true, encoding: .utf8)
    // Event time starts an hour back (samples are never stamped in the future) and catches up in a minute.
    let anchor = WallClock.now().adding(seconds: 1)
    let start = anchor.adding(seconds: -3600).rfc3339
    let agent = try facility.startAgent(
      interval: 30,
      sensorTables: """
        [edge_alarm]
        after_minutes = 0.05
        output = "gpio"
        path = "\(gpio.path)"

        [[sensor]]
        id = "cold2-air"
        room = "cold2"
        driver = "simulated"
        seed = 3
        ambient_c = 40
        door_open_at_minute = 20
        door_open_minutes = 20
        """,
      arguments: [
        "--broker", link.url, "--start", start, "--anchor", anchor.rfc3339, "--speed", "60",
      ])
    defer { agent.stop() }
    let held = facility.agentStateDirectory().appendingPathComponent("edge-limits.jsonl")
    #expect(eventually(timeout: 15) { ((try? String(contentsOf: held, encoding: .utf8)) ?? "").contains("litchi") })
    link.cut()
    let cutAt = Date()
    func line() -> String { (try? String(contentsOf: gpio, encoding: .utf8)) ?? "" }

    #expect(eventually(timeout: 60) { line() == "1\n" }, "the alarm did not sound; see \(facility.agentLog().path)")
    let soundedAfter = Date().timeIntervalSince(cutAt)
    #expect(soundedAfter > 20, "sounded \(soundedAfter) s after the cut: before the door opened and the delay ran")
    #expect(eventually(timeout: 60) { line() == "0\n" }, "the alarm did not clear when the air came back")
    agent.stop()

    let log = try String(contentsOf: facility.agentLog(), encoding: .utf8)
    #expect(log.contains("edge alarm: no connection to the broker since"))
    #expect(log.contains("edge alarm ON: cold2-air in cold2:"))
    #expect(log.contains("edge alarm off: every probe is back inside its limits"))
    let config = facility.agentStateDirectory().appendingPathComponent("agent.toml").path
    let shown = try Executables.run(Executables.product("coldtrace-agent"), ["check-config", "--config", config])
    #expect(shown.stdout.contains("# edge alarm: gpio \(gpio.path), after 0.05 min without the broker"))
    #expect(shown.stdout.contains("# room cold2: litchi, critical temp_c < -0.5 °C for 10 min or > 8 °C for 10 min"))
    print("edge alarm: sounded \(String(format: "%.1f", soundedAfter)) s after the link was cut")
  }

  @Test func theAlarmClearsWhenTheLinkComesBack() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let link = try LoopbackProxy(targetPort: broker.port)
    defer { link.stop() }
    let facility = try Facility(broker: broker)
    _ = try facility.shell(["lot", "add", "LC-8", "--product", "litchi", "--room", "hongxuan/cold2"])
    try facility.startCollector()
    defer { facility.stopCollector() }
    let gpio = facility.directory.appendingPathComponent("gpio5-value")
    try "1\n".write(to: gpio, atomically: true, encoding: .utf8)
    // Door open from minute 5 and never closed: the alarm holds until the link returns. Active low: 0 is on.
    // Event time starts an hour back (samples are never stamped in the future) and catches up in a minute.
    let anchor = WallClock.now().adding(seconds: 1)
    let start = anchor.adding(seconds: -3600).rfc3339
    let agent = try facility.startAgent(
      interval: 30,
      sensorTables: """
        [edge_alarm]
        after_minutes = 0.05
        output = "gpio"
        path = "\(gpio.path)"
        active_low = true

        [[sensor]]
        id = "cold2-air"
        room = "cold2"
        driver = "simulated"
        ambient_c = 40
        door_open_at_minute = 5
        door_open_minutes = 10000
        """,
      arguments: ["--broker", link.url, "--start", start, "--anchor", anchor.rfc3339, "--speed", "60"])
    defer { agent.stop() }
    let held = facility.agentStateDirectory().appendingPathComponent("edge-limits.jsonl")
    #expect(eventually(timeout: 30) { ((try? String(contentsOf: held, encoding: .utf8)) ?? "").contains("litchi") })
    link.cut()
    func line() -> String { (try? String(contentsOf: gpio, encoding: .utf8)) ?? "" }
    #expect(eventually(timeout: 60) { line() == "0\n" }, "the alarm did not sound; see \(facility.agentLog().path)")
    try link.restore()
    #expect(eventually(timeout: 30) { line() == "1\n" }, "the alarm did not clear when the link came back")
    agent.stop()
    let log = try String(contentsOf: facility.agentLog(), encoding: .utf8)
    #expect(log.contains("edge alarm off: the broker is reachable again"))
  }
}
