import ColdTraceCore
import Foundation

/// Decoded readings handed from the MQTT network thread to the writer thread, which commits them in batches.
///
/// Only readings the end-to-end acknowledgement covers (a `seq` on every sample, from an agent that announced a
/// durable outbox) go through the queue: their PUBACK leaves before they are committed, and if the collector dies
/// first the agent sends them again because no acknowledgement came back.
///
/// Fair between sites (`SiteRoundRobin`): each site has its own queue, and a batch takes from each site in turn, so
/// a site that floods delays another site's reading by about one batch, not by its whole backlog; while more than
/// one site waits, a batch stops at `sharedBatchLimit` readings so that one batch commits quickly.
///
/// Bounded, in total (`capacity`) and per site (`siteCapacity`): when either is reached, `put` blocks the network
/// thread, so the broker holds the rest (back-pressure; nothing is dropped, and nothing is acknowledged to an agent
/// before it is committed). The writer serves the flooding site's queue at every turn, so a blocked `put` waits for
/// one batch at most. Dropping the reading instead (its agent would send it again, unacknowledged) was not chosen:
/// the probe's later readings would be judged before it, and a third-party publisher sends nothing again.
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
  /// The most readings one site may have waiting.
  let siteCapacity: Int
  let batchLimit: Int
  /// A batch's limit while more than one site has readings waiting.
  let sharedBatchLimit: Int
  /// A batch stops at the reading that brings it to this many samples (backfills carry up to 10,000 a reading): a
  /// transaction of hundreds of thousands of samples outgrows SQLite's page cache and commits slower per sample.
  let sampleLimit: Int
  let gatherSeconds: Double
  // NSCondition guards `sites`, `samplesWaiting`, `closed`, `gathering` and `putWaiting`; every access holds it,
  // hence @unchecked Sendable.
  private let condition = NSCondition()
  private var sites = SiteRoundRobin<Item>()
  /// Whether the network thread waits in `put` for room.
  private var putWaiting = false
  /// The samples waiting, all sites told.
  private var samplesWaiting = 0
  private var closed = false
  /// Whether the writer waits for a full batch (it is woken when one is there).
  private var gathering = false

  init(
    capacity: Int = 8192, siteCapacity: Int = 4096, batchLimit: Int = 2048, sharedBatchLimit: Int = 512,
    sampleLimit: Int = 50_000, gatherSeconds: Double = 0.002
  ) {
    self.capacity = capacity
    self.siteCapacity = min(siteCapacity, capacity)
    self.batchLimit = batchLimit
    self.sharedBatchLimit = min(sharedBatchLimit, batchLimit)
    self.sampleLimit = sampleLimit
    self.gatherSeconds = gatherSeconds
  }

  /// Whether what waits makes a full batch.
  private var batchIsFull: Bool { sites.count >= readingLimit || samplesWaiting >= sampleLimit }

  /// The most readings the next batch takes: fewer while more than one site waits, so that each commits quickly.
  private var readingLimit: Int { sites.sitesWaiting > 1 ? sharedBatchLimit : batchLimit }

  /// Waits while the queue, or its site's queue, is full; returns `false` (and drops nothing it accepted before)
  /// once it is closed.
  func put(_ item: Item) -> Bool {
    let site = item.reading.key.site
    condition.lock()
    defer { condition.unlock() }
    while (sites.count >= capacity || sites.count(of: site) >= siteCapacity) && !closed {
      putWaiting = true
      condition.wait()
    }
    putWaiting = false
    guard !closed else { return false }
    let wasFull = batchIsFull
    sites.append(item, site: site)
    samplesWaiting += item.reading.samples.count
    // Only a writer waiting on an empty queue, or gathering when a batch has just filled, needs waking; a signal per
    // message would cost a context switch each.
    if sites.count == 1 || (gathering && !wasFull && batchIsFull) { condition.broadcast() }
    return true
  }

  /// What waits, each site's oldest first and the sites in turns, up to `batchLimit` readings (`sharedBatchLimit`
  /// while more than one site waits) and up to the reading that reaches `sampleLimit` samples; waits until there is
  /// something, then up to `gatherSeconds` for a full batch. Empty only once the queue is closed and drained.
  func take() -> [Item] {
    condition.lock()
    defer { condition.unlock() }
    while sites.isEmpty && !closed { condition.wait() }
    if !batchIsFull && !closed && gatherSeconds > 0 {
      let deadline = Date(timeIntervalSinceNow: gatherSeconds)
      gathering = true
      while !batchIsFull && !closed && condition.wait(until: deadline) {}
      gathering = false
    }
    let limit = readingLimit
    var count = 0
    var samples = 0
    let taken = sites.take { item in
      guard count < limit && samples < sampleLimit else { return false }
      count += 1
      samples += item.reading.samples.count
      return true
    }
    samplesWaiting -= samples
    if putWaiting { condition.broadcast() }
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

/// The readings waiting for the writer, one first-in first-out queue per site, handed out in turns: a batch takes
/// one reading from each site that has one waiting, then one more from each, and so on, each batch starting at the
/// site the last one stopped at. So a site that floods cannot put the other sites' readings behind
/// its backlog: whatever another site has waiting goes into the next batch. Each site's own readings keep their
/// order (a probe belongs to one site), so every probe's readings are committed in the order they arrived.
///
/// Pure bookkeeping, no lock: `IngestQueue` holds it under its condition. Generic over the item so a test can count
/// plain values.
struct SiteRoundRobin<Item> {
  /// One site's waiting readings; the front is `items[head]` (taking moves `head`, not the elements).
  private struct SiteQueue {
    let site: String
    var items: [Item] = []
    var head = 0
    var count: Int { items.count - head }

    mutating func popFirst() -> Item {
      let item = items[head]
      head += 1
      if head == items.count {
        items.removeAll(keepingCapacity: true)
        head = 0
      } else if head >= 1024 && head * 2 >= items.count {
        items.removeFirst(head)
        head = 0
      }
      return item
    }

    /// The first `k` readings at once: the whole buffer when that is all of it (no copy of each item).
    mutating func popFirst(_ k: Int) -> [Item] {
      if head == 0 && k == items.count {
        defer { items = [] }
        return items
      }
      let taken = Array(items[head..<(head + k)])
      head += k
      if head == items.count {
        items.removeAll(keepingCapacity: true)
        head = 0
      }
      return taken
    }
  }

  /// The sites with readings waiting, in the order they will be served from `next`.
  private var turns: [SiteQueue] = []
  private var slotOfSite: [String: Int] = [:]
  /// The turn the next batch starts at.
  private var next = 0
  /// Readings waiting, all sites told.
  private(set) var count = 0

  var isEmpty: Bool { count == 0 }
  /// How many sites have readings waiting.
  var sitesWaiting: Int { turns.count }

  /// How many readings `site` has waiting.
  func count(of site: String) -> Int { slotOfSite[site].map { turns[$0].count } ?? 0 }

  mutating func append(_ item: Item, site: String) {
    if let slot = slotOfSite[site] {
      turns[slot].items.append(item)
    } else {
      var queue = SiteQueue(site: site)
      queue.items.append(item)
      slotOfSite[site] = turns.count
      turns.append(queue)
    }
    count += 1
  }

  /// Takes readings in turns, one per site per turn, while `more(item)` says the batch can take `item` (it is told
  /// each item before it is taken, and sees the batch grow); stops when nothing waits.
  mutating func take(while more: (Item) -> Bool) -> [Item] {
    var taken: [Item] = []
    if turns.count == 1 {
      // One site waiting (the usual case): its readings in order, with no turn-taking.
      var k = 0
      while k < turns[0].count, more(turns[0].items[turns[0].head + k]) { k += 1 }
      taken = turns[0].popFirst(k)
    } else {
      var turn = next % max(turns.count, 1)
      var idleTurns = 0
      while idleTurns < turns.count {
        if turns[turn].count > 0 {
          guard more(turns[turn].items[turns[turn].head]) else { break }
          taken.append(turns[turn].popFirst())
          idleTurns = 0
        } else {
          idleTurns += 1
        }
        turn = (turn + 1) % turns.count
      }
      next = turn
    }
    count -= taken.count
    dropEmptySites()
    return taken
  }

  /// Forgets the sites with nothing waiting (a site's queue exists only while it has readings), keeping the order
  /// of the others and where the next batch starts.
  private mutating func dropEmptySites() {
    guard turns.contains(where: { $0.count == 0 }) else { return }
    let start = turns.isEmpty ? 0 : next % turns.count
    let rotated = Array(turns[start...] + turns[..<start])
    turns = rotated.filter { $0.count > 0 }
    next = 0
    slotOfSite.removeAll(keepingCapacity: true)
    for (slot, queue) in turns.enumerated() { slotOfSite[queue.site] = slot }
  }
}
