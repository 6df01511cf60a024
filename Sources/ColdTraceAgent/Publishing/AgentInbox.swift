import ColdTraceCore
import ColdTraceMQTT
import Synchronization

/// What the network thread hands to the sampling thread: reconnections, the collector's acknowledgements, and the
/// rooms' limits for the edge alarm.
final class AgentInbox: Sendable {
  private struct Content {
    var connections = 0
    var watermarks: [String: Int64] = [:]
    var limits: [LimitsMessage] = []
  }

  private let content = Mutex(Content())
  /// This install (`Incarnation`): acknowledgements naming another count a former install's samples.
  let incarnation: String

  init(incarnation: String) { self.incarnation = incarnation }

  /// What became of an acknowledgement payload.
  enum AcknowledgementReceipt: Equatable {
    case applied
    case malformed
    /// It names another incarnation (a former install of this agent): its watermarks say nothing of our samples.
    case otherIncarnation(String)
  }

  func noteConnected() { content.withLock { $0.connections += 1 } }

  /// Reads an ack payload (`AcknowledgementMessage`) and keeps the highest watermark per sensor, unless it names
  /// another incarnation. One without `inc` (from a collector that does not know incarnations) is applied.
  func receiveAcknowledgement(_ payload: UnsafeRawBufferPointer) -> AcknowledgementReceipt {
    guard let message = AcknowledgementMessage.decode(payload) else { return .malformed }
    if let named = message.incarnation, named != incarnation { return .otherIncarnation(named) }
    content.withLock { content in
      for (sensor, watermark) in message.watermarks {
        content.watermarks[sensor] = max(content.watermarks[sensor] ?? 0, watermark)
      }
    }
    return .applied
  }

  /// Reads a room's limits (`LimitsMessage`) and keeps them for the sampling thread.
  func receiveLimits(_ payload: UnsafeRawBufferPointer) -> Bool {
    guard let message = LimitsMessage.decode(payload) else { return false }
    content.withLock { $0.limits.append(message) }
    return true
  }

  /// Everything received since the last call.
  func take() -> (connections: Int, watermarks: [String: Int64], limits: [LimitsMessage]) {
    content.withLock { content in
      defer { content = Content() }
      return (content.connections, content.watermarks, content.limits)
    }
  }
}
