import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceCollector

/// The hand-over from the network thread to the writer: batches in arrival order, bounded by readings and by samples,
/// and nothing accepted is lost when the queue closes.
@Suite(.timeLimit(.minutes(10)))
struct IngestQueueTests {
  private let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1")

  /// A reading of `samples` samples numbered from `first`.
  private func item(first: Int64, samples: Int = 1) -> IngestQueue.Item {
    let numbers = first..<(first + Int64(samples))
    let reading = DecodedReading(
      key: key, agent: "hx-edge-1",
      samples: numbers.map { Sample(seq: $0, ts: Timestamp(seconds: 1_780_000_000 + $0), tempC: 3) },
      isBatch: samples > 1)
    return IngestQueue.Item(topic: "coldtrace/v1/reading/hongxuan/cold2/probe-1", payload: [], reading: reading)
  }

  private func firstNumbers(_ batch: [IngestQueue.Item]) -> [Int64] {
    batch.compactMap { $0.reading.samples.first?.seq }
  }

  @Test func aBatchTakesAtMostBatchLimitReadingsInArrivalOrder() {
    let queue = IngestQueue(capacity: 100, batchLimit: 4, sampleLimit: 1_000, gatherSeconds: 0)
    for number in 1...10 { #expect(queue.put(item(first: Int64(number))) == .queued) }
    #expect(firstNumbers(queue.take()) == [1, 2, 3, 4])
    #expect(firstNumbers(queue.take()) == [5, 6, 7, 8])
    #expect(firstNumbers(queue.take()) == [9, 10])
  }

  @Test func aBatchEndsWithTheReadingThatReachesTheSampleLimit() {
    let queue = IngestQueue(capacity: 100, batchLimit: 100, sampleLimit: 250, gatherSeconds: 0)
    // Backfills of 100 samples: the third reaches 250, so it ends the batch.
    for first in stride(from: Int64(1), through: 501, by: 100) {
      #expect(queue.put(item(first: first, samples: 100)) == .queued)
    }
    #expect(firstNumbers(queue.take()) == [1, 101, 201])
    #expect(firstNumbers(queue.take()) == [301, 401, 501])
    // A reading larger than the limit still goes, alone.
    #expect(queue.put(item(first: 601, samples: 400)) == .queued)
    #expect(queue.put(item(first: 1_001)) == .queued)
    #expect(firstNumbers(queue.take()) == [601])
    #expect(firstNumbers(queue.take()) == [1_001])
  }

  @Test func aGatheringWriterIsWokenOnceTheSamplesMakeAFullBatch() throws {
    // With 10 s of gathering, only a full batch (by samples here) can end the wait early.
    let queue = IngestQueue(capacity: 100, batchLimit: 100, sampleLimit: 150, gatherSeconds: 10)
    #expect(queue.put(item(first: 1, samples: 100)) == .queued)
    let putter = Thread {
      // Only once the writer waits for a full batch: this put is what must wake it.
      while !queue.isGathering { usleep(1_000) }
      _ = queue.put(self.item(first: 101, samples: 100))
    }
    let started = Date()
    putter.start()
    let batch = queue.take()
    #expect(firstNumbers(batch) == [1, 101])
    #expect(Date().timeIntervalSince(started) < 5, "woken by the full batch, not the 10 s deadline")
  }

  @Test func closingHandsOutWhatWasAcceptedThenNothing() {
    let queue = IngestQueue(capacity: 100, batchLimit: 100, sampleLimit: 1_000, gatherSeconds: 10)
    #expect(queue.put(item(first: 1)) == .queued)
    #expect(queue.put(item(first: 2)) == .queued)
    queue.close()
    #expect(queue.put(item(first: 3)) == .closed, "a closed queue accepts nothing")
    #expect(firstNumbers(queue.take()) == [1, 2])
    #expect(queue.take().isEmpty)
  }
}
