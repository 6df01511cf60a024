import ColdTraceCore
import ColdTraceMQTT
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceAgent

/// The edge alarm inside `AgentRunner`, on the in-memory transport and the manual clock: the agent subscribes to its
/// site's limits, keeps what it receives, and drives its GPIO line once the broker has been gone for `after_minutes`
/// and the probe has been past the limit for the delay.
struct EdgeAlarmRunnerTests {
  /// A probe that always reads `tempC`.
  final class SteadyProbe: Sensor {
    let id = "p1"
    let room = "cold1"
    let tempC: Double
    init(tempC: Double) { self.tempC = tempC }
    func read(at time: Timestamp) -> SensorValue { .values(tempC: tempC, rhPct: 92) }
  }

  @Test func theRunnerKeepsItsSitesLimitsAndSoundsTheLineOnlyAfterTheOutageAndTheDelay() throws {
    let directory = try TemporaryDirectory.make(prefix: "edge-runner").path
    let gpio = directory + "/value"
    try "0\n".write(toFile: gpio, atomically: true, encoding: .utf8)
    var configuration = AgentRunnerHarnessTests.configuration(stateDirectory: directory)
    configuration.intervalSeconds = 60
    configuration.sensors = [
      SensorConfiguration(id: "p1", room: "cold1", driver: "steady") { _ in SteadyProbe(tempC: 12) }
    ]
    configuration.edgeAlarm = EdgeAlarmConfiguration(afterSeconds: 300, output: .gpio(path: gpio, activeLow: false))
    let transport = InMemoryTransport()
    let clock = ManualClock()
    let limits = LimitsMessage(site: "hx", room: "cold1", profile: BuiltInProfiles.litchi, ts: clock.now())
    let seen = Mutex<[Double: String]>([:])
    func look(at elapsed: Double) {
      clock.at(elapsed: elapsed) {
        let text = (try? String(contentsOfFile: gpio, encoding: .utf8)) ?? ""
        seen.withLock { $0[elapsed] = text }
      }
    }
    clock.at(elapsed: 0.5) { transport.connect() }
    clock.at(elapsed: 1) {
      _ = transport.deliver(topic: "coldtrace/v1/limits/hx/cold1", text: limits.encode(), retain: true)
      _ = transport.deliver(topic: "coldtrace/v1/limits/hx/cold2", text: "{\"v\":1}")
    }
    // Connected until 30 s. The round of t = 0 had no limits yet; the probe is past 8 °C from the round of t = 60, so
    // the delay has run at 660 s, the outage at 330 s.
    clock.at(elapsed: 30) { transport.disconnect() }
    look(at: 340)
    look(at: 650)
    look(at: 670)

    try AgentRunner(
      configuration: configuration, logger: Logger(label: "edge-runner-test"), transport: transport.factory,
      clock: clock
    ).run(maxSamples: 13, drainSeconds: 0) { false }

    #expect(transport.subscriptions.contains("coldtrace/v1/limits/hx/+"))
    #expect(try EdgeLimitsFile(directory: directory).rooms["cold1"]?.profile == "litchi")
    #expect(seen.withLock { $0 } == [340: "0\n", 650: "0\n", 670: "1\n"])
  }
}
