import ColdTraceCore
import ColdTraceMQTT
import Synchronization

/// What the network thread hands to the sampling thread: reconnections and the collector's acknowledgements.
final class AgentInbox: Sendable {
  private struct Content {
    var connections = 0
    var watermarks: [String: Int64] = [:]
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

  /// Everything received since the last call.
  func take() -> (connections: Int, watermarks: [String: Int64]) {
    content.withLock { content in
      defer { content = Content() }
      return (content.connections, content.watermarks)
    }
  }
}
