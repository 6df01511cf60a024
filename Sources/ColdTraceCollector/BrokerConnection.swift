import ColdTraceMQTT
import Synchronization

/// The collector's connection to the broker, once made: the router receives on it, and the alert fan-out, the
/// acknowledgement loop and the service publish on it. Publishing before it is made (or after it is gone) does
/// nothing: the database has what was committed, and the next start catches up the journal.
final class BrokerConnection: Sendable {
  private let transport = Mutex<(any MessageTransport)?>(nil)

  var current: (any MessageTransport)? { transport.withLock { $0 } }

  func set(_ new: (any MessageTransport)?) { transport.withLock { $0 = new } }

  /// Publishes at QoS 1 if connected; a failure is the broker's to report (the connection events are logged).
  func publish(topic: String, payload: [UInt8], retain: Bool = false) {
    _ = try? current?.publish(topic: topic, payload: payload, retain: retain)
  }
}
