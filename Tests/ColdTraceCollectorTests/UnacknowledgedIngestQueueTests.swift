import ColdTraceCore
import Foundation
import Synchronization
import Testing

@testable import ColdTraceCollector

/// Third-party readings (`resendable` false) in the writer's queue: never turned away, since nobody would send them
/// again; the network thread waits instead while their site has a batch waiting, and each probe keeps its order.
@Suite(.timeLimit(.minutes(10)))
struct UnacknowledgedIngestQueueTests {
  /// A third-party reading of `sensor` of `site` at second `n` (no `seq`, no agent).
  private func item(_ site: String, _ n: Int64, sensor: String = "p1") -> IngestQueue.Item {
    let reading = DecodedReading(
      key: SensorKey(site: site, room: "cold1", sensor: sensor), agent: nil,
      samples: [Sample(seq: nil, ts: Timestamp(seconds: 1_780_000_000 + n), tempC: Double(n))], isBatch: false)
    return IngestQueue.Item(topic: "farm/\(site)/\(sensor)", payload: [], reading: reading, resendable: false)
  }

  @Test func aSiteOverItsShareWaitsForTheWriterInsteadOfBeingTurnedAway() {
    let queue = IngestQueue(capacity: 100, siteCapacity: 4, batchLimit: 8, sharedBatchLimit: 8, gatherSeconds: 0)
    // Past the site's capacity of 4 (an agent's reading would be deferred there), up to a batch.
    for n in 1...8 { #expect(queue.put(item("hx", Int64(n))) == .queued) }
    // The ninth waits for room (on a thread of its own, as the network thread would): the writer takes the batch,
    // then it is queued.
    let outcome = Mutex<IngestQueue.PutOutcome?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread {
      let put = queue.put(item("hx", 9))
      outcome.withLock { $0 = put }
      done.signal()
    }.start()
    Thread.sleep(forTimeInterval: 0.05)
    #expect(outcome.withLock { $0 } == nil, "the ninth was queued past a full batch")
    let batch = queue.take()
    #expect(batch.map { $0.reading.samples[0].tempC } == (1...8).map(Double.init))
    #expect(done.wait(timeout: .now() + 10) == .success)
    #expect(outcome.withLock { $0 } == .queued)
    #expect(queue.take().map { $0.reading.samples[0].tempC } == [9])
    #expect(queue.deferredProbes == 0)
  }

  @Test func everyProbeKeepsItsOrderAcrossSitesAndBatches() {
    // A batch limit above what each site puts: nothing waits for a writer (there is none until the end).
    let queue = IngestQueue(capacity: 10_000, siteCapacity: 10_000, batchLimit: 1_000, sharedBatchLimit: 7)
    var next: [String: Int64] = [:]
    for index in 0..<600 {
      let site = "s\(index % 3)"
      let sensor = "p\(index % 5)"
      next["\(site)/\(sensor)", default: 0] += 1
      #expect(queue.put(item(site, next["\(site)/\(sensor)"]!, sensor: sensor)) == .queued)
    }
    queue.close()
    var seen: [String: Double] = [:]
    var taken = 0
    while case let batch = queue.take(), !batch.isEmpty {
      for item in batch {
        let key = "\(item.reading.key.site)/\(item.reading.key.sensor)"
        let value = item.reading.samples[0].tempC ?? 0
        #expect(value == (seen[key] ?? 0) + 1, "\(key) out of order")
        seen[key] = value
        taken += 1
      }
    }
    #expect(taken == 600)
  }
}
