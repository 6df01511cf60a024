import ColdTraceMQTT

/// The test's side of an `InMemoryTransport`: what a broker and the network would do. Every handler runs on the
/// calling thread before the call returns.
extension InMemoryTransport {
  /// The broker accepts the connection: QoS 1 messages held while disconnected are sent (in order), then the handler
  /// hears `.connected(sessionPresent:)`, then `.subscribed` for every filter subscribed to.
  public func connect(sessionPresent: Bool = false) {
    let (onEvent, relay, filters, sent, accepted) = state.withLock { state in
      state.connected = true
      var sent: [Publication] = []
      var accepted: [MosquittoClient.PublishCompletion] = []
      for held in state.held {
        let publication = state.send(held.topic, held.payload, .atLeastOnce, held.retain)
        sent.append(publication)
        if state.acknowledgesAutomatically {
          if let completion = held.completion { accepted.append(completion) }
        } else {
          state.waiting.append(Waiting(messageID: publication.messageID, completion: held.completion))
        }
      }
      state.held.removeAll()
      return (state.onEvent, state.relay, state.subscriptions.map(\.filter), sent, accepted)
    }
    for publication in sent { relay?(.published(publication)) }
    for completion in accepted { completion(.accepted) }
    onEvent?(.connected(sessionPresent: sessionPresent))
    for filter in filters {
      onEvent?(.subscribed(filter: filter))
      relay?(.subscribed(filter))
    }
  }

  /// The connection drops (`.disconnected(reason:)`). Sent messages not acknowledged yet stay waiting; an attached
  /// `InMemoryBroker` publishes the will.
  public func disconnect(reason: String = "connection lost") {
    let (onEvent, relay) = state.withLock { state in
      defer { state.connected = false }
      return (state.onEvent, state.connected ? state.relay : nil)
    }
    onEvent?(.disconnected(reason: reason))
    relay?(.lost)
  }

  /// Hands any other event to the handler as the network thread would (`.refused`, `.failed`,
  /// `.subscriptionRefused`); the connection state does not change.
  public func report(_ event: ConnectionEvent) {
    state.withLock { $0.onEvent }?(event)
  }

  /// A message arrives on `topic`: the message handler runs now, with a payload valid only during the call. Returns
  /// false (and delivers nothing) when not connected or when no subscription matches the topic, as a broker would.
  @discardableResult
  public func deliver(topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = false) -> Bool {
    let onMessage = state.withLock { state in
      state.connected && state.subscriptions.contains { TopicFilter.matches($0.filter, topic: topic) }
        ? state.onMessage : nil
    }
    guard let onMessage else { return false }
    payload.withUnsafeBytes { bytes in
      onMessage(ReceivedMessage(topic: topic, payload: bytes, qos: qos.rawValue, retain: retain))
    }
    return true
  }

  /// `deliver` with a UTF-8 text payload.
  @discardableResult
  public func deliver(topic: String, text: String, qos: QoS = .atLeastOnce, retain: Bool = false) -> Bool {
    deliver(topic: topic, payload: Array(text.utf8), qos: qos, retain: retain)
  }

  /// The broker acknowledges a QoS 1 message (PUBACK): its completion runs with `.accepted`. False if the message is
  /// not waiting.
  @discardableResult
  public func acknowledge(messageID: Int32) -> Bool {
    complete(messageID, with: .accepted)
  }

  /// The broker refuses a QoS 1 message (an MQTT 5 PUBACK with a reason code of 0x80 or more, e.g. 0x87 not
  /// authorised). False if the message is not waiting.
  @discardableResult
  public func refuse(messageID: Int32, reasonCode: Int32 = 0x87, reason: String = "Not authorized") -> Bool {
    complete(messageID, with: .refused(reasonCode: reasonCode, reason: reason))
  }

  /// Acknowledges every message waiting, oldest first; returns how many.
  @discardableResult
  public func acknowledgeAll() -> Int {
    let waiting = state.withLock { state in
      defer { state.waiting.removeAll() }
      return state.waiting
    }
    for message in waiting { message.completion?(.accepted) }
    return waiting.count
  }

  private func complete(_ messageID: Int32, with outcome: PublishOutcome) -> Bool {
    let found = state.withLock { state -> Waiting? in
      guard let index = state.waiting.firstIndex(where: { $0.messageID == messageID }) else { return nil }
      return state.waiting.remove(at: index)
    }
    guard let found else { return false }
    found.completion?(outcome)
    return true
  }
}
