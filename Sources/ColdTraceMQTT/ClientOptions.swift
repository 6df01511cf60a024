/// Everything that decides how a `MosquittoClient` connects, chosen once before it starts.
public struct ClientOptions: Sendable {
  public enum ProtocolVersion: Sendable { case v311, v5 }

  /// Certificates for `mqtts://`. With no `caFile`, the system's CA directory is used.
  public struct TLS: Sendable {
    public var caFile: String?
    public var caPath: String?
    public var certFile: String?
    public var keyFile: String?
    public init(
      caFile: String? = nil, caPath: String? = "/etc/ssl/certs", certFile: String? = nil, keyFile: String? = nil
    ) {
      self.caFile = caFile
      self.caPath = caFile == nil ? caPath : nil
      self.certFile = certFile
      self.keyFile = keyFile
    }
  }

  /// A message the broker publishes for us when we vanish without a clean disconnect.
  public struct Will: Sendable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: QoS
    public var retain: Bool
    public init(topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = true) {
      self.topic = topic
      self.payload = payload
      self.qos = qos
      self.retain = retain
    }
  }

  public var clientID: String
  public var broker: BrokerAddress
  public var protocolVersion: ProtocolVersion = .v5
  /// `false` keeps the session (subscriptions and queued QoS 1 messages) across disconnects.
  public var cleanSession: Bool = true
  /// MQTT 5 only: how long the broker keeps a non-clean session after a disconnect (docs/mqtt-facts.md: without this
  /// property a v5 session ends at disconnect even with clean start off). `UInt32.max` means never expire.
  public var sessionExpirySeconds: UInt32 = 0
  public var keepAliveSeconds: Int32 = 30
  public var will: Will?
  public var tls: TLS?
  /// Exponential back-off between reconnect attempts, with ±20 % jitter so a province of agents does not reconnect
  /// in lock step after a broker restart.
  public var reconnectDelayMin: Double = 0.5
  public var reconnectDelayMax: Double = 30
  /// QoS 1 messages in flight at once (libmosquitto's default is 20).
  public var maxInflightMessages: Int32 = 100
  /// MQTT 5 only: the most QoS 1 messages the broker may send ahead of our PUBACKs (Receive Maximum, 1–65535;
  /// `nil`: libmosquitto's 20). Under MQTT 3.1.1 the broker's `max_inflight_messages` decides (docs/mqtt-facts.md,
  /// "Flow control").
  public var receiveMaximum: UInt16?
  /// Disables Nagle's algorithm on the socket (`MOSQ_OPT_TCP_NODELAY`), so a small packet (a PUBACK, an
  /// acknowledgement, an alert) is not held back behind an unacknowledged one until the broker's delayed ACK, 40 ms or
  /// more on Linux: such waits were the alert latency's 40–50 ms stalls (benchmarks/README.md, "Alert latency").
  public var tcpNoDelay = true

  public init(clientID: String, broker: BrokerAddress) {
    self.clientID = clientID
    self.broker = broker
  }
}

/// MQTT quality of service.
public enum QoS: Int32, Sendable {
  case atMostOnce = 0
  case atLeastOnce = 1
}
