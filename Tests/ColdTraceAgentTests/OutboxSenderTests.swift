import ColdTraceCore
import TestSupport
import Testing

@testable import ColdTraceAgent

/// What leaves the outbox, and when (`OutboxSender`), on the in-memory transport and the manual clock.
struct OutboxSenderTests {
  typealias Sent = SenderHarness.Sent

  @Test func aCaughtUpProbesSamplesGoAtOnceOneMessageEachInSeqOrder() throws {
    let harness = try SenderHarness()
    harness.transport.connect()
    for _ in 0..<3 {
      try harness.record(harness.samples(["a", "b"]))
      try harness.pump()
      harness.clock.advance(seconds: 10)  // within the acknowledgement timeout: nothing is sent again
    }
    #expect(
      harness.sent() == [
        Sent(sensor: "a", seqs: [1], isBatch: false), Sent(sensor: "b", seqs: [1], isBatch: false),
        Sent(sensor: "a", seqs: [2], isBatch: false), Sent(sensor: "b", seqs: [2], isBatch: false),
        Sent(sensor: "a", seqs: [3], isBatch: false), Sent(sensor: "b", seqs: [3], isBatch: false),
      ])
    #expect(harness.sender.batchesSent == 0)
  }

  @Test func nothingLeavesWhileDisconnectedThenTheBacklogGoesOldestFirstInBatchesOf100() throws {
    let harness = try SenderHarness()
    for _ in 0..<5 {
      try harness.record(harness.samples(["a", "b"], count: 50))
      try harness.pump()
      harness.clock.advance(seconds: 30)
    }
    #expect(harness.transport.publications.isEmpty, "not even handed to the transport to hold")
    #expect(harness.transport.heldCount == 0)
    #expect(harness.outbox.pendingCount == 500)

    harness.transport.connect()
    harness.sender.restart()
    try harness.pump()
    let sent = harness.sent()
    #expect(sent.allSatisfy { $0.isBatch })
    #expect(sent.map(\.sensor) == ["a", "a", "a", "b", "b", "b"])
    #expect(sent.map(\.seqs.count) == [100, 100, 50, 100, 100, 50])
    #expect(harness.seqsSent(of: "a") == Array(1...250))
    #expect(harness.seqsSent(of: "b") == Array(1...250))
  }

  @Test func theBacklogStopsAtTheInFlightWindowAndMovesOnAsPUBACKsArrive() throws {
    let harness = try SenderHarness()
    for _ in 0..<6 { try harness.record(harness.samples(["a"], count: 1000)) }
    harness.transport.connect()
    harness.sender.restart()
    try harness.pump()
    // The window is checked before each read of 1000 samples (10 batches): 30 in flight leave room for 10 more.
    #expect(harness.sent().count == 40)
    #expect(harness.client.unacknowledgedCount >= harness.sender.window)
    try harness.pump()
    #expect(harness.sent().count == 40, "nothing more until the broker acknowledges")
    #expect(harness.transport.acknowledgeAll() == 40)
    try harness.pump()
    #expect(harness.sent().count == 60)
    #expect(harness.sent().allSatisfy { $0.isBatch && $0.seqs.count == 100 })
    #expect(harness.seqsSent(of: "a") == Array(1...6000))
  }

  @Test func aNewRoundQueuesBehindTheBacklogThenGoesLiveOnceCaughtUp() throws {
    let harness = try SenderHarness()
    try harness.record(harness.samples(["a"], count: 5000))
    harness.transport.connect()
    harness.sender.restart()
    try harness.pump()
    #expect(harness.sent().count == 40)
    harness.clock.advance(seconds: 30)
    try harness.record(harness.samples(["a", "b"]))
    #expect(harness.sent().count == 40, "not sent ahead of the backlog")

    harness.transport.acknowledgeAll()
    try harness.pump()
    #expect(harness.seqsSent(of: "a") == Array(1...5001))
    #expect(
      harness.sent().suffix(2) == [
        Sent(sensor: "a", seqs: [5001], isBatch: true), Sent(sensor: "b", seqs: [1], isBatch: true),
      ])
    harness.clock.advance(seconds: 30)
    try harness.record(harness.samples(["a"]))
    #expect(harness.sent().last == Sent(sensor: "a", seqs: [5002], isBatch: false), "caught up: live again")
  }

  @Test func everythingUnconfirmedIsSentAgainAfterTheTimeoutWithoutProgress() throws {
    let harness = try SenderHarness(acknowledgementTimeout: 30)
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    for _ in 0..<3 {
      try harness.record(harness.samples(["a"]))
      try harness.pump()
      harness.clock.advance(seconds: 5)
    }
    harness.clock.advance(seconds: 15)  // 30 s since the first sample went unconfirmed
    try harness.pump()
    #expect(harness.sent().count == 3, "not before the timeout")
    harness.clock.advance(seconds: 0.001)
    try harness.pump()
    #expect(harness.sent().last == Sent(sensor: "a", seqs: [1, 2, 3], isBatch: true))

    harness.clock.advance(seconds: 10)
    try harness.acknowledge(["a": 2])  // progress: the timeout starts again
    harness.clock.advance(seconds: 30)
    try harness.pump()
    #expect(harness.sent().count == 4)
    harness.clock.advance(seconds: 0.001)
    try harness.pump()
    #expect(harness.sent().last == Sent(sensor: "a", seqs: [3], isBatch: true), "only what is not confirmed")

    try harness.acknowledge(["a": 3])
    harness.clock.advance(seconds: 3600)
    try harness.pump()
    #expect(harness.sent().count == 5, "everything confirmed: nothing to re-send")
  }

  @Test func aProbeTheCollectorStopsConfirmingIsSentAgainWhileTheOthersProgress() throws {
    // The collector defers probe a's readings (its site over its share of the queue) and confirms b's.
    let harness = try SenderHarness(acknowledgementTimeout: 30)
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    for round in 1...7 {
      try harness.record(harness.samples(["a", "b"]))
      try harness.pump()
      try harness.acknowledge(["b": Int64(round)])
      harness.clock.advance(seconds: 5)
    }
    #expect(!harness.sent().contains { $0.isBatch }, "not before a's own 30 s")
    try harness.pump()
    #expect(harness.sent().last == Sent(sensor: "a", seqs: Array(1...7), isBatch: true), "a again, b not")
  }

  @Test func aReconnectReplaysEverythingUnconfirmedFromTheStart() throws {
    let harness = try SenderHarness()
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    for _ in 0..<5 {
      try harness.record(harness.samples(["a"]))
      try harness.pump()
    }
    try harness.acknowledge(["a": 2])
    harness.transport.disconnect()
    try harness.record(harness.samples(["a"]))
    try harness.pump()
    #expect(harness.sent().count == 5)

    harness.transport.connect()
    harness.sender.restart()
    try harness.pump()
    #expect(harness.sent().dropFirst(5) == [Sent(sensor: "a", seqs: [3, 4, 5, 6], isBatch: true)])
  }

  @Test func theWatermarkRemovesConfirmedSamplesFromTheOutbox() throws {
    let harness = try SenderHarness()
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    for _ in 0..<10 {
      try harness.record(harness.samples(["a", "b"]))
      try harness.pump()
    }
    #expect(harness.outbox.pendingCount == 20 && harness.sender.hasUnconfirmed)
    try harness.acknowledge(["a": 10, "b": 4])
    #expect(harness.outbox.pendingCount == 6 && harness.sender.hasUnconfirmed)
    try harness.acknowledge(["b": 10])
    #expect(harness.outbox.pendingCount == 0 && !harness.sender.hasUnconfirmed)
    harness.clock.advance(seconds: 3600)
    harness.sender.restart()
    try harness.pump()
    #expect(harness.sent().count == 20, "nothing left to send")
  }
}
