import ColdTraceCore
import Foundation

/// Decoded readings handed from the MQTT network thread to the writer thread, which commits them in batches.
///
/// Only readings the end-to-end acknowledgement covers (a `seq` on every sample, from an agent that announced a
/// durable outbox) go through the queue: their PUBACK leaves before they are committed, and if the collector dies
/// first the agent sends them again because no acknowledgement came back. Bounded: when `capacity` readings wait,
/// `put` blocks the network thread, so the broker holds the rest.
///
/// The writer gathers: once something waits, it waits up to `gatherSeconds` more for a full batch (`batchLimit`
/// readings, or readings carrying `sampleLimit` samples), so under load each transaction (and each save of engine
/// state and watermarks) covers many readings instead of a few, and the writer does not compete with the network
/// thread and the broker for the CPU once per message.
final class IngestQueue: @unchecked Sendable {
  struct Item: Sendable {
    var topic: String
    /// The raw bytes, kept for quarantine should the reading turn out to be unstorable.
    var payload: [UInt8]
    var reading: DecodedReading
    /// When the MQTT handler queued it: the start of its ingest latency (`CollectorMetrics`).
    var receivedAt = ContinuousClock.now
  }

  let capacity: Int
  let batchLimit: Int
  /// A batch stops at the reading that brings it to this many samples (backfills carry up to 10,000 a reading): a
  /// transaction of hundreds of thousands of samples outgrows SQLite's page cache and commits slower per sample.
  let sampleLimit: Int
  let gatherSeconds: Double
  // NSCondition guards `items`, `closed` and `gathering`; every access holds it, hence @unchecked Sendable.
  private let condition = NSCondition()
  private var items: [Item] = []
  /// The samples of `items`, all told.
  private var samplesWaiting = 0
  private var closed = false
  /// Whether the writer waits for a full batch (it is woken when one is there).
  private var gathering = false

  init(capacity: Int = 8192, batchLimit: Int = 2048, sampleLimit: Int = 50_000, gatherSeconds: Double = 0.002) {
    self.capacity = capacity
    self.batchLimit = batchLimit
    self.sampleLimit = sampleLimit
    self.gatherSeconds = gatherSeconds
  }

  /// Whether what waits makes a full batch.
  private var batchIsFull: Bool { items.count >= batchLimit || samplesWaiting >= sampleLimit }

  /// Waits while the queue is full; returns `false` (and drops nothing it accepted before) once it is closed.
  func put(_ item: Item) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !closed { condition.wait() }
    guard !closed else { return false }
    let wasFull = batchIsFull
    items.append(item)
    samplesWaiting += item.reading.samples.count
    // Only a writer waiting on an empty queue, or gathering when a batch has just filled, needs waking; a signal per
    // message would cost a context switch each.
    if items.count == 1 || (gathering && !wasFull && batchIsFull) { condition.broadcast() }
    return true
  }

  /// What waits, oldest first, up to `batchLimit` readings and up to the reading that reaches `sampleLimit` samples;
  /// waits until there is something, then up to `gatherSeconds` for a full batch. Empty only once the queue is closed
  /// and drained.
  func take() -> [Item] {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed { condition.wait() }
    if !batchIsFull && !closed && gatherSeconds > 0 {
      let deadline = Date(timeIntervalSinceNow: gatherSeconds)
      gathering = true
      while !batchIsFull && !closed && condition.wait(until: deadline) {}
      gathering = false
    }
    var count = 0
    var samples = 0
    while count < min(batchLimit, items.count) && samples < sampleLimit {
      samples += items[count].reading.samples.count
      count += 1
    }
    let wasFull = items.count >= capacity
    let taken: [Item]
    if count == items.count {
      // The usual case: hand over the whole buffer, with no copy of each item under the lock the network thread
      // waits on; the queue starts a buffer the size of this batch (not of the high-water mark a backlog left).
      taken = items
      items = []
      items.reserveCapacity(count)
    } else {
      taken = Array(items.prefix(count))
      items.removeFirst(count)
    }
    samplesWaiting -= samples
    if wasFull { condition.broadcast() }
    return taken
  }

  /// Whether the writer is waiting for a full batch right now (for tests that must put while it waits).
  var isGathering: Bool {
    condition.lock()
    defer { condition.unlock() }
    return gathering
  }

  /// Stops accepting; `take` still hands out what was accepted.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }
}
