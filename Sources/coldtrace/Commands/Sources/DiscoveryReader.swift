import ColdTraceCore
import ColdTraceMQTT
import Foundation
import Synchronization

/// Reads a broker's retained Home Assistant discovery configs for `coldtrace sources discover`: subscribes to
/// `<prefix>/sensor/+/config` and `<prefix>/sensor/+/+/config` with a clean session and keeps the latest config of
/// each topic (an empty retained message deletes one) for the given seconds after the subscriptions are granted.
struct DiscoveryReader {
  let prefix: String
  let address: BrokerAddress
  let tls: ClientOptions.TLS?

  /// How long to wait for the connection and the subscriptions before giving up.
  static let connectSeconds = 5.0

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  private final class Collected: Sendable {
    struct State {
      var entries: [String: DiscoveryEntry] = [:]
      var granted = 0
      var refusal: String?
      var lastProblem: String?
    }
    let state = Mutex(State())
  }

  /// The configs found, in topic order.
  func read(seconds: Double) throws -> [DiscoveryEntry] {
    let collected = Collected()
    let prefix = self.prefix
    var options = ClientOptions(clientID: "coldtrace-discover-\(getpid())", broker: address)
    options.tls = tls
    options.cleanSession = true
    let client = try MosquittoClient(
      options: options,
      onMessage: { message in
        let entry =
          message.payload.count == 0
          ? nil : DiscoveryEntry.read(topic: message.topic, payload: message.payload, prefix: prefix)
        collected.state.withLock { $0.entries[message.topic] = entry }
      },
      onEvent: { event in
        collected.state.withLock { state in
          switch event {
          case .subscribed: state.granted += 1
          case .refused(let reason): state.refusal = "the broker refused the connection: \(reason)"
          case .subscriptionRefused(let filter, let reason):
            state.refusal = "the broker refused the subscription to \(filter): \(reason)"
          case .failed(let reason, _), .disconnected(let reason): state.lastProblem = reason
          case .connected: break
          }
        }
      })
    for filter in ["\(prefix)/sensor/+/config", "\(prefix)/sensor/+/+/config"] {
      try client.subscribe(filter, qos: .atLeastOnce)
    }
    client.start()
    defer { client.stop() }
    let connectDeadline = Date().addingTimeInterval(Self.connectSeconds)
    while collected.state.withLock({ $0.granted < 2 && $0.refusal == nil }) {
      guard Date() < connectDeadline else {
        let problem = collected.state.withLock { $0.lastProblem } ?? "no answer"
        throw Failure(description: "cannot read \(address) within \(Int(Self.connectSeconds)) s: \(problem)")
      }
      Thread.sleep(forTimeInterval: 0.02)
    }
    if let refusal = collected.state.withLock({ $0.refusal }) { throw Failure(description: refusal) }
    Thread.sleep(forTimeInterval: seconds)
    let entries = collected.state.withLock { $0.entries }
    return entries.keys.sorted().compactMap { entries[$0] }
  }
}
