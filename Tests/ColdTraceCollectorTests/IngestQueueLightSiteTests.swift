import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceCollector

/// A site with a few readings waiting next to a site with a backlog: its readings go in a small transaction of their
/// own, ahead of the backlog, and while two sites have published within the last second the backlog is committed in
/// shared-size batches, so a quiet site's alarm waits for at most one small transaction of the flood.
@Suite(.timeLimit(.minutes(10)))
struct IngestQueueLightSiteTests {
  private func item(_ site: String, seq: Int64) -> IngestQueue.Item {
    let reading = DecodedReading(
      key: SensorKey(site: site, room: "cold1", sensor: "probe-1"), agent: "\(site)-edge",
      samples: [Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3)], isBatch: false)
    return IngestQueue.Item(topic: "coldtrace/v1/reading/\(site)/cold1/probe-1", payload: [], reading: reading)
  }

  private func labels(_ batch: [IngestQueue.Item]) -> [String] {
    batch.map { "\($0.reading.key.site)\($0.reading.samples[0].seq ?? 0)" }
  }

  @Test func aLightSitesReadingsGoAloneAheadOfTheBacklogThenTheBacklogInSharedBatches() {
    let queue = IngestQueue(
      capacity: 10_000, siteCapacity: 5_000, batchLimit: 100, sharedBatchLimit: 10, lightSiteLimit: 3,
      gatherSeconds: 0)
    for seq in 1...1_000 { #expect(queue.put(item("flood", seq: Int64(seq))) == .queued) }
    for seq in 1...2 { #expect(queue.put(item("quiet", seq: Int64(seq))) == .queued) }
    #expect(labels(queue.take()) == ["quiet1", "quiet2"], "the light site alone, first")
    // The flood alone now, but the quiet site published within the second: shared-size batches.
    let next = queue.take()
    #expect(next.count == 10 && labels(next).first == "flood1")
  }

  @Test func twoHeavySitesShareBatchesInTurnsAsBefore() {
    let queue = IngestQueue(
      capacity: 10_000, siteCapacity: 5_000, batchLimit: 100, sharedBatchLimit: 4, lightSiteLimit: 3,
      gatherSeconds: 0)
    for seq in 1...10 {
      #expect(queue.put(item("a", seq: Int64(seq))) == .queued)
      #expect(queue.put(item("b", seq: Int64(seq))) == .queued)
    }
    #expect(labels(queue.take()) == ["a1", "b1", "a2", "b2"])
  }

  @Test func aSiteAloneForASecondGetsTheFullBatchAgain() {
    let queue = IngestQueue(
      capacity: 10_000, siteCapacity: 5_000, batchLimit: 100, sharedBatchLimit: 4, lightSiteLimit: 3,
      sharingSeconds: 0.05, gatherSeconds: 0)
    #expect(queue.put(item("quiet", seq: 1)) == .queued)
    #expect(labels(queue.take()) == ["quiet1"])
    for seq in 1...200 { #expect(queue.put(item("flood", seq: Int64(seq))) == .queued) }
    #expect(queue.take().count == 4, "the quiet site published just now")
    Thread.sleep(forTimeInterval: 0.1)
    #expect(queue.take().count == 100, "nobody else for longer than sharingSeconds")
  }

  @Test func manyLightSitesCannotKeepAHeavySiteWaitingForMoreThanTheCapOfLightBatches() {
    let queue = IngestQueue(
      capacity: 10_000, siteCapacity: 5_000, batchLimit: 100, sharedBatchLimit: 6, lightSiteLimit: 3,
      lightBatchesInARow: 2, gatherSeconds: 0)
    for seq in 1...50 { #expect(queue.put(item("heavy", seq: Int64(seq))) == .queued) }
    var batches: [[String]] = []
    // Small sites keep coming, a new one before every batch: without the cap, every batch would be light-only.
    for round in 1...6 {
      for seq in 1...2 { #expect(queue.put(item("light\(round)-", seq: Int64(seq))) == .queued) }
      batches.append(labels(queue.take()))
    }
    let servesHeavy = batches.map { $0.contains { $0.hasPrefix("heavy") } }
    #expect(servesHeavy == [false, false, true, false, false, true], "\(batches)")
    // The capped batch serves everyone in turns: the light site's readings and the heavy site's oldest, in order.
    #expect(batches[2].filter { $0.hasPrefix("light") } == ["light3-1", "light3-2"], "\(batches[2])")
    #expect(batches[2].filter { $0.hasPrefix("heavy") } == ["heavy1", "heavy2", "heavy3", "heavy4"])
    #expect(batches[5].filter { $0.hasPrefix("heavy") } == ["heavy5", "heavy6", "heavy7", "heavy8"])
  }
}

/// The check the network thread makes before decoding a message of a probe with a reading deferred: the same answer
/// `put` would give, from the probe and the numbers alone.
@Suite(.timeLimit(.minutes(10)))
struct IngestQueueUndecodedDeferralTests {
  private func item(seq: Int64) -> IngestQueue.Item {
    let reading = DecodedReading(
      key: SensorKey(site: "flood", room: "cold1", sensor: "probe-1"), agent: "flood-edge",
      samples: [Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3)], isBatch: false)
    return IngestQueue.Item(topic: "coldtrace/v1/reading/flood/cold1/probe-1", payload: [], reading: reading)
  }

  @Test func aDeferredProbesLaterMessagesAreHeldBackAndItsResendIsNot() {
    let queue = IngestQueue(capacity: 100, siteCapacity: 2, batchLimit: 100, sharedBatchLimit: 100, gatherSeconds: 0)
    let probe = ProbeKey(site: "flood", sensor: "probe-1")
    #expect(!queue.mayHoldBack && !queue.holdsBack(probe, firstSequence: 1, floor: nil))
    #expect(queue.put(item(seq: 1)) == .queued && queue.put(item(seq: 2)) == .queued)
    #expect(queue.put(item(seq: 3)) == .deferred, "over the site's share")
    #expect(queue.mayHoldBack)
    #expect(queue.holdsBack(probe, firstSequence: 4, floor: nil), "a later one waits for 3")
    #expect(!queue.holdsBack(probe, firstSequence: 3, floor: nil), "the re-send of 3 is decoded and queued")
    #expect(
      !queue.holdsBack(probe, firstSequence: 5, floor: 4), "3 dropped from the agent's outbox: nothing to wait for")
    #expect(!queue.holdsBack(ProbeKey(site: "flood", sensor: "probe-2"), firstSequence: 9, floor: nil))
  }
}
