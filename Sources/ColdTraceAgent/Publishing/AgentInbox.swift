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

  func noteConnected() { content.withLock { $0.connections += 1 } }

  /// Reads an ack payload (`AcknowledgementMessage`) and keeps the highest watermark per sensor.
  func receiveAcknowledgement(_ payload: UnsafeRawBufferPointer) -> Bool {
    guard let message = AcknowledgementMessage.decode(payload) else { return false }
    content.withLock { content in
      for (sensor, watermark) in message.watermarks {
        content.watermarks[sensor] = max(content.watermarks[sensor] ?? 0, watermark)
      }
    }
    return true
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
