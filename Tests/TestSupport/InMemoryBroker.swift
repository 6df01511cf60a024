import ColdTraceMQTT
import Synchronization

/// Routes messages between `InMemoryTransport`s by topic filter, so an agent and a collector can talk with no
/// network: what a connected transport publishes is queued, and `runPending()` delivers the queue, in order, to
/// every connected transport with a matching subscription (on the calling thread, as each network thread would).
///
/// As mosquitto does: it acknowledges every QoS 1 message it receives at once; it keeps the last retained message of
/// each topic (an empty one clears it) and sends the matching ones, flagged retained, to each new subscription; it
/// publishes a transport's will when its connection is lost (`disconnect`), not when it stops. A transport that is not
/// connected when a message is delivered misses it (no queue for offline sessions).
public final class InMemoryBroker: Sendable {
  private struct Queued {
    var topic: String
    var payload: [UInt8]
    var qos: QoS
    var retain: Bool
    /// Only this transport (a retained message for a new subscription); every subscriber when `nil`.
    var target: InMemoryTransport?
  }

  private struct State {
    var clients: [InMemoryTransport] = []
    var queue: [Queued] = []
    var retained: [(topic: String, payload: [UInt8], qos: QoS)] = []
  }

  private let state = Mutex(State())

  public init() {}

  /// A new transport attached to this broker (not connected: call its `connect()`).
  public func makeTransport() -> InMemoryTransport {
    let transport = InMemoryTransport()
    transport.acknowledgesAutomatically = true
    transport.state.withLock { state in
      // The transport holds its relay, so it is alive whenever the relay runs; the broker may be gone.
      state.relay = { [weak self, unowned transport] relayed in self?.hear(relayed, from: transport) }
    }
    state.withLock { $0.clients.append(transport) }
    return transport
  }

  /// Messages waiting to be delivered.
  public var pendingCount: Int { state.withLock { $0.queue.count } }

  /// The retained message of `topic`, if any.
  public func retained(on topic: String) -> [UInt8]? {
    state.withLock { state in state.retained.first { $0.topic == topic }?.payload }
  }

  /// Delivers every queued message, and what handlers publish meanwhile, until the queue is empty; returns how many
  /// messages were taken from the queue.
  @discardableResult
  public func runPending() -> Int {
    var count = 0
    while let message = state.withLock({ $0.queue.isEmpty ? nil : $0.queue.removeFirst() }) {
      count += 1
      let targets = message.target.map { [$0] } ?? state.withLock { $0.clients }
      for client in targets {
        client.deliver(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain)
      }
    }
    return count
  }

  private func hear(_ relayed: InMemoryTransport.Relayed, from transport: InMemoryTransport) {
    switch relayed {
    case .published(let publication):
      receive(publication.topic, publication.payload, publication.qos, retain: publication.retain)
    case .subscribed(let filter):
      state.withLock { state in
        for message in state.retained where TopicFilter.matches(filter, topic: message.topic) {
          state.queue.append(
            Queued(topic: message.topic, payload: message.payload, qos: message.qos, retain: true, target: transport))
        }
      }
    case .lost:
      guard let will = transport.options?.will else { return }
      receive(will.topic, will.payload, will.qos, retain: will.retain)
    }
  }

  private func receive(_ topic: String, _ payload: [UInt8], _ qos: QoS, retain: Bool) {
    state.withLock { state in
      if retain {
        state.retained.removeAll { $0.topic == topic }
        if !payload.isEmpty { state.retained.append((topic, payload, qos)) }
      }
      state.queue.append(Queued(topic: topic, payload: payload, qos: qos, retain: false, target: nil))
    }
  }
}
