import ColdTraceCore
import ColdTraceMQTT
import Foundation
import Synchronization

/// Decoded readings handed from the MQTT network thread to the writer thread, which commits them in batches.
///
/// Two kinds of readings go through the queue, committed after the network thread has moved on:
/// - readings the end-to-end acknowledgement covers (a `seq` on every sample, from an agent that announced a durable
///   outbox): if the collector dies first the agent sends them again because no acknowledgement came back;
/// - readings of `[[source]]`s that came at QoS 0 (third-party publishers, `resendable` false; no PUBACK, and no
///   redelivery in any case): nobody sends them again, so they are never turned away; `put` waits instead while their
///   site has `batchLimit` readings waiting, which bounds what a collector killed at the wrong moment can lose of them
///   (docs/durability.md). A source's QoS 1 readings are committed before their PUBACK instead, not queued.
///
/// Fair between sites (`SiteRoundRobin`): each site has its own line, and a batch takes from each site in turn, so
/// a site that floods delays another site's reading by about one batch, not by its whole backlog; while more than
/// one site waits, a batch stops at `sharedBatchLimit` readings so that each commits quickly.
///
/// Bounded per site: a reading whose site has `siteCapacity` readings waiting (or more than its share of a full
/// queue) is turned away (`deferred`), and so is every later reading of its probe until its agent sends it again
/// (`DeferredProbes`). That is the site's back-pressure: nothing of it is acknowledged, so its agent keeps it and
/// sends it again, while the network thread goes on reading the other sites' messages from the broker. Blocking the
/// network thread instead would hold every site behind the flood in the broker's single queue for the collector.
/// Only when the whole queue is full and the reading's site is within its share does `put` wait (the broker holds
/// the rest). The measurements are in benchmarks/README.md, "Fair ingest".
///
/// The writer gathers: once something waits, it waits up to `gatherSeconds` more for a full batch (`batchLimit`
/// readings, or readings carrying `sampleLimit` samples), so under load each transaction (and each save of engine
/// state and watermarks) covers many readings instead of a few, and the writer does not compete with the network
/// thread and the broker for the CPU once per message.
final class IngestQueue: @unchecked Sendable {
  let capacity: Int
  /// The most readings one site may have waiting.
  let siteCapacity: Int
  let batchLimit: Int
  /// A batch's limit while more than one site has readings waiting, or had within `sharingSeconds`.
  let sharedBatchLimit: Int
  /// A site with at most this many readings waiting next to one with more is *light*: its readings go in a batch of
  /// their own, ahead of the others' backlog (an alarm of a quiet site waits for one small transaction, not for a
  /// shared one of the flood's).
  let lightSiteLimit: Int
  /// The most batches of light sites only in a row; the next serves every site in turns, so that a heavy site's
  /// readings wait for at most this many small transactions however many light sites keep coming.
  let lightBatchesInARow: Int
  /// How long after another site last put a reading a site alone is still committed in `sharedBatchLimit` batches:
  /// the quiet site's next reading then waits for a shared-size transaction of the flood, not a full one.
  let sharingSeconds: Double
  /// A batch stops at the reading that brings it to this many samples (backfills carry up to 10,000 a reading): a
  /// transaction of hundreds of thousands of samples outgrows SQLite's page cache and commits slower per sample.
  let sampleLimit: Int
  let gatherSeconds: Double
  // NSCondition guards `sites`, `deferrals`, `samplesWaiting`, `closed`, `gathering` and `putWaiting`; every access
  // holds it,
  // hence @unchecked Sendable.
  private let condition = NSCondition()
  private var sites = SiteRoundRobin<Item>()
  /// Chores scheduled and not yet handed to the writer, oldest first.
  private var chores: [Chore] = []
  /// Chores scheduled so far, and run so far (`choresRan`), for `waitForChores`.
  private var choresScheduled = 0
  private var choresDone = 0
  private var deferrals = DeferredProbes() {
    didSet { hasDeferrals.store(deferrals.count > 0, ordering: .relaxed) }
  }
  /// Whether any probe has a reading deferred, readable without the lock (most messages come while none has).
  private let hasDeferrals = Atomic<Bool>(false)
  /// Whether the network thread waits in `put` for room.
  private var putWaiting = false
  /// The samples waiting, all sites told.
  private var samplesWaiting = 0
  private var closed = false
  /// Whether the writer waits for a full batch (it is woken when one is there).
  private var gathering = false
  /// Whether the next `take` should not wait for a full batch (`hurry`).
  private var hurried = false
  /// The site of the last reading put, and when a reading of another site was last put before it.
  private var lastSite = ""
  private var lastSiteChange = ContinuousClock.now

  init(
    capacity: Int = 8192, siteCapacity: Int = 4096, batchLimit: Int = 2048, sharedBatchLimit: Int = 512,
    lightSiteLimit: Int = 32, lightBatchesInARow: Int = 4, sharingSeconds: Double = 1, sampleLimit: Int = 50_000,
    gatherSeconds: Double = 0.002
  ) {
    self.lightSiteLimit = lightSiteLimit
    self.lightBatchesInARow = lightBatchesInARow
    self.sharingSeconds = sharingSeconds
    self.capacity = capacity
    self.siteCapacity = min(siteCapacity, capacity)
    self.batchLimit = batchLimit
    self.sharedBatchLimit = min(sharedBatchLimit, batchLimit)
    self.sampleLimit = sampleLimit
    self.gatherSeconds = gatherSeconds
  }

  /// Whether what waits makes a full batch.
  /// (`readingLimit`, which reads the clock, is asked only once `sharedBatchLimit`, the lower limit, is reached.)
  private var batchIsFull: Bool {
    samplesWaiting >= sampleLimit || (sites.count >= sharedBatchLimit && sites.count >= readingLimit)
  }

  /// The most readings the next batch takes: fewer while more than one site waits or put a reading within
  /// `sharingSeconds`, so that each commits quickly.
  private var readingLimit: Int {
    sites.sitesWaiting > 1 || lastSiteChange.duration(to: .now) < .seconds(sharingSeconds)
      ? sharedBatchLimit : batchLimit
  }

  /// What `put` did with a reading.
  enum PutOutcome: Equatable {
    case queued
    /// Turned away, not kept: its site has its share waiting, or an earlier reading of its probe was turned away.
    case deferred
    /// The queue is closed: commit it another way.
    case closed
  }

  /// Queues `item`, or turns it away (see the type's doc); waits only while the whole queue is full and the item's
  /// site is within its share of it, or, for an item nobody sends again, while its site has a batch waiting.
  func put(_ item: consuming Item) -> PutOutcome {
    let site = item.reading.key.site
    let now = ContinuousClock.now
    condition.lock()
    defer { condition.unlock() }
    while !closed {
      if item.resendable && (deferrals.holdsBack(item.reading, now: now) || isOverItsShare(site)) {
        deferrals.turnAway(item.reading, now: now)
        return .deferred
      }
      guard sites.count >= capacity || (!item.resendable && sites.count(of: site) >= batchLimit) else { break }
      putWaiting = true
      condition.wait()
    }
    putWaiting = false
    guard !closed else { return .closed }
    deferrals.queued(item.reading)
    if site != lastSite {
      lastSite = site
      lastSiteChange = now
    }
    let wasFull = gathering && batchIsFull
    samplesWaiting += item.reading.samples.count
    // Moved into its site's line, not copied (each copy retains every string and array the reading holds).
    sites.append(item, site: site)
    // Only a writer waiting on an empty queue, or gathering when a batch has just filled, needs waking; a signal per
    // message would cost a context switch each.
    if sites.count == 1 || (gathering && !wasFull && batchIsFull) { condition.broadcast() }
    return .queued
  }

  /// Whether `site` has `siteCapacity` readings waiting, or the queue is full and it has more than an equal share.
  private func isOverItsShare(_ site: String) -> Bool {
    let waiting = sites.count(of: site)
    return waiting >= siteCapacity || (sites.count >= capacity && waiting * max(sites.sitesWaiting, 1) >= capacity)
  }

  /// Records that `reading` was turned away before it reached the queue (over its site's rate), so that no later
  /// reading of its probe overtakes it either.
  func turnAway(_ reading: DecodedReading) {
    condition.lock()
    defer { condition.unlock() }
    deferrals.turnAway(reading, now: .now)
  }

  /// Whether some probe has (or had, within `DeferredProbes.expirySeconds`) a reading deferred; read without the lock.
  var mayHoldBack: Bool { hasDeferrals.load(ordering: .relaxed) }

  /// Whether a message of `probe`, its first sample numbered `firstSequence`, would be turned away because an
  /// earlier reading of the probe was (`DeferredProbes`): asked before the message is decoded, from its topic and the
  /// numbers `SequencePeek` found, so a flood of a deferred site costs the network thread a byte scan per message.
  func holdsBack(_ probe: ProbeKey, firstSequence: Int64, floor: Int64?) -> Bool {
    guard hasDeferrals.load(ordering: .relaxed) else { return false }
    condition.lock()
    defer { condition.unlock() }
    return deferrals.holdsBack(probe, firstSequence: firstSequence, floor: floor, now: .now)
  }

  /// How many probes have readings deferred now (`DeferredProbes`).
  var deferredProbes: Int {
    condition.lock()
    defer { condition.unlock() }
    return deferrals.count
  }

  /// What waits, each site's oldest first and the sites in turns, up to `batchLimit` readings (`sharedBatchLimit`
  /// while more than one site waits or did lately) and up to the reading that reaches `sampleLimit` samples; only the
  /// light sites' readings when light and heavy sites wait (`lightSiteLimit`, at most `lightBatchesInARow` batches in
  /// a row); waits until there is something, then
  /// up to `gatherSeconds` for a full batch. Empty only once the queue is closed and drained.
  func take() -> [Item] {
    condition.lock()
    defer { condition.unlock() }
    while sites.isEmpty && !closed { condition.wait() }
    return gatherAndTake()
  }

  /// `take` once something waits, the lock held.
  private func gatherAndTake() -> [Item] {
    if !batchIsFull && !closed && gatherSeconds > 0 && chores.isEmpty {
      let deadline = Date(timeIntervalSinceNow: gatherSeconds)
      gathering = true
      while !batchIsFull && !closed && !hurried && chores.isEmpty && condition.wait(until: deadline) {}
      gathering = false
    }
    hurried = false
    let limit = readingLimit
    var count = 0
    var samples = 0
    // A light site next to a heavier one goes alone (see `lightSiteLimit`), a few batches in a row at most.
    let taken = sites.take(lightAtMost: lightSiteLimit, lightOnlyInARow: lightBatchesInARow) { item in
      guard count < limit && samples < sampleLimit else { return false }
      count += 1
      samples += item.reading.samples.count
      return true
    }
    samplesWaiting -= samples
    if putWaiting { condition.broadcast() }
    return taken
  }

  /// Hands `chore` to the writer, which runs it before any reading queued after this call; `false` once the queue
  /// is closed (then run it yourself).
  func schedule(_ chore: @escaping Chore) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard !closed else { return false }
    chores.append(chore)
    choresScheduled += 1
    condition.broadcast()
    return true
  }

  /// The writer ran `count` chores `takeRound` handed it.
  func choresRan(_ count: Int) {
    guard count > 0 else { return }
    condition.lock()
    defer { condition.unlock() }
    choresDone += count
    condition.broadcast()
  }

  /// Waits until every chore scheduled before this call has run (or the queue is closed): a reading committed on the
  /// network thread is judged after the status before it, as a queued one is.
  func waitForChores() {
    condition.lock()
    defer { condition.unlock() }
    let due = choresScheduled
    while choresDone < due && !closed { condition.wait() }
  }

  /// What `take` hands out, and the chores scheduled up to the same instant, to run first: a chore scheduled before
  /// a reading was queued is in the round that holds the reading, or an earlier one. Waits for either; a chore ends
  /// the gathering. Both empty only once the queue is closed and drained.
  func takeRound() -> (chores: [Chore], items: [Item]) {
    condition.lock()
    defer { condition.unlock() }
    while sites.isEmpty && chores.isEmpty && !closed { condition.wait() }
    let items = sites.isEmpty ? [] : gatherAndTake()
    defer { chores = [] }
    return (chores, items)
  }

  /// Ends the writer's wait for a full batch: the network thread has read all that came and holds its PUBACKs until
  /// what waits is committed, so the broker sends nothing more meanwhile (`AcknowledgementHold`).
  func hurry() {
    condition.lock()
    defer { condition.unlock() }
    guard !sites.isEmpty else { return }
    hurried = true
    if gathering { condition.broadcast() }
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
