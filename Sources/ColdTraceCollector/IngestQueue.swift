import ColdTraceCore
import Foundation

/// Decoded readings handed from the MQTT network thread to the writer thread, which commits them in batches.
///
/// Only readings the end-to-end acknowledgement covers (an agent and a `seq` on every sample) go through the queue:
/// their PUBACK leaves before they are committed, and if the collector dies first the agent sends them again because
/// no acknowledgement came back. Bounded: when `capacity` readings wait, `put` blocks the network thread, so the
/// broker holds the rest.
final class IngestQueue: @unchecked Sendable {
  struct Item: Sendable {
    var topic: String
    /// The raw bytes, kept for quarantine should the reading turn out to be unstorable.
    var payload: [UInt8]
    var reading: DecodedReading
    var receivedAt: Timestamp
  }

  let capacity: Int
  // NSCondition guards `items` and `closed`; every access holds it, hence @unchecked Sendable.
  private let condition = NSCondition()
  private var items: [Item] = []
  private var closed = false

  init(capacity: Int = 4096) { self.capacity = capacity }

  /// Waits while the queue is full; returns `false` (and drops nothing it accepted before) once it is closed.
  func put(_ item: Item) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !closed { condition.wait() }
    guard !closed else { return false }
    items.append(item)
    // Only a writer waiting on an empty queue needs waking; a signal per message costs a context switch each.
    if items.count == 1 { condition.broadcast() }
    return true
  }

  /// Everything waiting, up to `limit`, oldest first; waits until there is something. Empty only once the queue is
  /// closed and drained.
  func take(limit: Int) -> [Item] {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed { condition.wait() }
    let count = min(limit, items.count)
    let wasFull = items.count >= capacity
    let taken = Array(items.prefix(count))
    items.removeFirst(count)
    if wasFull { condition.broadcast() }
    return taken
  }

  /// Stops accepting; `take` still hands out what was accepted.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }
}
