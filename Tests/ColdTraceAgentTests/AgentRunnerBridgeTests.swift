import ColdRoomSimulation
import ColdTraceCore
import ColdTraceMQTT
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceAgent

/// `AgentRunner` behind a site broker: it reads the bridge's link state (`coldtrace/v1/bridge/<site>`) on its broker
/// and holds its re-sends while the uplink is down. In-memory transport, manual clock.
struct AgentRunnerBridgeTests {
  /// Batches (re-sends and replays) published so far, noted at moments of the scripted run.
  final class BatchLog: Sendable {
    let counts = Mutex<[String: Int]>([:])
    func note(_ moment: String, _ transport: InMemoryTransport) {
      let batches = transport.publications(matching: "coldtrace/v1/reading/hx/cold1/+").filter {
        $0.text.contains(#""samples":["#)
      }
      counts.withLock { $0[moment] = batches.count }
    }
    subscript(_ moment: String) -> Int? { counts.withLock { $0[moment] } }
  }

  @Test func reSendsWaitWhileTheBridgeSaysZeroAndResumeATimeoutAfterItSaysOne() throws {
    let directory = try TemporaryDirectory.make(prefix: "runner-bridge").path
    let transport = InMemoryTransport()
    transport.acknowledgesAutomatically = true  // the site broker takes every reading (PUBACK)
    let clock = ManualClock()
    let bridgeTopic = Topics.bridge(site: "hx")
    let log = BatchLog()
    clock.at(elapsed: 0.5) {
      transport.connect()
      transport.deliver(topic: bridgeTopic, text: "1", retain: true)
    }
    clock.at(elapsed: 2.4) { log.note("before", transport) }
    clock.at(elapsed: 2.5) { transport.deliver(topic: bridgeTopic, text: "0", retain: true) }  // the uplink drops
    clock.at(elapsed: 20.4) {
      log.note("down", transport)
      transport.deliver(topic: bridgeTopic, text: "1", retain: true)
    }
    clock.at(elapsed: 25.3) { log.note("timeout after up", transport) }
    clock.at(elapsed: 26) { log.note("past it", transport) }
    clock.at(elapsed: 31) {
      transport.deliver(topic: Topics.ack(site: "hx", agent: "edge-1"), text: #"{"sensors":{"p1":30,"p2":30}}"#)
    }

    var configuration = AgentRunnerHarnessTests.configuration(stateDirectory: directory)
    configuration.acknowledgementTimeoutSeconds = 5
    let runner = AgentRunner(
      configuration: configuration, logger: Logger(label: "runner-bridge-test"), transport: transport.factory,
      clock: clock)
    try runner.run(maxSamples: 30, drainSeconds: 60) { false }

    #expect(transport.subscriptions.contains(bridgeTopic))
    // Connected at 0.5 s: round 0 went as one batch a probe, then live; unconfirmed from 0.5 s.
    let before = try #require(log["before"])
    #expect(before == 2)
    #expect(log["down"] == before, "re-sent while the bridge said 0 (without it: every 5 s from 5.5 s)")
    #expect(log["timeout after up"] == before, "re-sent before a timeout had passed since the bridge said 1")
    #expect((log["past it"] ?? 0) > before, "nothing re-sent a timeout after the bridge came back")
    #expect(try Outbox(directory: directory).pendingCount == 0)
  }
}
