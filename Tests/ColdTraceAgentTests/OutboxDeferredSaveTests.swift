import ColdTraceCore
import ColdTraceSystem
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

  /// A box with 10 probes every 60 s: the watermark file is replaced once 1,000 samples are confirmed beyond it (every
  /// 100 rounds), not at every acknowledgement, so a round costs its one fdatasync and nothing more.
  @Test func theSenderSavesDeferredWatermarksPerThousandSamplesNotPerAcknowledgement() throws {
    let harness = try SenderHarness()
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    let sensors = (1...10).map { "probe-\($0)" }
    let file = harness.outbox.directory + "/acknowledged.state"
    func roundConfirmed(_ round: Int64) throws {
      try harness.record(harness.samples(sensors))
      try harness.pump()
      try harness.acknowledge(Dictionary(uniqueKeysWithValues: sensors.map { ($0, round) }))
      harness.clock.advance(seconds: 60)
    }
    for round in Int64(1)...99 { try roundConfirmed(round) }
    #expect(try DurableFile.read(file) == nil, "990 samples confirmed: nothing written yet")
    #expect(harness.outbox.unsavedAcknowledgements == 990)
    try roundConfirmed(100)
    #expect(try DurableFile.read(file)?.contains("probe-1 100\n") == true, "saved at the 1,000th sample")
    #expect(harness.outbox.unsavedAcknowledgements == 0)
    for round in Int64(101)...150 { try roundConfirmed(round) }
    #expect(try DurableFile.read(file)?.contains("probe-1 100\n") == true, "not saved again before 2,000")
    try harness.sender.finish()
    #expect(try DurableFile.read(file)?.contains("probe-1 150\n") == true, "a clean stop saves what is pending")
  }
}
