import ColdTraceMQTT
import Synchronization
import TestSupport
import Testing

/// The in-memory transport the agent's and the collector's tests run on behaves as `MosquittoClient` does.
struct InMemoryTransportTests {
  /// What the handlers heard, in order.
  final class Heard: Sendable {
    let events = Mutex<[ConnectionEvent]>([])
    let messages = Mutex<[(topic: String, text: String, retain: Bool)]>([])
    let outcomes = Mutex<[PublishOutcome]>([])

    func make(_ transport: InMemoryTransport) throws -> any MessageTransport {
      try transport.factory(
        ClientOptions(clientID: "t", broker: BrokerAddress(host: "127.0.0.1")),
        { message in
          let text = String(decoding: message.payload, as: UTF8.self)
          self.messages.withLock { $0.append((message.topic, text, message.retain)) }
        },
        { event in self.events.withLock { $0.append(event) } })
    }

    var completion: MosquittoClient.PublishCompletion { { outcome in self.outcomes.withLock { $0.append(outcome) } } }
  }

  @Test func connectSendsHeldQoS1MessagesThenReportsConnectedAndEverySubscription() throws {
    let transport = InMemoryTransport()
    let heard = Heard()
    let client = try heard.make(transport)
    try client.subscribe("a/+", qos: .atLeastOnce)
    try client.subscribe("b/#", qos: .atLeastOnce)
    client.start()
    #expect(transport.isStarted && !client.isConnected)
    #expect(try client.publish(topic: "x/1", payload: [1], completion: heard.completion) == 0)
    try client.publish(topic: "x/0", payload: [0], qos: .atMostOnce, retain: false, completion: nil)
    #expect(transport.publications.isEmpty)
    #expect(transport.heldCount == 1 && transport.droppedCount == 1)
    #expect(client.unacknowledgedCount == 1)

    transport.connect(sessionPresent: true)
    #expect(client.isConnected)
    #expect(transport.publications.map(\.topic) == ["x/1"])
    #expect(transport.heldCount == 0 && client.unacknowledgedCount == 1)
    #expect(
      heard.events.withLock { $0 } == [
        .connected(sessionPresent: true), .subscribed(filter: "a/+"), .subscribed(filter: "b/#"),
      ])
    try client.subscribe("c", qos: .atLeastOnce)
    #expect(heard.events.withLock { $0.last } == .subscribed(filter: "c"))
    #expect(transport.subscriptions == ["a/+", "b/#", "c"])
  }

  @Test func publishesCompleteWhenTheTestAcknowledgesOrRefusesThem() throws {
    let transport = InMemoryTransport()
    let heard = Heard()
    let client = try heard.make(transport)
    transport.connect()
    let first = try client.publish(topic: "t/1", payload: Array("one".utf8), completion: heard.completion)
    let second = try client.publish(topic: "t/2", payload: [], retain: true, completion: heard.completion)
    let third = try client.publish(topic: "t/3", payload: [], completion: heard.completion)
    #expect(first != 0 && Set([first, second, third]).count == 3)
    #expect(transport.awaitingAcknowledgement == [first, second, third])
    #expect(transport.publications[0].text == "one" && transport.publications[1].retain)
    #expect(transport.acknowledge(messageID: second))
    #expect(!transport.acknowledge(messageID: second), "acknowledged once only")
    #expect(transport.refuse(messageID: first, reasonCode: 0x87, reason: "Not authorized"))
    #expect(client.unacknowledgedCount == 1)
    #expect(transport.acknowledgeAll() == 1)
    #expect(
      heard.outcomes.withLock { $0 } == [.accepted, .refused(reasonCode: 0x87, reason: "Not authorized"), .accepted])
    #expect(client.unacknowledgedCount == 0)
  }

  @Test func automaticAcknowledgementCompletesAtOnce() throws {
    let transport = InMemoryTransport()
    let heard = Heard()
    let client = try heard.make(transport)
    transport.acknowledgesAutomatically = true
    try client.publish(topic: "t/held", payload: [], completion: heard.completion)
    #expect(heard.outcomes.withLock { $0 }.isEmpty)
    transport.connect()
    try client.publish(topic: "t/live", payload: [], completion: heard.completion)
    #expect(heard.outcomes.withLock { $0 } == [.accepted, .accepted])
    #expect(client.unacknowledgedCount == 0 && transport.publications.count == 2)
  }

  @Test func deliveryReachesTheHandlerOnlyWhenConnectedAndSubscribed() throws {
    let transport = InMemoryTransport()
    let heard = Heard()
    let client = try heard.make(transport)
    try client.subscribe("coldtrace/v1/ack/+/edge", qos: .atLeastOnce)
    #expect(!transport.deliver(topic: "coldtrace/v1/ack/hx/edge", text: "early"), "not connected")
    transport.connect()
    #expect(transport.deliver(topic: "coldtrace/v1/ack/hx/edge", text: "{}", retain: true))
    #expect(!transport.deliver(topic: "coldtrace/v1/ack/hx/other", text: "{}"), "no subscription matches")
    #expect(heard.messages.withLock { $0.map(\.text) } == ["{}"])
    #expect(heard.messages.withLock { $0[0].retain })
  }

  @Test func disconnectKeepsSentMessagesWaitingAndHoldsNewOnes() throws {
    let transport = InMemoryTransport()
    let heard = Heard()
    let client = try heard.make(transport)
    transport.connect()
    let sent = try client.publish(topic: "t/1", payload: [], completion: heard.completion)
    transport.disconnect(reason: "link down")
    #expect(!client.isConnected)
    #expect(heard.events.withLock { $0.last } == .disconnected(reason: "link down"))
    try client.publish(topic: "t/2", payload: [], completion: heard.completion)
    #expect(transport.awaitingAcknowledgement == [sent] && transport.heldCount == 1)
    #expect(client.unacknowledgedCount == 2)
    transport.report(.failed(reason: "connection refused", retryIn: 1))
    #expect(heard.events.withLock { $0.last } == .failed(reason: "connection refused", retryIn: 1))
  }

  @Test func stopAbandonsEverythingStillWaiting() throws {
    let transport = InMemoryTransport()
    let heard = Heard()
    let client = try heard.make(transport)
    transport.connect()
    try client.publish(topic: "t/1", payload: [], completion: heard.completion)
    transport.disconnect()
    try client.publish(topic: "t/2", payload: [], completion: heard.completion)
    client.stop()
    #expect(transport.isStopped && !client.isConnected)
    #expect(heard.outcomes.withLock { $0 } == [.abandoned, .abandoned])
    #expect(client.unacknowledgedCount == 0)
  }

  @Test func topicsAndFiltersAreCheckedAsLibmosquittoChecksThem() throws {
    let transport = InMemoryTransport()
    let client = try Heard().make(transport)
    #expect(throws: MQTTError.self) { try client.publish(topic: "a/+", payload: []) }
    #expect(throws: MQTTError.self) { try client.publish(topic: "", payload: []) }
    #expect(throws: MQTTError.self) { try client.subscribe("a/#/b", qos: .atLeastOnce) }
    #expect(throws: MQTTError.self) { try client.subscribe("a/b+", qos: .atLeastOnce) }
    #expect(TopicFilter.matches("a/+/c", topic: "a/b/c"))
    #expect(!TopicFilter.matches("a/+/c", topic: "a/b/c/d"))
    #expect(TopicFilter.matches("a/#", topic: "a"))
    #expect(TopicFilter.matches("a/#", topic: "a/b/c"))
    #expect(!TopicFilter.matches("#", topic: "$SYS/broker"))
    #expect(!TopicFilter.matches("a/b", topic: "a/b/c"))
  }
}
