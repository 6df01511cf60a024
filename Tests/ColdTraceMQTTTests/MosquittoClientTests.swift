import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceMQTT

/// The libmosquitto wrapper against a real broker on a loopback port.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct MosquittoClientTests {
  @Test func publishesWithCompletionAndDelivers() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let inbox = Inbox()
    let subscriber = try subscribedClient("sub", broker, to: "t/#", inbox: inbox)
    defer { subscriber.stop() }

    let publisher = try startedClient("pub", broker)
    defer { publisher.stop() }
    let outcomes = Inbox()
    for index in 0..<50 {
      try publisher.publish(topic: "t/\(index)", payload: Array("m\(index)".utf8)) { outcome in
        outcomes.append(topic: "\(index)", text: "\(outcome)")
      }
    }
    #expect(eventually { outcomes.count == 50 })
    #expect(outcomes.texts.allSatisfy { $0 == "accepted" })
    #expect(eventually { inbox.count == 50 })
    #expect(Set(inbox.texts) == Set((0..<50).map { "m\($0)" }))
    #expect(publisher.unacknowledgedCount == 0)
  }

  @Test func connectsOnceTheBrokerComesUpAndReportsWhyItWaited() throws {
    let broker = try MosquittoBroker()
    broker.stop()
    let events = Inbox()
    var options = ClientOptions(clientID: "late", broker: try BrokerAddress(url: broker.url))
    options.reconnectDelayMin = 0.1
    options.reconnectDelayMax = 0.4
    let client = try MosquittoClient(options: options, onEvent: { events.append(topic: "", text: "\($0)") })
    client.start()
    defer { client.stop() }
    #expect(eventually { events.texts.contains { $0.hasPrefix("failed(reason: \"connect to mqtt://127.0.0.1") } })
    #expect(!client.isConnected)
    try broker.launch()
    defer { broker.stop() }
    #expect(eventually { client.isConnected })

    // And again after the broker restarts under it.
    try broker.restart()
    #expect(eventually { !client.isConnected || events.texts.filter { $0.hasPrefix("connected") }.count >= 2 })
    #expect(eventually { client.isConnected && events.texts.filter { $0.hasPrefix("connected") }.count >= 2 })
  }

  @Test(arguments: [ClientOptions.ProtocolVersion.v311, .v5])
  func persistentSessionReceivesWhatWasPublishedWhileAway(version: ClientOptions.ProtocolVersion) throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let inbox = Inbox()
    func collector() throws -> MosquittoClient {
      var options = ClientOptions(clientID: "collector-\(version)", broker: try BrokerAddress(url: broker.url))
      options.protocolVersion = version
      options.cleanSession = false
      options.sessionExpirySeconds = 3600
      let client = try MosquittoClient(options: options, onMessage: inbox.receive)
      try client.subscribe("r/#")
      return client
    }
    let first = try collector()
    first.start()
    #expect(eventually { first.isSubscribed })
    first.stop()

    let publisher = try client("pub", broker)
    publisher.start()
    defer { publisher.stop() }
    let acked = Inbox()
    for index in 0..<20 {
      try publisher.publish(topic: "r/x", payload: Array("away\(index)".utf8)) { _ in acked.append(topic: "", text: "")
      }
    }
    #expect(eventually { acked.count == 20 })

    let second = try collector()
    second.start()
    defer { second.stop() }
    #expect(eventually { inbox.count == 20 })
    #expect(inbox.texts == (0..<20).map { "away\($0)" })
  }

  @Test func pubackLeavesOnlyAfterTheHandlerReturns() throws {
    let broker = try MosquittoBroker(extraConfig: "log_type debug\n")
    defer { broker.stop() }
    let handlerBusy = Atomic<Bool>(false)
    let subscriber = try client("slow-sub", broker) { message in
      handlerBusy.store(true, ordering: .sequentiallyConsistent)
      Thread.sleep(forTimeInterval: 1.5)  // stands in for a durable commit
      handlerBusy.store(false, ordering: .sequentiallyConsistent)
    }
    try subscriber.subscribe("slow")
    subscriber.start()
    defer { subscriber.stop() }
    #expect(eventually { subscriber.isSubscribed })
    let publisher = try client("pub", broker)
    publisher.start()
    defer { publisher.stop() }
    try publisher.publish(topic: "slow", payload: [1])

    #expect(eventually { handlerBusy.load(ordering: .sequentiallyConsistent) })
    Thread.sleep(forTimeInterval: 0.5)
    let log = { (try? String(contentsOf: broker.logFile, encoding: .utf8)) ?? "" }
    #expect(log().contains("Sending PUBLISH to slow-sub"))
    #expect(!log().contains("Received PUBACK from slow-sub"), "PUBACK sent while the handler was still running")
    #expect(eventually { log().contains("Received PUBACK from slow-sub") })
  }

  /// Once connected, the network thread polls the broker socket itself (`NetworkLoop.serviceConnection`); a publish
  /// from another thread must wake it, not wait for the poll's 0.5 s timeout. Twenty publishes in turn, each waiting
  /// for its PUBACK, would then take at least 10 s.
  @Test func publishesFromAnotherThreadLeaveWithoutWaitingForThePoll() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let publisher = try client("pub", broker)
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })
    Thread.sleep(forTimeInterval: 0.6)  // an idle connection: the network thread sits in poll()
    let started = Date()
    for index in 0..<20 {
      let acknowledged = Atomic<Bool>(false)
      try publisher.publish(topic: "t/\(index)", payload: [1]) { _ in
        acknowledged.store(true, ordering: .sequentiallyConsistent)
      }
      #expect(eventually(interval: 0.001) { acknowledged.load(ordering: .sequentiallyConsistent) })
    }
    let elapsed = Date().timeIntervalSince(started)
    #expect(elapsed < 5, "20 acknowledged publishes took \(elapsed) s: the network thread was not woken")
  }

  /// A burst far past the ~280 bytes libmosquitto's unread socket pair holds (after which its writes fail with EAGAIN
  /// on every message, see `NetworkLoop.serviceConnection`) arrives whole and in order, each message once.
  /// Also: a burst's PUBACKs leave together (the socket corked from its second message), and the cork comes off
  /// when the burst ends, or the broker would hold back the rest for want of them.
  @Test func aLongBurstArrivesWholeAndInOrder() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let inbox = Inbox()
    let subscriber = try subscribedClient("burst-sub", broker, to: "burst/#", inbox: inbox)
    defer { subscriber.stop() }
    let publisher = try connectedClient("burst-pub", broker)
    defer { publisher.stop() }
    for index in 0..<3000 {
      try publisher.publish(topic: "burst/a", payload: Array("m\(index)".utf8))
    }
    #expect(eventually(timeout: 30) { inbox.count >= 3000 })
    let texts = inbox.texts
    let firstOutOfPlace = texts.indices.first { texts[$0] != "m\($0)" }
    #expect(
      texts.count == 3000 && firstOutOfPlace == nil,
      "\(texts.count) messages, first out of place: \(firstOutOfPlace ?? -1)")
    #expect(subscriber.burstsCorked.load(ordering: .relaxed) > 0)
    #expect(eventually { subscriber.socketIsCorked == false })
  }

  /// The hand-driven loop still does libmosquitto's keep-alive: an idle client with a 5 s keep-alive (libmosquitto's
  /// least) stays connected for 15 s. mosquitto 2.0.11 drops a client that sends nothing after about 12 s here (seen
  /// with the keep-alive housekeeping left out of the loop).
  @Test func anIdleConnectionIsKeptAlive() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let events = Inbox()
    var options = ClientOptions(clientID: "idle", broker: try BrokerAddress(url: broker.url))
    options.keepAliveSeconds = 5
    let idle = try MosquittoClient(options: options, onEvent: { events.append(topic: "", text: "\($0)") })
    idle.start()
    defer { idle.stop() }
    #expect(eventually { idle.isConnected })
    Thread.sleep(forTimeInterval: 15)
    #expect(idle.isConnected)
    #expect(events.texts.filter { $0.hasPrefix("connected") }.count == 1, "reconnected: \(events.texts)")
  }

  @Test func mqtt5ReportsAnACLRefusal() throws {
    let directory = try TemporaryDirectory.make(prefix: "acl")
    let acl = directory.appendingPathComponent("acl")
    try "topic readwrite allowed/#\n".write(to: acl, atomically: true, encoding: .utf8)
    chmod(acl.path, 0o644)
    chmod(directory.path, 0o755)
    let broker = try MosquittoBroker(extraConfig: "acl_file \(acl.path)\n")
    defer { broker.stop() }
    // Connected first: publishing before the connection is up is `publishesMadeBeforeTheConnectionIsUpAreAllSent`.
    let publisher = try connectedClient("pub", broker)
    defer { publisher.stop() }
    let outcomes = Inbox()
    try publisher.publish(topic: "allowed/a", payload: [1]) { outcomes.append(topic: "allowed", text: "\($0)") }
    try publisher.publish(topic: "denied/a", payload: [1]) { outcomes.append(topic: "denied", text: "\($0)") }
    #expect(eventually { outcomes.count == 2 })
    #expect(outcomes.text(for: "allowed") == "accepted")
    #expect(outcomes.text(for: "denied")?.contains("refused(reasonCode: 135") == true)
  }

  /// Stopping while messages are still arriving is a clean goodbye: the client reads what the broker sent before its
  /// DISCONNECT, so closing the socket does not reset the connection, which would make the broker drop the DISCONNECT
  /// and publish the will (`NetworkLoop.settleBeforeDisconnect`).
  @Test func stoppingMidBurstSaysGoodbyeWithoutItsWill() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let wills = Inbox()
    let observer = try subscribedClient("observer", broker, to: "status/#", inbox: wills)
    defer { observer.stop() }
    let publisher = try connectedClient("flooder", broker)
    defer { publisher.stop() }
    for round in 0..<3 {
      let received = Inbox()
      var options = ClientOptions(clientID: "stopper-\(round)", broker: try BrokerAddress(url: broker.url))
      options.will = .init(topic: "status/stopper-\(round)", payload: Array("gone".utf8), retain: false)
      // A slow handler (1 ms a message), so the burst is still arriving when the client stops.
      let stopper = try MosquittoClient(options: options) { message in
        received.receive(message)
        usleep(1000)
      }
      try stopper.subscribe("flood/#")
      stopper.start()
      #expect(eventually { stopper.isSubscribed })
      for index in 0..<500 {
        try publisher.publish(topic: "flood/\(round)", payload: Array("m\(index)".utf8))
      }
      #expect(eventually { received.count > 0 })
      stopper.stop()
      #expect(received.count < 500, "the burst was still arriving when the client stopped")
    }
    Thread.sleep(forTimeInterval: 1)
    #expect(wills.count == 0, "wills published: \(wills.texts)")
  }

  /// A QoS 0 stream has no in-flight window to stop it, so what arrives after the goodbye is read for a second at
  /// most: stopping in the middle of an endless stream still returns promptly.
  @Test func stoppingInAnEndlessQoS0StreamReturnsPromptly() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let publisher = try connectedClient("streamer", broker)
    defer { publisher.stop() }
    let received = Inbox()
    let listener = try client("listener", broker, onMessage: received.receive)
    try listener.subscribe("stream/#", qos: .atMostOnce)
    listener.start()
    #expect(eventually { listener.isSubscribed })
    let streaming = Atomic<Bool>(true)
    let streamer = Thread {
      while streaming.load(ordering: .relaxed) {
        _ = try? publisher.publish(topic: "stream/a", payload: Array("x".utf8), qos: .atMostOnce)
        usleep(200)
      }
    }
    streamer.start()
    defer { streaming.store(false, ordering: .relaxed) }
    #expect(eventually { received.count > 100 })
    let started = Date()
    listener.stop()
    let took = Date().timeIntervalSince(started)
    #expect(took < 4, "stop took \(took) s")
  }

  /// QoS 1 messages published from another thread before the connection is up (the broker still down, then while
  /// the network thread connects) are all sent once it is, and each completes. libmosquitto 2.0.11 on its own never
  /// sends one made inside `mosquitto_connect`'s window (see `MosquittoClient.publish`).
  @Test func publishesMadeBeforeTheConnectionIsUpAreAllSent() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    broker.stop()
    var options = ClientOptions(clientID: "early-pub", broker: try BrokerAddress(url: broker.url))
    options.reconnectDelayMin = 0.05
    options.reconnectDelayMax = 0.1
    let publisher = try MosquittoClient(options: options)
    publisher.start()
    defer { publisher.stop() }
    let outcomes = Inbox()
    func publish(_ index: Int) throws {
      try publisher.publish(topic: "early/a", payload: Array("m\(index)".utf8)) { outcome in
        outcomes.append(topic: "\(index)", text: "\(outcome)")
      }
    }
    for index in 0..<50 { try publish(index) }  // the broker is down
    #expect(publisher.unacknowledgedCount == 50)
    try broker.launch()
    var published = 50
    while !publisher.isConnected && published < 200_000 {  // while it connects
      try publish(published)
      published += 1
    }
    #expect(eventually { outcomes.count == published }, "\(outcomes.count) of \(published) completed")
    let refused = outcomes.texts.filter { $0 != "accepted" }
    #expect(refused.isEmpty, "\(refused.count) not accepted, first: \(refused.first ?? "")")
    #expect(publisher.unacknowledgedCount == 0)
  }

  @Test func parsesBrokerURLs() throws {
    let full = try BrokerAddress(url: "mqtts://site%40a:p%3Ass@broker.example:8884")
    #expect(
      full == BrokerAddress(host: "broker.example", port: 8884, username: "site@a", password: "p:ss", usesTLS: true))
    #expect(full.description == "mqtts://site@a@broker.example:8884")
    #expect(try BrokerAddress(url: "mqtt://localhost").port == 1883)
    #expect(try BrokerAddress(url: "mqtts://localhost").port == 8883)
    #expect(try BrokerAddress(url: "mqtt://[::1]:1884").host == "::1")
    for bad in ["http://x", "mqtt://", "mqtt://host:0", "mqtt://host:99999", "mqtt://host:abc", "mqtt://host/path"] {
      #expect(throws: BrokerAddressError.self) { try BrokerAddress(url: bad) }
    }
  }

  /// A client subscribed to `filter` that hands its messages to `inbox`, started, its subscription granted.
  private func subscribedClient(_ id: String, _ broker: MosquittoBroker, to filter: String, inbox: Inbox) throws
    -> MosquittoClient
  {
    let subscriber = try client(id, broker, onMessage: inbox.receive)
    try subscriber.subscribe(filter)
    subscriber.start()
    #expect(eventually { subscriber.isSubscribed })
    return subscriber
  }

  private func startedClient(_ id: String, _ broker: MosquittoBroker) throws -> MosquittoClient {
    let started = try client(id, broker)
    started.start()
    return started
  }

  /// A started client, once connected: what it publishes from here goes straight to the broker.
  private func connectedClient(_ id: String, _ broker: MosquittoBroker) throws -> MosquittoClient {
    let connected = try startedClient(id, broker)
    #expect(eventually { connected.isConnected })
    return connected
  }

  private func client(
    _ id: String, _ broker: MosquittoBroker, onMessage: MosquittoClient.MessageHandler? = nil
  ) throws -> MosquittoClient {
    var options = ClientOptions(clientID: id, broker: try BrokerAddress(url: broker.url))
    options.reconnectDelayMin = 0.1
    return try MosquittoClient(options: options, onMessage: onMessage)
  }
}

/// Collects what arrives on the network thread, for assertions on the test's thread.
final class Inbox: Sendable {
  private let items = Mutex<[(topic: String, text: String)]>([])

  func receive(_ message: ReceivedMessage) {
    append(topic: message.topic, text: String(decoding: message.payload, as: UTF8.self))
  }

  func append(topic: String, text: String) { items.withLock { $0.append((topic, text)) } }
  var count: Int { items.withLock { $0.count } }
  var texts: [String] { items.withLock { $0.map(\.text) } }
  func text(for topic: String) -> String? { items.withLock { $0.first { $0.topic == topic }?.text } }
}
