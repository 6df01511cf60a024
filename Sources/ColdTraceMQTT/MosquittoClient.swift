import CMosquitto
import ColdTraceSystem
import Synchronization

/// An MQTT client over libmosquitto, safe to use from any thread under Swift 6.
///
/// - One network thread of our own runs libmosquitto's loop (`NetworkLoop`). It is supervised: when a connect fails or
///   the loop stops on an error (auth refused, TLS failure, protocol error, lost link), the reason is reported as a
///   `ConnectionEvent` and the client tries again with exponential back-off.
/// - `onMessage` runs on that thread. A QoS 1 message's PUBACK leaves after the handler returns (threaded mode), or
///   after its `holdAcknowledgement` is released: a handler never acknowledges a message it has not kept.
/// - `publish` may be called from any thread; a QoS 1 publish reports its PUBACK through its completion.
public final class MosquittoClient: @unchecked Sendable {
  public typealias MessageHandler = @Sendable (ReceivedMessage) -> Void
  public typealias EventHandler = @Sendable (ConnectionEvent) -> Void
  public typealias PublishCompletion = @Sendable (PublishOutcome) -> Void

  let options: ClientOptions
  let handle: OpaquePointer
  let onMessage: MessageHandler?
  let onEvent: EventHandler?
  /// Wakes the network thread when another thread queues a packet (`NetworkLoop.serviceConnection`).
  let wakeUp: WakeUpPipe?
  /// A publish's signal on `wakeUp`, held while `publishingTogether` runs.
  let publishWakeUp: PublishWakeUp
  /// Holds the writes while handed-on messages wait for their commit.
  let acknowledgementGate: AcknowledgementGate
  /// Messages handed to `onMessage` so far; read and written on the network thread only (`NetworkLoop`).
  private(set) var messagesReceived: UInt64 = 0
  /// Bursts of received messages whose PUBACKs left together (`NetworkLoop.serviceConnection`).
  let burstsCorked = Atomic<Int>(0)
  private let state = Mutex(SharedState())
  /// What libmosquitto logged about TLS during the current connect attempt (`TLSDiagnosis`).
  let tlsDiagnosis = Mutex(TLSDiagnosis())
  /// The running network thread, if any; start and stop serialise on this lock (never taken by callbacks).
  private let lifecycle = Mutex<NetworkLoop?>(nil)

  struct HeldPublish {
    var topic: String
    var payload: [UInt8]
    var retain: Bool
    var completion: PublishCompletion?
  }

  struct SharedState {
    var subscriptions: [(filter: String, qos: QoS)] = []
    var pendingPublishes: [Int32: PublishCompletion] = [:]
    /// QoS 1 publishes made while not connected, handed to libmosquitto at the next CONNACK (see `publish`).
    var held: [HeldPublish] = []
    /// SUBSCRIBEs sent since the last connect and not yet answered, by message id.
    var pendingSubscriptions: [Int32: String] = [:]
    var connected = false
  }

  /// Creates the client; nothing touches the network until `start()`.
  public init(options: ClientOptions, onMessage: MessageHandler? = nil, onEvent: EventHandler? = nil) throws(MQTTError)
  {
    MosquittoLibrary.ensureInitialised()
    wakeUp = WakeUpPipe()
    publishWakeUp = PublishWakeUp(pipe: wakeUp)
    acknowledgementGate = AcknowledgementGate(wakeUp: wakeUp)
    self.options = options
    self.onMessage = onMessage
    self.onEvent = onEvent
    guard let handle = mosquitto_new(options.clientID, options.cleanSession, nil) else {
      throw MQTTError(code: MOSQ_ERR_NOMEM.rawValue, operation: "mosquitto_new")
    }
    self.handle = handle
    mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
    // A throwing init still runs deinit once every stored property is set: deinit owns mosquitto_destroy.
    try configure()
  }

  /// A running network thread holds the client strongly, so deinit only runs once `stop()` has ended it.
  deinit {
    mosquitto_destroy(handle)
  }

  /// Starts the supervised network thread; it connects, and keeps reconnecting until `stop()`. Call `stop()` before
  /// letting go of the client: the thread keeps it alive.
  public func start() {
    lifecycle.withLock { loop in
      guard loop == nil else { return }
      let started = NetworkLoop(client: self)
      started.start()
      loop = started
    }
  }

  /// Disconnects cleanly (so the broker does not publish the will) and waits for the network thread to end.
  /// Publishes still waiting for an acknowledgement complete with `.abandoned`. Safe to call from any thread but the
  /// network thread itself (a callback), and more than once.
  public func stop() {
    let running = lifecycle.withLock { loop in
      defer { loop = nil }
      return loop
    }
    running?.stop()
    let abandoned = state.withLock { state in
      defer {
        state.pendingPublishes.removeAll()
        state.held.removeAll()
      }
      return Array(state.pendingPublishes.values) + state.held.compactMap(\.completion)
    }
    for completion in abandoned { completion(.abandoned) }
  }

  public var isConnected: Bool { state.withLock { $0.connected } }

  /// Connected, and the broker has granted every subscription: messages on them now reach `onMessage`.
  public var isSubscribed: Bool { state.withLock { $0.connected && $0.pendingSubscriptions.isEmpty } }

  /// Subscribes now if connected, and again after every reconnect.
  public func subscribe(_ filter: String, qos: QoS = .atLeastOnce) throws(MQTTError) {
    let connected = state.withLock { state in
      state.subscriptions.append((filter, qos))
      return state.connected
    }
    if connected {
      let rc = sendSubscribe(filter, qos)
      if rc != MOSQ_ERR_SUCCESS.rawValue && rc != MOSQ_ERR_NO_CONN.rawValue {
        throw MQTTError(code: rc, operation: "subscribe \(filter)")
      }
    }
  }

  /// Publishes a message and returns its message id (0 for a QoS 1 message held until the connection is up).
  ///
  /// While disconnected, a QoS 1 message waits in memory and is sent after the next CONNACK (before it, by
  /// libmosquitto's own queue, if the connection dropped after it was handed over; docs/mqtt-facts.md, "Publishing
  /// while disconnected"): that is reported as success here, never as an error to retry, which would create
  /// duplicates. A QoS 0 message is dropped. The completion of a QoS 1 message runs on the network thread when its
  /// PUBACK arrives (`.abandoned` if the client stops first).
  @discardableResult
  public func publish(
    topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = false,
    completion: PublishCompletion? = nil
  ) throws(MQTTError) -> Int32 {
    guard mosquitto_pub_topic_check(topic) == MOSQ_ERR_SUCCESS.rawValue else {
      throw MQTTError(code: MOSQ_ERR_INVAL.rawValue, operation: "publish to \(topic)")
    }
    var messageID: Int32 = 0
    // The lock is held across mosquitto_publish so the PUBACK callback cannot look up the id before it is registered.
    let rc: Int32 = state.withLock { state in
      // Not connected: a QoS 1 publish waits for the CONNACK here, not in libmosquitto. libmosquitto 2.0.11 marks it
      // as waiting for its PUBACK before trying to send it; made while the network thread is in
      // `mosquitto_connect` (after it resets its queue, before the socket exists), it is never sent on that
      // connection (docs/mqtt-facts.md, "Publishing while disconnected").
      if !state.connected && qos == .atLeastOnce {
        state.held.append(HeldPublish(topic: topic, payload: payload, retain: retain, completion: completion))
        return MOSQ_ERR_SUCCESS.rawValue
      }
      return send(topic, payload, qos, retain, completion, messageID: &messageID, state: &state)
    }
    guard rc == MOSQ_ERR_SUCCESS.rawValue || rc == MOSQ_ERR_NO_CONN.rawValue else {
      throw MQTTError(code: rc, operation: "publish to \(topic)")
    }
    publishWakeUp.packetQueued()
    return messageID
  }

  /// `mosquitto_publish`, recording the completion of a QoS 1 message under its id; called with the state locked.
  private func send(
    _ topic: String, _ payload: [UInt8], _ qos: QoS, _ retain: Bool, _ completion: PublishCompletion?,
    messageID: inout Int32, state: inout SharedState
  ) -> Int32 {
    let rc = payload.withUnsafeBytes { bytes in
      mosquitto_publish(handle, &messageID, topic, Int32(bytes.count), bytes.baseAddress, qos.rawValue, retain)
    }
    if let completion, qos == .atLeastOnce, rc == MOSQ_ERR_SUCCESS.rawValue || rc == MOSQ_ERR_NO_CONN.rawValue {
      state.pendingPublishes[messageID] = completion
    }
    return rc
  }

  /// Number of QoS 1 publishes not yet acknowledged by the broker.
  public var unacknowledgedCount: Int {
    state.withLock { state in state.pendingPublishes.count + state.held.count { $0.completion != nil } }
  }

  // MARK: - Called from the network thread

  func didConnect(code: Int32, sessionPresent: Bool) {
    guard code == 0 else {
      onEvent?(.refused(reason: MosquittoLibrary.describeConnack(code, v5: options.protocolVersion == .v5)))
      return
    }
    let (subscriptions, failed) = state.withLock { state in
      state.connected = true
      // In the CONNACK callback: the socket is up and CONNECT sent, so libmosquitto sends these now, in order.
      var failed: [PublishCompletion] = []
      for held in state.held {
        var messageID: Int32 = 0
        let rc = send(
          held.topic, held.payload, .atLeastOnce, held.retain, held.completion, messageID: &messageID, state: &state)
        if rc != MOSQ_ERR_SUCCESS.rawValue, rc != MOSQ_ERR_NO_CONN.rawValue, let completion = held.completion {
          failed.append(completion)
        }
      }
      state.held.removeAll()
      return (state.subscriptions, failed)
    }
    for completion in failed { completion(.abandoned) }
    onEvent?(.connected(sessionPresent: sessionPresent))
    for subscription in subscriptions {
      sendSubscribe(subscription.filter, subscription.qos)
    }
  }

  /// Sends SUBSCRIBE; the lock is held across the call so the SUBACK cannot be handled before the id is recorded.
  @discardableResult
  private func sendSubscribe(_ filter: String, _ qos: QoS) -> Int32 {
    state.withLock { state in
      var messageID: Int32 = 0
      let rc = mosquitto_subscribe(handle, &messageID, filter, qos.rawValue)
      if rc == MOSQ_ERR_SUCCESS.rawValue { state.pendingSubscriptions[messageID] = filter }
      wakeUp?.signal()
      return rc
    }
  }

  func didSubscribe(messageID: Int32, grantedQoS: [Int32]) {
    guard let filter = state.withLock({ $0.pendingSubscriptions.removeValue(forKey: messageID) }) else { return }
    if let refused = grantedQoS.first(where: { $0 >= 0x80 }) {
      onEvent?(.subscriptionRefused(filter: filter, reason: String(cString: mosquitto_reason_string(refused))))
    } else {
      onEvent?(.subscribed(filter: filter))
    }
  }

  func didDisconnect(code: Int32) {
    connectionEnded()
    if code != 0 {
      onEvent?(.disconnected(reason: describeFailure(code)))
    }
  }

  /// Not connected any more (until the next CONNACK); subscriptions are sent again then.
  func connectionEnded() {
    state.withLock { state in
      state.connected = false
      state.pendingSubscriptions.removeAll()
    }
  }

  func didPublish(messageID: Int32, reasonCode: Int32) {
    guard let completion = state.withLock({ $0.pendingPublishes.removeValue(forKey: messageID) }) else { return }
    if reasonCode >= 0x80 {
      completion(.refused(reasonCode: reasonCode, reason: String(cString: mosquitto_reason_string(reasonCode))))
    } else {
      completion(.accepted)
    }
  }

  func didReceive(_ message: ReceivedMessage) {
    messagesReceived &+= 1
    onMessage?(message)
  }

  func report(_ event: ConnectionEvent) {
    onEvent?(event)
  }

  // MARK: - Set-up

  private func configure() throws(MQTTError) {
    func check(_ rc: Int32, _ operation: String) throws(MQTTError) {
      if rc != MOSQ_ERR_SUCCESS.rawValue { throw MQTTError(code: rc, operation: operation) }
    }
    let version = options.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
    try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(version)), "protocol version")
    // Our own thread drives the loop: threaded mode makes libmosquitto queue packets (the PUBACK among them)
    // instead of writing them from inside callbacks.
    try check(mosquitto_threaded_set(handle, true), "threaded mode")
    try check(mosquitto_max_inflight_messages_set(handle, UInt32(options.maxInflightMessages)), "max inflight")
    try check(configureReceiveMaximum(), "receive maximum")
    if options.tcpNoDelay {
      try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY")
    }
    if let username = options.broker.username {
      try check(mosquitto_username_pw_set(handle, username, options.broker.password), "username/password")
    }
    if options.broker.usesTLS {
      let tls = options.tls ?? ClientOptions.TLS()
      try check(
        mosquitto_tls_set(handle, tls.caFile, tls.caPath, tls.certFile, tls.keyFile, nil),
        "TLS set-up (CA \(tls.caFile ?? tls.caPath ?? "none"))")
    }
    if let will = options.will {
      let rc = will.payload.withUnsafeBytes { bytes in
        mosquitto_will_set(handle, will.topic, Int32(bytes.count), bytes.baseAddress, will.qos.rawValue, will.retain)
      }
      try check(rc, "will on \(will.topic)")
    }
    MosquittoCallbacks.install(on: handle)
  }
}
