import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// Coalesces committed watermarks and sends them to each agent on `coldtrace/v1/ack/<site>/<agent>` a few times a
/// second, instead of one ack message per reading.
///
/// Every message from an agent marks its sensor for acknowledgement, duplicates included: an agent that re-sends
/// because an ack was lost gets the watermark again.
final class AcknowledgementPublisher: Sendable {
  private let due = Mutex<[AgentKey: [String: Int64]]>([:])

  /// Notes committed acknowledgements (a message's, or a committed batch's, one per sensor).
  func note(_ acknowledgements: [Acknowledgement]) {
    due.withLock { due in
      for acknowledgement in acknowledgements {
        let key = AgentKey(site: acknowledgement.site, agent: acknowledgement.agent)
        due[key, default: [:]][acknowledgement.sensor] = acknowledgement.watermark
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
    for (key, sensors) in batch {
      let payload = AcknowledgementMessage(watermarks: sensors).encode()
      send(Topics.ack(site: key.site, agent: key.agent), Array(payload.utf8))
    }
  }
}
