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
  /// Batches of light sites only taken in a row (`take`).
  private var lightOnlyInARow = 0
  /// The site of the last `append` and its slot, while the slots stay as they are: most readings come in runs of
  /// one site, and comparing its name costs less than hashing it.
  private var lastAppended: (site: String, slot: Int)?

  var isEmpty: Bool { count == 0 }
  /// How many sites have readings waiting.
  var sitesWaiting: Int { turns.count }

  /// How many readings `site` has waiting.
  func count(of site: String) -> Int { slot(of: site).map { turns[$0].count } ?? 0 }

  private func slot(of site: String) -> Int? {
    if let lastAppended, lastAppended.site == site { return lastAppended.slot }
    return slotOfSite[site]
  }

  mutating func append(_ item: consuming Item, site: String) {
    if let slot = slot(of: site) {
      turns[slot].items.append(item)
      lastAppended = (site, slot)
    } else {
      var queue = SiteQueue(site: site)
      queue.items.append(item)
      slotOfSite[site] = turns.count
      lastAppended = (site, turns.count)
      turns.append(queue)
    }
    count += 1
  }

  /// Takes readings in turns, one per site per turn, while `more(item)` says the batch can take `item` (it is told
  /// each item before it is taken, and sees the batch grow); stops when nothing waits. When some sites have at most
  /// `lightAtMost` readings waiting and others more, only the light ones are served: their few readings make a
  /// batch of their own, ahead of the others' backlog; but never more than `lightOnlyInARow` such batches in a row,
  /// so that many small sites taking turns cannot keep a heavy site's readings waiting: the next batch serves every
  /// site in turns.
  mutating func take(
    lightAtMost light: Int = .max, lightOnlyInARow maxInARow: Int = .max, while more: (Item) -> Bool
  ) -> [Item] {
    var taken: [Item] = []
    let lightOnly =
      turns.count > 1 && turns.contains { $0.count <= light } && turns.contains { $0.count > light }
      && lightOnlyInARow < maxInARow
    lightOnlyInARow = lightOnly ? lightOnlyInARow + 1 : 0
    if turns.count == 1 {
      // One site waiting (the usual case): its readings in order, with no turn-taking.
      var k = 0
      while k < turns[0].count, more(turns[0].items[turns[0].head + k]) { k += 1 }
      taken = turns[0].popFirst(k)
    } else {
      var turn = next % max(turns.count, 1)
      var idleTurns = 0
      while idleTurns < turns.count {
        if turns[turn].count > 0 && (!lightOnly || turns[turn].count <= light) {
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
    lastAppended = nil
    let start = turns.isEmpty ? 0 : next % turns.count
    let rotated = Array(turns[start...] + turns[..<start])
    turns = rotated.filter { $0.count > 0 }
    next = 0
    slotOfSite.removeAll(keepingCapacity: true)
    for (slot, queue) in turns.enumerated() { slotOfSite[queue.site] = slot }
  }
}
