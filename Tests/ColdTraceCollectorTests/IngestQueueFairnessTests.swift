import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceCollector

/// The queue's fairness between sites: a site with a backlog does not put another site's reading behind it, each
/// probe's readings come out in the order they went in, and a site over its share is turned away (its agent sends
/// again) without holding up the others, and without any of its probes' readings overtaking one turned away.
@Suite(.timeLimit(.minutes(10)))
struct IngestQueueFairnessTests {
  /// A single-sample reading of `sensor` of `site`, numbered `seq`.
  private func item(_ site: String, _ sensor: String = "probe-1", seq: Int64, floor: Int64? = nil) -> IngestQueue.Item {
    let reading = DecodedReading(
      key: SensorKey(site: site, room: "cold1", sensor: sensor), agent: "\(site)-edge",
      samples: [Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3)], isBatch: false,
      floor: floor)
    return IngestQueue.Item(topic: "coldtrace/v1/reading/\(site)/cold1/\(sensor)", payload: [], reading: reading)
  }

  private func labels(_ batch: [IngestQueue.Item]) -> [String] {
    batch.map { "\($0.reading.key.site)\($0.reading.samples[0].seq ?? 0)" }
  }

  @Test func anotherSitesReadingGoesIntoTheNextBatchAheadOfABacklog() {
    let queue = IngestQueue(
      capacity: 10_000, siteCapacity: 5_000, batchLimit: 100, sharedBatchLimit: 4, gatherSeconds: 0)
    for seq in 1...1_000 { #expect(queue.put(item("flood", seq: Int64(seq))) == .queued) }
    #expect(queue.put(item("quiet", seq: 1)) == .queued)
    // Two sites wait, one with a single reading: it goes alone, in the next batch, ahead of the backlog.
    let first = queue.take()
    #expect(labels(first) == ["quiet1"], "a light site goes alone, ahead of the backlog")
    // The backlog alone, in its order, in shared-size batches while the quiet site published within the second.
    let second = queue.take()
    #expect(labels(second) == ["flood1", "flood2", "flood3", "flood4"])
  }

  @Test func everyProbeKeepsItsOrderAndNothingIsLostOrRepeated() {
    let queue = IngestQueue(
      capacity: 100_000, siteCapacity: 100_000, batchLimit: 37, sharedBatchLimit: 11, gatherSeconds: 0)
    var random = SystemRandomNumberGenerator()
    var next: [String: Int64] = [:]
    var put = 0
    for _ in 0..<5_000 {
      let site = "site-\(Int.random(in: 0..<7, using: &random))"
      let sensor = "probe-\(Int.random(in: 0..<3, using: &random))"
      let key = "\(site)/\(sensor)"
      next[key, default: 0] += 1
      #expect(queue.put(item(site, sensor, seq: next[key]!)) == .queued)
      put += 1
    }
    queue.close()
    var seen: [String: Int64] = [:]
    var taken = 0
    while true {
      let batch = queue.take()
      if batch.isEmpty { break }
      #expect(batch.count <= 37)
      for item in batch {
        let key = "\(item.reading.key.site)/\(item.reading.key.sensor)"
        let seq = item.reading.samples[0].seq ?? 0
        #expect(seq == (seen[key] ?? 0) + 1, "\(key) out of order")
        seen[key] = seq
        taken += 1
      }
    }
    #expect(taken == put)
    #expect(seen == next)
  }

  @Test func aSiteOverItsShareIsTurnedAwayUntilItsAgentSendsAgainAndNoneOfItsReadingsOvertakes() {
    let queue = IngestQueue(capacity: 100, siteCapacity: 3, batchLimit: 100, sharedBatchLimit: 100, gatherSeconds: 0)
    for seq in 1...3 { #expect(queue.put(item("flood", seq: Int64(seq))) == .queued) }
    #expect(queue.put(item("flood", seq: 4)) == .deferred, "its line is full")
    #expect(queue.put(item("quiet", seq: 1)) == .queued, "another site is not held up")
    #expect(queue.put(item("flood", "probe-2", seq: 1)) == .deferred, "the site is over its share")
    #expect(labels(queue.take()) == ["flood1", "quiet1", "flood2", "flood3"])
    // Room again, but seq 5 would overtake the deferred 4: turned away until the agent sends 4 again.
    #expect(queue.put(item("flood", seq: 5)) == .deferred)
    #expect(queue.put(item("flood", seq: 4)) == .queued, "the agent's re-send")
    #expect(queue.put(item("flood", seq: 5)) == .queued)
    #expect(queue.put(item("flood", "probe-2", seq: 1)) == .queued, "another probe had nothing to wait for")
    #expect(labels(queue.take()) == ["flood4", "flood5", "flood1"])
    #expect(queue.deferredProbes == 0)
  }

  @Test func aDeferralEndsWhenTheAgentCanNoLongerSendTheReadingOrAfterItsTime() {
    var deferrals = DeferredProbes(expirySeconds: 300)
    let start = ContinuousClock.now
    let turnedAway = item("flood", seq: 10).reading
    deferrals.turnAway(turnedAway, now: start)
    #expect(deferrals.holdsBack(item("flood", seq: 11).reading, now: start))
    #expect(!deferrals.holdsBack(item("flood", seq: 9).reading, now: start), "a re-send from below")
    #expect(!deferrals.holdsBack(item("flood", seq: 11, floor: 11).reading, now: start), "its outbox dropped 10")
    #expect(!deferrals.holdsBack(item("flood", seq: 11).reading, now: start.advanced(by: .seconds(301))))
    #expect(!deferrals.holdsBack(item("other", seq: 11).reading, now: start))
    deferrals.queued(item("flood", seq: 9).reading)
    #expect(deferrals.count == 0)
  }

  @Test func aFullQueueMakesASiteWithinItsShareWaitForTheWriter() {
    let queue = IngestQueue(capacity: 4, siteCapacity: 4, batchLimit: 100, sharedBatchLimit: 100, gatherSeconds: 0)
    for seq in 1...3 { #expect(queue.put(item("flood", seq: Int64(seq))) == .queued) }
    #expect(queue.put(item("quiet", seq: 1)) == .queued)
    #expect(queue.put(item("flood", seq: 4)) == .deferred, "over an equal share of a full queue")
    let accepted = DispatchSemaphore(value: 0)
    let waiting = Thread {
      if queue.put(self.item("quiet", seq: 2)) == .queued { accepted.signal() }
    }
    waiting.start()
    // Within its share: it waits for room (back-pressure through the broker), it is not turned away.
    #expect(accepted.wait(timeout: .now() + 0.2) == .timedOut)
    #expect(labels(queue.take()) == ["flood1", "quiet1", "flood2", "flood3"])
    #expect(accepted.wait(timeout: .now() + 10) == .success)
    #expect(labels(queue.take()) == ["quiet2"])
  }
}
