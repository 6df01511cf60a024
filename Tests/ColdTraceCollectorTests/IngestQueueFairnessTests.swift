import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceCollector

/// The queue's fairness between sites: a site with a backlog does not put another site's reading behind it, each
/// probe's readings come out in the order they went in, and a site's queue is bounded on its own.
@Suite(.timeLimit(.minutes(10)))
struct IngestQueueFairnessTests {
  /// A single-sample reading of `sensor` of `site`, numbered `seq`.
  private func item(_ site: String, _ sensor: String = "probe-1", seq: Int64) -> IngestQueue.Item {
    let reading = DecodedReading(
      key: SensorKey(site: site, room: "cold1", sensor: sensor), agent: "\(site)-edge",
      samples: [Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3)], isBatch: false)
    return IngestQueue.Item(topic: "coldtrace/v1/reading/\(site)/cold1/\(sensor)", payload: [], reading: reading)
  }

  private func labels(_ batch: [IngestQueue.Item]) -> [String] {
    batch.map { "\($0.reading.key.site)\($0.reading.samples[0].seq ?? 0)" }
  }

  @Test func anotherSitesReadingGoesIntoTheNextBatchAheadOfABacklog() {
    let queue = IngestQueue(
      capacity: 10_000, siteCapacity: 5_000, batchLimit: 100, sharedBatchLimit: 4, gatherSeconds: 0)
    for seq in 1...1_000 { #expect(queue.put(item("flood", seq: Int64(seq)))) }
    #expect(queue.put(item("quiet", seq: 1)))
    // Two sites wait: the batch takes from each in turn and stops at the shared limit.
    let first = queue.take()
    #expect(labels(first) == ["flood1", "quiet1", "flood2", "flood3"])
    // One site left: the full batch limit again, in its order.
    let second = queue.take()
    #expect(second.count == 100)
    #expect(labels(second).first == "flood4")
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
      #expect(queue.put(item(site, sensor, seq: next[key]!)))
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

  @Test func aFullSiteQueueHoldsOnlyThatSitesPutUntilTheWriterTakes() throws {
    let queue = IngestQueue(capacity: 100, siteCapacity: 3, batchLimit: 100, sharedBatchLimit: 100, gatherSeconds: 0)
    for seq in 1...3 { #expect(queue.put(item("flood", seq: Int64(seq)))) }
    // Another site still has room.
    #expect(queue.put(item("quiet", seq: 1)))
    let accepted = DispatchSemaphore(value: 0)
    let blocked = Thread {
      if queue.put(self.item("flood", seq: 4)) { accepted.signal() }
    }
    blocked.start()
    // The fourth reading of the full site waits: it is not accepted before the writer takes.
    #expect(accepted.wait(timeout: .now() + 0.2) == .timedOut)
    #expect(labels(queue.take()).sorted() == ["flood1", "flood2", "flood3", "quiet1"])
    // The writer took: the waiting put goes in (back-pressure, not a drop).
    #expect(accepted.wait(timeout: .now() + 10) == .success)
    let batch = queue.take()
    #expect(labels(batch) == ["flood4"])
  }
}
