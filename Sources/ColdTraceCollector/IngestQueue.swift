import ColdTraceCore
import Foundation

/// Decoded readings handed from the MQTT network thread to the writer thread, which commits them in batches.
///
/// Only readings the end-to-end acknowledgement covers (a `seq` on every sample, from an agent that announced a
/// durable outbox) go through the queue: their PUBACK leaves before they are committed, and if the collector dies
/// first the agent sends them again because no acknowledgement came back. Bounded: when `capacity` readings wait,
/// `put` blocks the network thread, so the broker holds the rest.
///
/// The writer gathers: once something waits, it waits up to `gatherSeconds` more for a full batch of `batchLimit`, so
/// under load each transaction (and each save of engine state and watermarks) covers many readings instead of a few,
/// and the writer does not compete with the network thread and the broker for the CPU once per message.
final class IngestQueue: @unchecked Sendable {
  struct Item: Sendable {
    var topic: String
    /// The raw bytes, kept for quarantine should the reading turn out to be unstorable.
    var payload: [UInt8]
    var reading: DecodedReading
  }

  let capacity: Int
  let batchLimit: Int
  let gatherSeconds: Double
  // NSCondition guards `items`, `closed` and `gathering`; every access holds it, hence @unchecked Sendable.
  private let condition = NSCondition()
  private var items: [Item] = []
  private var closed = false
  /// Whether the writer waits for a full batch (it is woken when one is there).
  private var gathering = false

  init(capacity: Int = 8192, batchLimit: Int = 2048, gatherSeconds: Double = 0.002) {
    self.capacity = capacity
    self.batchLimit = batchLimit
    self.gatherSeconds = gatherSeconds
  }

  /// Waits while the queue is full; returns `false` (and drops nothing it accepted before) once it is closed.
  func put(_ item: Item) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !closed { condition.wait() }
    guard !closed else { return false }
    items.append(item)
    // Only a writer waiting on an empty queue, or gathering when a batch is full, needs waking; a signal per message
    // would cost a context switch each.
    if items.count == 1 || (gathering && items.count == batchLimit) { condition.broadcast() }
    return true
  }

  /// Everything waiting, up to `batchLimit`, oldest first; waits until there is something, then up to `gatherSeconds`
  /// for a full batch. Empty only once the queue is closed and drained.
  func take() -> [Item] {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed { condition.wait() }
    if items.count < batchLimit && !closed && gatherSeconds > 0 {
      let deadline = Date(timeIntervalSinceNow: gatherSeconds)
      gathering = true
      while items.count < batchLimit && !closed && condition.wait(until: deadline) {}
      gathering = false
    }
    let count = min(batchLimit, items.count)
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
