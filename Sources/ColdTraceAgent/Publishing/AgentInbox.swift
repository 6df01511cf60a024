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

  /// Parses an ack payload (`{"sensors":{"<sensor>":<seq>}}`) and keeps the highest watermark per sensor.
  func receiveAcknowledgement(_ payload: UnsafeRawBufferPointer) -> Bool {
    guard case .object(let document)? = try? JSONParser.parse(payload),
      case .object(let sensors)? = document["sensors"]
    else { return false }
    content.withLock { content in
      for member in sensors.members {
        guard case .number(let value) = member.value, value >= 0, value < 9e15 else { continue }
        content.watermarks[member.key] = max(content.watermarks[member.key] ?? 0, Int64(value))
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
