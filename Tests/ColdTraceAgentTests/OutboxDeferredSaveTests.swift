import ColdTraceCore
import TestSupport
import Testing

@testable import ColdTraceAgent

/// Watermarks that delete no segment are saved later (`Outbox.acknowledge(_:deferSaving:)`): a crash in between
/// re-sends what the collector already has, and never loses a sample or reuses a number.
@Suite(.timeLimit(.minutes(10)))
struct OutboxDeferredSaveTests {
  private func records(_ seqs: ClosedRange<Int64>) -> [OutboxRecord] {
    seqs.map { seq in
      OutboxRecord(
        sensor: "a", room: "cold2", sample: Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3))
    }
  }

  @Test func aDeferredWatermarkIsLostInACrashButNothingElseIs() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox-deferred").path
    let outbox = try Outbox(directory: directory)
    try outbox.append(records(1...10))
    #expect(try outbox.acknowledge(["a": 8], deferSaving: true))
    #expect(outbox.pendingCount == 2)
    // A crash now: the file still says nothing is confirmed; every sample is still there, numbering goes on above.
    let afterCrash = try Outbox(directory: directory)
    #expect(afterCrash.acknowledged["a"] == nil)
    #expect(afterCrash.pendingCount == 10, "re-sent: the collector stores them once")
    #expect(afterCrash.nextSequence(for: "a") == 11)
    try outbox.saveAcknowledgedIfPending()
    #expect(try Outbox(directory: directory).acknowledged["a"] == 8)
  }

  @Test func aWatermarkThatDeletesASegmentIsSavedFirstEvenWhenDeferred() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox-deferred").path
    let outbox = try Outbox(directory: directory, limits: .init(segmentBytes: 256))
    for seq in stride(from: Int64(1), through: 100, by: 5) { try outbox.append(records(seq...seq + 4)) }
    #expect(try outbox.acknowledge(["a": 60], deferSaving: true))
    let reopened = try Outbox(directory: directory, limits: .init(segmentBytes: 256))
    #expect(reopened.acknowledged["a"] == 60, "saved before the segments it covers went")
    #expect(reopened.nextSequence(for: "a") == 101)
  }
}
