import ColdRoomSimulation
import ColdTraceCore
import ColdTraceMQTT
import Logging
import TestSupport
import Testing

@testable import ColdTraceAgent

/// `AgentRunner` end to end on the in-memory transport and the manual clock: no broker, no waiting, the same run
/// every time. The test scripts the broker's side on the clock (`ManualClock.at`); the runner runs on the test's
/// thread and its sleeps move the clock.
struct AgentRunnerHarnessTests {
  static func configuration(stateDirectory: String) -> AgentConfiguration {
    let sensors = ["p1", "p2"].map { id in
      SensorConfiguration(id: id, room: "cold1", driver: SimulatedDriver.name) { context in
        SimulatedSensor(id: id, room: "cold1", model: SimpleColdRoom(start: context.start))
      }
    }
    return AgentConfiguration(
      site: "hx", agent: "edge-1", broker: BrokerAddress(host: "127.0.0.1"), stateDirectory: stateDirectory,
      intervalSeconds: 1, sensors: sensors)
  }

  @Test func roundsSampledOfflineAreSentAtTheConnectAndLeaveTheOutboxOnceAcknowledged() throws {
    let directory = try TemporaryDirectory.make(prefix: "runner").path
    let transport = InMemoryTransport()
    let clock = ManualClock()
    let ackTopic = Topics.ack(site: "hx", agent: "edge-1")
    let statusTopic = Topics.status(site: "hx", agent: "edge-1")
    // Rounds 0…5 (t = 0…5 s) are sampled before the broker is reachable; 6…9 after it.
    clock.at(elapsed: 5.5) { transport.connect() }
    clock.at(elapsed: 12) {
      transport.acknowledgeAll()
      transport.deliver(topic: ackTopic, text: #"{"sensors":{"p1":10,"p2":10}}"#)
    }

    let runner = AgentRunner(
      configuration: Self.configuration(stateDirectory: directory), logger: Logger(label: "runner-test"),
      transport: transport.factory, clock: clock)
    try runner.run(maxSamples: 10, drainSeconds: 60) { false }

    #expect(transport.isStarted && transport.isStopped)
    #expect(transport.subscriptions == [ackTopic, Topics.bridge(site: "hx")])
    #expect(transport.options?.will?.topic == statusTopic)
    #expect(transport.options?.cleanSession == false)
    let statuses = transport.publications(matching: statusTopic)
    #expect(statuses.count == 2)
    #expect(statuses.allSatisfy { $0.retain })
    #expect(statuses.first?.text.contains(#""state":"online""#) == true)
    #expect(statuses.last?.text.contains(#""state":"offline""#) == true)
    #expect(statuses.last?.text.contains(#""outbox":{"pending":0,"dropped":0}"#) == true)

    let readings = try transport.publications(matching: "coldtrace/v1/reading/hx/cold1/+").map { publication in
      try ReadingDecoder.decode(topic: publication.topic, payload: publication.payload, now: clock.now()).get()
    }
    for sensor in ["p1", "p2"] {
      let mine = readings.filter { $0.key.sensor == sensor }
      #expect(mine.flatMap { $0.samples.compactMap(\.seq) } == Array(1...10))
      #expect(mine.first?.isBatch == true && mine.first?.samples.count == 6, "the offline rounds, as one batch")
      #expect(mine.dropFirst().allSatisfy { !$0.isBatch }, "then live, one sample a message")
    }
    #expect(try Outbox(directory: directory).pendingCount == 0)
    #expect(clock.elapsedSeconds < 13, "stopped as soon as the collector confirmed everything")
  }
}
