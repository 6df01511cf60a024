import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// Coalesces committed watermarks and sends them to each agent on `coldtrace/v1/ack/<site>/<agent>` a few times a
/// second, instead of one ack message per reading.
///
/// Every message from an agent marks its sensor for acknowledgement, duplicates included: an agent that re-sends
/// because an ack was lost gets the watermark again.
final class AcknowledgementPublisher: Sendable {
  /// Per agent and incarnation (`nil`: readings without `inc`), the watermark due per sensor.
  private let due = Mutex<[DueKey: [String: Int64]]>([:])

  private struct DueKey: Hashable {
    var agent: AgentKey
    var incarnation: String?
  }

  /// Notes committed acknowledgements (a message's, or a committed batch's, one per sensor).
  func note(_ acknowledgements: [Acknowledgement]) {
    due.withLock { due in
      for acknowledgement in acknowledgements {
        let agent = AgentKey(site: acknowledgement.site, agent: acknowledgement.agent)
        due[DueKey(agent: agent, incarnation: acknowledgement.incarnation), default: [:]][acknowledgement.sensor] =
          acknowledgement.watermark
      }
    }
  }

  /// Makes the commits behind every due acknowledgement durable (`makeDurable`, one fsync for all of them), then
  /// hands each to `send` as (topic, payload) and forgets it. If they cannot be made durable, they stay due.
  func flush(makeDurable: () throws -> Void, _ send: (String, [UInt8]) -> Void) throws {
    let batch = due.withLock { due in
      defer { due.removeAll(keepingCapacity: true) }
      return due
    }
    guard !batch.isEmpty else { return }
    do {
      try makeDurable()
    } catch {
      due.withLock { due in due.merge(batch) { current, _ in current } }
      throw error
    }
    // One message per agent and incarnation: an agent applies only the watermarks of its own install.
    for (key, sensors) in batch {
      let payload = AcknowledgementMessage(watermarks: sensors, incarnation: key.incarnation).encode()
      send(Topics.ack(site: key.agent.site, agent: key.agent.agent), Array(payload.utf8))
    }
  }
}
