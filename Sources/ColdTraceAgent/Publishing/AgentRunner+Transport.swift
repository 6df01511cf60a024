import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Logging

extension AgentRunner {
  /// The MQTT connection, with handlers that run on its network thread and only hand over to the sampling thread
  /// through `inbox` (which wakes it): acknowledgements, limits, connections and lost connections.
  func makeClient(inbox: AgentInbox, statusTopic: String) throws -> any MessageTransport {
    let config = configuration
    var options = ClientOptions(clientID: config.agent, broker: config.broker)
    options.tls = config.tls
    options.protocolVersion = config.protocolVersion
    options.reconnectDelayMax = config.reconnectMaxSeconds
    options.cleanSession = false
    options.sessionExpirySeconds = 86_400
    options.will = .init(
      topic: statusTopic, payload: Array(statusLine("offline", outbox: nil, incarnation: inbox.incarnation).utf8))
    let logger = self.logger
    let clock = self.clock
    let limitsPrefix = "\(Topics.root)/limits/"
    let bridgeTopic = Topics.bridge(site: config.site)
    return try makeTransport(
      options,
      { message in
        if message.topic.hasPrefix(limitsPrefix) {
          // An empty retained message clears a room's limits on the broker; the agent keeps what it holds.
          if message.payload.count > 0 && !inbox.receiveLimits(message.payload) {
            logger.warning("ignored malformed limits on \(message.topic)")
          }
        } else if message.topic == bridgeTopic {
          // Empty: the retained state was cleared (no site broker any more); the agent keeps the last one it had.
          if message.payload.count > 0 && !inbox.receiveBridgeState(message.payload) {
            logger.warning("ignored a bridge state on \(message.topic) that is neither 0 nor 1")
          }
        } else {
          switch inbox.receiveAcknowledgement(message.payload) {
          case .applied: break
          case .malformed: logger.warning("ignored a malformed acknowledgement on \(message.topic)")
          case .otherIncarnation(let former):
            logger.info("ignored an acknowledgement for incarnation \(former), not this install's")
          }
        }
      },
      { event in
        switch event {
        case .connected:
          logger.info("connected to \(config.broker)")
          inbox.noteConnected()
        case .refused(let reason):
          logger.error("broker refused the connection: \(reason)")
          inbox.noteDisconnected(at: clock.now())
        case .subscribed: break
        case .subscriptionRefused(let filter, let reason) where filter.hasPrefix(limitsPrefix):
          logger.error("broker refused the subscription to \(filter): \(reason); the edge alarm gets no new limits")
        case .subscriptionRefused(let filter, let reason) where filter == bridgeTopic:
          logger.warning(
            "broker refused the subscription to \(filter): \(reason); re-sends cannot wait for a site broker's uplink")
        case .subscriptionRefused(let filter, let reason):
          logger.error("broker refused the subscription to \(filter): \(reason); the outbox cannot be confirmed")
        case .disconnected(let reason):
          logger.warning("disconnected: \(reason)")
          inbox.noteDisconnected(at: clock.now())
        case .failed(let reason, let retryIn):
          logger.warning("\(reason); retrying in \(retryIn) s")
          inbox.noteDisconnected(at: clock.now())
        }
      })
  }

  /// Publishes a reading at QoS 1; its completion (on the network thread) wakes the sampling thread while it waits for
  /// room in the in-flight window.
  func readingPublisher(_ client: any MessageTransport, inbox: AgentInbox) -> OutboxSender.Publish {
    let logger = self.logger
    return { topic, payload in
      try client.publish(topic: topic, payload: payload) { outcome in
        if case .refused(_, let reason) = outcome { logger.error("broker refused a reading on \(topic): \(reason)") }
        inbox.notePublishCompleted()
      }
    }
  }

  /// The status payload (docs/protocol.md, "Status payloads"), with the outbox's backlog and the samples it dropped,
  /// and where each probe is mounted.
  func statusLine(
    _ state: String, outbox: Outbox?, incarnation: String? = nil, mapped: MappedProbes = MappedProbes()
  ) -> String {
    var message = StatusMessage(
      state: state, sender: .agent(configuration.agent), version: Self.version, ts: clock.now(),
      outbox: outbox.map { StatusMessage.Outbox(pending: $0.pendingCount, dropped: $0.dropped) },
      placements: Dictionary(configuration.sensors.map { ($0.id, $0.placement) }) { first, _ in first }
        .merging(mapped.placements) { own, _ in own },
      incarnation: outbox?.incarnation ?? incarnation,
      probes: Dictionary(
        configuration.sensors.map { ($0.id, $0.room) } + configuration.inputs.map { ($0.id, $0.room) }
      ) { first, _ in first }.merging(mapped.rooms) { own, _ in own })
    if !mapped.reports.isEmpty { message.mqttProbes = mapped.reports }
    return message.encode()
  }

  /// Before disconnecting: lets the broker acknowledge the readings in flight, for at most `seconds`; each PUBACK
  /// wakes the wait.
  func awaitBrokerAcknowledgements(_ client: any MessageTransport, inbox: AgentInbox, seconds: Double) {
    inbox.wakeOnPublishCompletion(true)
    let deadline = clock.now().adding(seconds: seconds)
    while client.unacknowledgedCount > 0 && clock.now() < deadline {
      clock.wait(until: deadline, wakingOn: wakeUp)
    }
    if client.unacknowledgedCount > 0 {
      logger.warning("\(client.unacknowledgedCount) readings not acknowledged by the broker at exit")
    }
  }
}
