/// What happened to the connection, for logging and status; delivered on the network thread.
public enum ConnectionEvent: Sendable, Equatable {
  case connected(sessionPresent: Bool)
  /// The broker answered CONNECT with a refusal (bad credentials, not authorised, ...).
  case refused(reason: String)
  /// The broker granted a subscription (after every connect).
  case subscribed(filter: String)
  /// The broker refused a subscription (e.g. the ACL does not allow reading it).
  case subscriptionRefused(filter: String, reason: String)
  case disconnected(reason: String)
  /// A connect attempt or the network loop failed; the client tries again after `retryIn` seconds.
  case failed(reason: String, retryIn: Double)
}

/// The fate of one published QoS 1 message.
public enum PublishOutcome: Sendable, Equatable {
  /// The broker acknowledged it (PUBACK with a success code).
  case accepted
  /// MQTT 5 only: the broker acknowledged it but refused it (e.g. 0x87 not authorised by the ACL).
  case refused(reasonCode: Int32, reason: String)
  /// The client stopped before the broker acknowledged it.
  case abandoned
}

/// An incoming message, valid only during the handler call: libmosquitto frees the bytes when it returns.
public struct ReceivedMessage {
  public let topic: String
  public let payload: UnsafeRawBufferPointer
  public let qos: Int32
  public let retain: Bool
  /// The client's, when it can hold the PUBACK back until a commit (`holdAcknowledgement`).
  let acknowledgementGate: AcknowledgementGate?

  public init(topic: String, payload: UnsafeRawBufferPointer, qos: Int32, retain: Bool) {
    self.init(topic: topic, payload: payload, qos: qos, retain: retain, gate: nil)
  }

  init(topic: String, payload: UnsafeRawBufferPointer, qos: Int32, retain: Bool, gate: AcknowledgementGate?) {
    self.topic = topic
    self.payload = payload
    self.qos = qos
    self.retain = retain
    acknowledgementGate = gate
  }
}

/// A libmosquitto call that failed, with the library's own explanation.
public struct MQTTError: Error, CustomStringConvertible {
  public let code: Int32
  public let operation: String

  /// A failure with libmosquitto's code (`MOSQ_ERR_*`); tests' in-memory transport reports its own this way.
  public init(code: Int32, operation: String) {
    self.code = code
    self.operation = operation
  }

  public var description: String { "\(operation) failed: \(MosquittoLibrary.describe(code))" }
}
