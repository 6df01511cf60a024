import ColdTraceCore
import ColdTraceMQTT
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceAgent

/// The in-memory broker routes between in-memory transports as mosquitto would; an agent runs against it.
struct InMemoryBrokerTests {
  static let options = ClientOptions(clientID: "t", broker: BrokerAddress(host: "127.0.0.1"))

  /// What one transport's message handler received, as "topic=text" (with " (retained)").
  final class Received: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ message: ReceivedMessage) {
      let text = String(decoding: message.payload, as: UTF8.self) + (message.retain ? " (retained)" : "")
      lines.withLock { $0.append("\(message.topic)=\(text)") }
    }
  }

  /// A transport of `broker`, made as the code under test would make it.
  static func client(
    _ broker: InMemoryBroker, options: ClientOptions = options, received: Received = Received()
  ) throws -> InMemoryTransport {
    let transport = broker.makeTransport()
    _ = try transport.factory(options, { received.append($0) }, { _ in })
    return transport
  }

  @Test func routesByFilterAndHandsRetainedMessagesToNewSubscriptions() throws {
    let broker = InMemoryBroker()
    let early = Received()
    let late = Received()
    let subscriber = try Self.client(broker, received: early)
    try subscriber.subscribe("r/+", qos: .atLeastOnce)
    subscriber.connect()
    let publisher = try Self.client(broker)
    publisher.connect()
    let accepted = Mutex(0)
    try publisher.publish(topic: "r/1", payload: Array("x".utf8), retain: true) { outcome in
      if outcome == .accepted { accepted.withLock { $0 += 1 } }
    }
    try publisher.publish(topic: "r/2", payload: Array("y".utf8))
    try publisher.publish(topic: "other", payload: Array("z".utf8))
    #expect(accepted.withLock { $0 } == 1, "the broker acknowledges at once")
    #expect(early.all.isEmpty, "nothing is delivered before runPending")
    #expect(broker.runPending() == 3)
    #expect(early.all == ["r/1=x", "r/2=y"])

    let newcomer = try Self.client(broker, received: late)
    try newcomer.subscribe("r/#", qos: .atLeastOnce)
    newcomer.connect()
    broker.runPending()
    #expect(late.all == ["r/1=x (retained)"])
    try publisher.publish(topic: "r/1", payload: [], retain: true)
    broker.runPending()
    #expect(broker.retained(on: "r/1") == nil, "an empty retained message clears it")
  }

  @Test func aLostConnectionPublishesTheWillAStopDoesNot() throws {
    let broker = InMemoryBroker()
    let seen = Received()
    let watcher = try Self.client(broker, received: seen)
    try watcher.subscribe("status/#", qos: .atLeastOnce)
    watcher.connect()
    var options = Self.options
    options.will = .init(topic: "status/a", payload: Array("offline".utf8))
    for lost in [true, false] {
      let transport = broker.makeTransport()
      _ = try transport.factory(options, { _ in }, { _ in })
      transport.connect()
      if lost { transport.disconnect() } else { transport.stop() }
    }
    broker.runPending()
    #expect(seen.all == ["status/a=offline"])
    #expect(broker.retained(on: "status/a") == Array("offline".utf8))
  }

  /// An agent and a stand-in collector that acknowledges every reading it receives: the agent's outbox empties.
  @Test func anAgentTalksToACollectorThroughTheBroker() throws {
    let directory = try TemporaryDirectory.make(prefix: "broker").path
    let broker = InMemoryBroker()
    let clock = ManualClock()
    let collector = broker.makeTransport()
    let stored = Mutex<[String: [Int64]]>([:])
    _ = try collector.factory(
      Self.options,
      { message in
        guard
          case .success(let reading) = ReadingDecoder.decode(
            topic: message.topic, payload: message.payload, now: clock.now())
        else { return }
        let seqs = reading.samples.compactMap(\.seq)
        let top = stored.withLock { stored in
          stored[reading.key.sensor, default: []] += seqs
          return stored[reading.key.sensor]!.max()!
        }
        _ = try? collector.publish(
          topic: Topics.ack(site: "hx", agent: reading.agent ?? ""),
          payload: Array(#"{"sensors":{"\#(reading.key.sensor)":\#(top)}}"#.utf8))
      }, { _ in })
    try collector.subscribe(Topics.readingFilter, qos: .atLeastOnce)
    collector.connect()
    let agent = broker.makeTransport()
    clock.at(elapsed: 3.5) { agent.connect() }
    for tick in 1...200 { clock.at(elapsed: Double(tick) * 0.1) { broker.runPending() } }

    let runner = AgentRunner(
      configuration: AgentRunnerHarnessTests.configuration(stateDirectory: directory),
      logger: Logger(label: "broker-test"), transport: agent.factory, clock: clock)
    try runner.run(maxSamples: 8, drainSeconds: 30) { false }

    #expect(stored.withLock { $0 } == ["p1": Array(1...8), "p2": Array(1...8)])
    #expect(try Outbox(directory: directory).pendingCount == 0)
    #expect(broker.retained(on: Topics.status(site: "hx", agent: "edge-1"))?.isEmpty == false)
    #expect(clock.elapsedSeconds < 10)
  }
}
