/// What the agent and the collector need of an MQTT connection. `MosquittoClient` is the real one; the tests drive
/// the agent and the collector's router through an in-memory transport (`Tests/TestSupport/InMemoryTransport.swift`)
/// with a manual clock, and keep real brokers for the MQTT client itself and the integration suites.
///
/// The contract is `MosquittoClient`'s: handlers are given when the transport is made and run on the transport's own
/// thread; a QoS 1 publish completes when the broker acknowledges it; subscriptions are renewed after every connect.
public protocol MessageTransport: AnyObject, Sendable {
  /// Connected to the broker (a CONNACK with success arrived, and no disconnect since).
  var isConnected: Bool { get }
  /// QoS 1 publishes that have a completion and are not acknowledged yet.
  var unacknowledgedCount: Int { get }
  /// Subscribes now if connected, and again after every reconnect.
  func subscribe(_ filter: String, qos: QoS) throws(MQTTError)
  /// Publishes a message; see `MosquittoClient.publish`.
  @discardableResult
  func publish(
    topic: String, payload: [UInt8], qos: QoS, retain: Bool, completion: MosquittoClient.PublishCompletion?
  ) throws(MQTTError) -> Int32
  /// Runs `body` and hands the messages it publishes to the network together, once it returns: one wake-up of the
  /// network thread for a round's readings, not one per message (see `MosquittoClient.publishingTogether`).
  func publishingTogether<Result>(_ body: () throws -> Result) rethrows -> Result
  /// `handler` runs on the transport's thread whenever it has read all that arrived and waits for held PUBACKs
  /// (`ReceivedMessage.holdAcknowledgement`): whoever commits them should not wait for more.
  func whileAcknowledgementsHeld(_ handler: (@Sendable () -> Void)?)
  /// Starts connecting (and reconnecting) until `stop()`.
  func start()
  /// Disconnects cleanly; QoS 1 publishes still waiting complete with `.abandoned`.
  func stop()
}

extension MessageTransport {
  /// A transport without a network thread to wake (the tests' in-memory one) just runs `body`.
  public func publishingTogether<Result>(_ body: () throws -> Result) rethrows -> Result { try body() }

  /// A transport that never holds a PUBACK (its messages have no `holdAcknowledgement`) never calls it.
  public func whileAcknowledgementsHeld(_ handler: (@Sendable () -> Void)?) {}

  /// A QoS 1 publish, not retained, with an optional completion.
  @discardableResult
  public func publish(
    topic: String, payload: [UInt8], retain: Bool = false, completion: MosquittoClient.PublishCompletion? = nil
  ) throws(MQTTError) -> Int32 {
    try publish(topic: topic, payload: payload, qos: .atLeastOnce, retain: retain, completion: completion)
  }
}

/// Makes the transport a service runs on: `MosquittoClient.init` in production, an in-memory one in tests.
public typealias MessageTransportFactory =
  @Sendable (
    _ options: ClientOptions, _ onMessage: @escaping MosquittoClient.MessageHandler,
    _ onEvent: @escaping MosquittoClient.EventHandler
  ) throws -> any MessageTransport

extension MosquittoClient: MessageTransport {
  /// The production factory: a libmosquitto client.
  public static let factory: MessageTransportFactory = { options, onMessage, onEvent in
    try MosquittoClient(options: options, onMessage: onMessage, onEvent: onEvent)
  }
}
