import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Logging
import Synchronization

/// The `mqtt` driver's connections: one subscriber per site broker of the `[[mqtt_source]]` tables. Messages arrive on
/// the transports' network threads; each is mapped at once (`SiteMessageMapper`, its time the payload's or the
/// agent's clock on receipt), queued in arrival order, and the sampling thread is woken to number them and put them
/// in the outbox (`take()`).
///
/// Clean sessions: after an agent restart the site broker hands over no queued burst (it would all be stamped "now"
/// under receipt time); what the sensors published while the agent was down is lost on the LAN hop, as with any
/// QoS 0 sensor.
final class SiteBrokerListener: Sendable {
  private let queue: ArrivalQueue
  private let clients: [any MessageTransport]

  init(
    configuration: AgentConfiguration, lastStored: LastMappedSamples, makeTransport: MessageTransportFactory,
    clock: any ServiceClock, wakeUp: WakeUpPipe, logger: Logger
  ) throws {
    let mapper = SiteMessageMapper(
      sources: configuration.mqttSources.map(\.mapping), reservedIDs: configuration.ownProbeIDs, lastStored: lastStored,
      site: configuration.site)
    let queue = ArrivalQueue(mapper: mapper)
    self.queue = queue
    var brokers: [(BrokerAddress, [SourceMapping], ClientOptions.TLS?)] = []
    for source in configuration.mqttSources {
      if let index = brokers.firstIndex(where: { $0.0 == source.broker }) {
        brokers[index].1.append(source.mapping)
      } else {
        brokers.append((source.broker, [source.mapping], source.tls))
      }
    }
    var clients: [any MessageTransport] = []
    for (number, (broker, mappings, tls)) in brokers.enumerated() {
      var options = ClientOptions(clientID: "\(configuration.agent)-site-\(number + 1)", broker: broker)
      options.tls = tls
      options.protocolVersion = configuration.protocolVersion
      options.reconnectDelayMax = configuration.reconnectMaxSeconds
      options.cleanSession = true
      let client = try makeTransport(
        options,
        { message in
          let now = clock.now()
          let problems = queue.receive(message, now: now)
          // Samples, a battery report or an availability change: the sampling thread looks (`take()`).
          wakeUp.signal()
          for problem in problems { logger.warning("mqtt driver: ignored \(problem)") }
        },
        { event in
          switch event {
          case .connected: logger.info("mqtt driver: connected to the site broker \(broker)")
          case .refused(let reason): logger.error("mqtt driver: the site broker \(broker) refused: \(reason)")
          case .subscribed(let filter): logger.info("mqtt driver: subscribed to \(filter) on \(broker)")
          case .subscriptionRefused(let filter, let reason):
            logger.error("mqtt driver: the site broker refused the subscription to \(filter): \(reason)")
          case .disconnected(let reason): logger.warning("mqtt driver: disconnected from \(broker): \(reason)")
          case .failed(let reason, let retryIn):
            logger.warning("mqtt driver: \(broker): \(reason); retrying in \(retryIn) s")
          }
        })
      for filter in Set(mappings.flatMap { $0.topics.map(\.filter) + $0.availability.map(\.filter) }).sorted() {
        try client.subscribe(filter, qos: .atLeastOnce)
      }
      clients.append(client)
    }
    self.clients = clients
  }

  func start() { for client in clients { client.start() } }
  func stop() { for client in clients { client.stop() } }

  /// The samples that arrived since the last call, oldest first, how many the full queue dropped meanwhile, and the
  /// probes' reports and rooms when they changed enough for a new status (`SiteProbeConditions`).
  func take() -> Arrivals { queue.take() }
}

/// What the site brokers delivered since the sampling thread last looked.
struct Arrivals {
  var samples: [ArrivedSample]
  var dropped: Int
  /// Every probe's report and room, when a new status is due for them; else `nil`.
  var conditions: (reports: [String: SiteProbeReport], rooms: [String: String])? = nil
}

/// The mapper and the samples waiting for the sampling thread, shared by the network threads.
private final class ArrivalQueue: Sendable {
  private struct State {
    var mapper: SiteMessageMapper
    var arrived: [ArrivedSample] = []
    var dropped = 0
  }

  /// The most samples held for the sampling thread; beyond it the oldest go (counted, logged).
  static let limit = 100_000
  private let state: Mutex<State>

  init(mapper: SiteMessageMapper) { state = Mutex(State(mapper: mapper)) }

  /// Maps `message` and queues its samples; its problems.
  func receive(_ message: ReceivedMessage, now: Timestamp) -> [String] {
    state.withLock { state in
      let (samples, problems) = state.mapper.map(
        topic: message.topic, payload: message.payload, retained: message.retain, now: now)
      state.arrived += samples
      if state.arrived.count > Self.limit {
        state.dropped += state.arrived.count - Self.limit
        state.arrived.removeFirst(state.arrived.count - Self.limit)
      }
      return problems
    }
  }

  func take() -> Arrivals {
    state.withLock { state in
      defer {
        state.arrived.removeAll(keepingCapacity: true)
        state.dropped = 0
      }
      let conditions = state.mapper.conditions.takeIfChanged().map { ($0, state.mapper.conditions.rooms) }
      return Arrivals(samples: state.arrived, dropped: state.dropped, conditions: conditions)
    }
  }
}
