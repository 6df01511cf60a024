import ColdTraceCore
import ColdTraceMQTT
import Logging
import TestSupport
import Testing

@testable import ColdTraceAgent

/// A door that is open from 2.5 s to 4.2 s after the agent's clock starts.
private final class ScriptedDoor: RoomInput {
  let start: Timestamp
  init(start: Timestamp) { self.start = start }
  func read(at time: Timestamp) -> InputValue {
    let elapsed = time.seconds(since: start)
    return .state(elapsed >= 2.5 && elapsed < 4.2)
  }
}

/// `AgentRunner` with a room input, on the in-memory transport and the manual clock.
@Suite("Agent runner with inputs")
struct AgentRunnerInputTests {
  @Test("a heartbeat every round, each change at the next poll, all numbered in one sequence of the input's own")
  func heartbeatsAndChanges() throws {
    let directory = try TemporaryDirectory.make(prefix: "runner-inputs").path
    let transport = InMemoryTransport()
    let clock = ManualClock()
    let start = clock.now()
    clock.at(elapsed: 0) { transport.connect() }
    let door = InputConfiguration(id: "cold1-door", room: "cold1", signal: .door, driver: "test", pollSeconds: 0.2) {
      ScriptedDoor(start: $0.start)
    }
    var configuration = AgentConfiguration(
      site: "hx", agent: "edge-1", broker: BrokerAddress(host: "127.0.0.1"), stateDirectory: directory,
      intervalSeconds: 1, sensors: [])
    configuration.inputs = [door]
    let runner = AgentRunner(
      configuration: configuration, logger: Logger(label: "runner-inputs"), transport: transport.factory,
      clock: clock)
    try runner.run(maxSamples: 8, drainSeconds: 0) { false }

    let samples = try transport.publications(matching: "coldtrace/v1/reading/hx/cold1/cold1-door").flatMap {
      try ReadingDecoder.decode(topic: $0.topic, payload: $0.payload, now: clock.now()).get().samples
    }
    #expect(samples.compactMap(\.seq) == Array(1...Int64(samples.count)))
    #expect(samples.allSatisfy { $0.tempC == nil && $0.error == nil && $0.doorOpen != nil })
    let rounds = samples.filter { $0.ts.seconds(since: start).truncatingRemainder(dividingBy: 1) < 0.05 }
    #expect(rounds.count == 8, "one heartbeat per round: \(samples.map { $0.ts.seconds(since: start) })")
    let changes = samples.filter { !rounds.contains($0) }
    #expect(changes.map(\.doorOpen) == [true, false])
    let opened = try #require(changes.first).ts.seconds(since: start)
    let closed = try #require(changes.last).ts.seconds(since: start)
    #expect(opened >= 2.5 && opened <= 2.75, "opened seen at \(opened) s")
    #expect(closed >= 4.2 && closed <= 4.45, "closed seen at \(closed) s")
    #expect(zip(samples, samples.dropFirst()).allSatisfy { $0.ts <= $1.ts })
  }
}
