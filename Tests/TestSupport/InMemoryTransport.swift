import ColdTraceMQTT
import Synchronization

/// A `MessageTransport` with no network: the test plays the broker, as with swift-nio's `EmbeddedChannel`.
///
/// The code under test makes it through `factory` (instead of `MosquittoClient.factory`) and uses it as it would a
/// `MosquittoClient`; the test connects and disconnects it, delivers messages, and acknowledges, refuses or leaves
/// the QoS 1 publishes waiting. Nothing happens on a thread of its own: every handler runs synchronously on the thread
/// of the test call that caused it, with no lock held, so a handler may call the transport back.
///
/// What `MosquittoClient` does, it does too: while not connected, a QoS 1 publish is held and sent at the next
/// connect (before the `.connected` event), and a QoS 0 one is dropped; subscriptions are granted at every connect
/// (`.subscribed` after `.connected`); `stop()` completes every publish still waiting with `.abandoned`; publishes sent
/// but not acknowledged when the connection drops stay waiting (libmosquitto sends them again on the next connection).
public final class InMemoryTransport: MessageTransport {
  /// One message that reached the broker (was sent while connected), in the order sent.
  public struct Publication: Sendable, Equatable {
    public var messageID: Int32
    public var topic: String
    public var payload: [UInt8]
    public var qos: QoS
    public var retain: Bool

    /// The payload as UTF-8 text.
    public var text: String { String(decoding: payload, as: UTF8.self) }
  }

  struct Waiting {
    var messageID: Int32
    var completion: MosquittoClient.PublishCompletion?
  }

  struct Held {
    var topic: String
    var payload: [UInt8]
    var retain: Bool
    var completion: MosquittoClient.PublishCompletion?
  }

  /// What an `InMemoryBroker` this transport is attached to hears of it.
  enum Relayed: Sendable {
    case published(Publication)
    case subscribed(String)
    /// The connection dropped without a DISCONNECT: the broker publishes the will.
    case lost
  }

  struct State {
    var options: ClientOptions?
    var onMessage: MosquittoClient.MessageHandler?
    var onEvent: MosquittoClient.EventHandler?
    var connected = false
    var started = false
    var stopped = false
    var subscriptions: [(filter: String, qos: QoS)] = []
    var publications: [Publication] = []
    var held: [Held] = []
    /// QoS 1 messages sent and not acknowledged yet, oldest first.
    var waiting: [Waiting] = []
    var dropped = 0
    var acknowledgesAutomatically = false
    var relay: (@Sendable (Relayed) -> Void)?
    var nextMessageID: Int32 = 1

    mutating func send(_ topic: String, _ payload: [UInt8], _ qos: QoS, _ retain: Bool) -> Publication {
      let messageID = nextMessageID
      nextMessageID = nextMessageID == Int32.max ? 1 : nextMessageID + 1
      let publication = Publication(messageID: messageID, topic: topic, payload: payload, qos: qos, retain: retain)
      publications.append(publication)
      return publication
    }
  }

  /// Internal: the test's side of the transport (`InMemoryTransport+Driving.swift`) works on it too.
  let state = Mutex(State())

  /// libmosquitto's `MOSQ_ERR_INVAL`, for a topic or filter it would refuse.
  static let invalidArgument: Int32 = 3

  /// A transport with no handlers yet: `factory` gives them (or `install`).
  public init() {}

  /// The factory to give the code under test: it hands this transport over, with the code's options and handlers.
  public var factory: MessageTransportFactory {
    { [self] options, onMessage, onEvent in
      install(options: options, onMessage: onMessage, onEvent: onEvent)
      return self
    }
  }

  /// Sets the options and handlers, as `factory` does.
  public func install(
    options: ClientOptions, onMessage: @escaping MosquittoClient.MessageHandler,
    onEvent: @escaping MosquittoClient.EventHandler
  ) {
    state.withLock { state in
      state.options = options
      state.onMessage = onMessage
      state.onEvent = onEvent
    }
  }

  // MARK: - MessageTransport

  public var isConnected: Bool { state.withLock { $0.connected } }

  /// QoS 1 publishes with a completion, held or sent, that are not acknowledged yet (as `MosquittoClient` counts).
  public var unacknowledgedCount: Int {
    state.withLock { state in
      state.waiting.count { $0.completion != nil } + state.held.count { $0.completion != nil }
    }
  }

  public func subscribe(_ filter: String, qos: QoS) throws(MQTTError) {
    guard TopicFilter.isValid(filter) else {
      throw MQTTError(code: Self.invalidArgument, operation: "subscribe \(filter)")
    }
    let (connected, onEvent, relay) = state.withLock { state in
      state.subscriptions.append((filter, qos))
      return (state.connected, state.onEvent, state.relay)
    }
    if connected {
      onEvent?(.subscribed(filter: filter))
      relay?(.subscribed(filter))
    }
  }

  @discardableResult
  public func publish(
    topic: String, payload: [UInt8], qos: QoS, retain: Bool, completion: MosquittoClient.PublishCompletion?
  ) throws(MQTTError) -> Int32 {
    guard TopicFilter.isValidTopic(topic) else {
      throw MQTTError(code: Self.invalidArgument, operation: "publish to \(topic)")
    }
    let (sent, accepted, relay) = state.withLock { state in
      guard state.connected else {
        if qos == .atLeastOnce {
          state.held.append(Held(topic: topic, payload: payload, retain: retain, completion: completion))
        } else {
          state.dropped += 1
        }
        return (Publication?.none, MosquittoClient.PublishCompletion?.none, state.relay)
      }
      let sent = state.send(topic, payload, qos, retain)
      guard qos == .atLeastOnce else { return (sent, nil, state.relay) }
      if state.acknowledgesAutomatically { return (sent, completion, state.relay) }
      state.waiting.append(Waiting(messageID: sent.messageID, completion: completion))
      return (sent, nil, state.relay)
    }
    if let sent { relay?(.published(sent)) }
    accepted?(.accepted)
    return sent?.messageID ?? 0
  }

  public func start() { state.withLock { $0.started = true } }

  public func stop() {
    let abandoned = state.withLock { state in
      defer {
        state.connected = false
        state.stopped = true
        state.waiting.removeAll()
        state.held.removeAll()
      }
      return state.waiting.compactMap(\.completion) + state.held.compactMap(\.completion)
    }
    for completion in abandoned { completion(.abandoned) }
  }
}

extension InMemoryTransport {
  // MARK: - What the test sees

  /// The options the code under test made the transport with (`nil` before `factory` ran).
  public var options: ClientOptions? { state.withLock { $0.options } }
  public var isStarted: Bool { state.withLock { $0.started } }
  public var isStopped: Bool { state.withLock { $0.stopped } }
  /// Every filter subscribed to, in order.
  public var subscriptions: [String] { state.withLock { $0.subscriptions.map(\.filter) } }
  /// Every message that reached the broker, in the order sent.
  public var publications: [Publication] { state.withLock { $0.publications } }
  /// The messages sent on topics that `filter` matches, in the order sent.
  public func publications(matching filter: String) -> [Publication] {
    publications.filter { TopicFilter.matches(filter, topic: $0.topic) }
  }
  /// QoS 1 messages sent and waiting for their acknowledgement, oldest first.
  public var awaitingAcknowledgement: [Int32] { state.withLock { $0.waiting.map(\.messageID) } }
  /// QoS 1 messages held until the next connect.
  public var heldCount: Int { state.withLock { $0.held.count } }
  /// When set, the broker acknowledges every QoS 1 message as it is sent: its completion runs with `.accepted` before
  /// `publish` (or `connect`, for held messages) returns. Off by default: the test acknowledges.
  public var acknowledgesAutomatically: Bool {
    get { state.withLock { $0.acknowledgesAutomatically } }
    set { state.withLock { $0.acknowledgesAutomatically = newValue } }
  }
  /// QoS 0 messages published while not connected (and so dropped).
  public var droppedCount: Int { state.withLock { $0.dropped } }
}
