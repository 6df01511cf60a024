import ColdTraceCore
import TestSupport
import Testing

@testable import ColdTraceAgent

/// When `OutboxSender` sends unconfirmed samples again: not while a site broker's bridge is down, and less and less
/// often while the collector stays silent (the back-off), on the in-memory transport and the manual clock.
struct OutboxResendBackOffTests {
  typealias Sent = SenderHarness.Sent

  /// One sample of `a` a second for `seconds`, pumped every second: what the agent does while nothing is confirmed.
  static func sampleEverySecond(_ harness: SenderHarness, seconds: Int) throws {
    for _ in 0..<seconds {
      harness.clock.advance(seconds: 1)
      try harness.record(harness.samples(["a"]))
      try harness.pump()
    }
  }

  @Test func nothingIsSentAgainWhileTheBridgeIsDownAndTheTimerStartsAgainWhenItIsBack() throws {
    let harness = try SenderHarness(acknowledgementTimeout: 5)
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    try harness.record(harness.samples(["a"]))
    try harness.pump()
    let wentDown = harness.clock.now()
    harness.sender.noteBridge(up: false, now: wentDown)
    #expect(harness.sender.resendDue == wentDown.adding(seconds: 600.001), "no wake-up before the longest wait")
    try Self.sampleEverySecond(harness, seconds: 120)
    #expect(!harness.sent().contains { $0.isBatch }, "re-sent while the uplink was down")
    #expect(harness.seqsSent(of: "a") == Array(1...121), "new samples still go out, once each")

    harness.sender.noteBridge(up: true, now: harness.clock.now())
    #expect(harness.sender.resendDue == harness.clock.now().adding(seconds: 5.001), "the timer starts again")
    harness.clock.advance(seconds: 5)
    try harness.pump()
    #expect(!harness.sent().contains { $0.isBatch }, "the bridge's queue gets its timeout to arrive")
    harness.clock.advance(seconds: 0.001)
    try harness.pump()
    #expect(harness.sent().filter(\.isBatch).flatMap(\.seqs) == Array(1...121), "then what is still unconfirmed")
  }

  @Test func aBridgeStateThatStaysDownHoldsReSendsForTenMinutesAtMost() throws {
    // A site broker removed leaves its will, a retained `0`, on the central broker: it must not stop re-sends for good.
    let harness = try SenderHarness(acknowledgementTimeout: 5)
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    try harness.record(harness.samples(["a"], count: 2))
    try harness.pump()
    harness.sender.noteBridge(up: false, now: harness.clock.now())
    harness.clock.advance(seconds: 600)
    try harness.pump()
    #expect(!harness.sent().contains { $0.isBatch }, "held for the longest wait")
    harness.clock.advance(seconds: 0.002)
    try harness.pump()
    #expect(harness.sent().last == Sent(sensor: "a", seqs: [1, 2], isBatch: true), "then sent again")
    #expect(harness.sender.bridgeDown, "the state itself is still the broker's")
  }

  @Test func whatTheBridgeDeliversIsConfirmedAndNotSentAgain() throws {
    let harness = try SenderHarness(acknowledgementTimeout: 5)
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    harness.sender.noteBridge(up: false, now: harness.clock.now())
    try Self.sampleEverySecond(harness, seconds: 60)
    harness.sender.noteBridge(up: true, now: harness.clock.now())
    harness.clock.advance(seconds: 3)
    try harness.acknowledge(["a": 60])  // the queue arrived; the collector confirmed it
    harness.clock.advance(seconds: 600)
    try harness.pump()
    #expect(harness.seqsSent(of: "a") == Array(1...60), "every sample went once")
    #expect(harness.sender.resendDue == nil)
  }

  @Test func confirmationsWhileABridgeSaysDownMeanThePathWorksAndReSendsGoOn() throws {
    // An agent on the central broker of a site that also runs a site broker sees that broker's bridge state too.
    let harness = try SenderHarness(acknowledgementTimeout: 5)
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    try harness.record(harness.samples(["a"], count: 3))
    try harness.pump()
    harness.sender.noteBridge(up: false, now: harness.clock.now())
    try harness.acknowledge(["a": 1])
    #expect(!harness.sender.bridgeDown)
    harness.clock.advance(seconds: 5.001)
    try harness.pump()
    #expect(harness.sent().last == Sent(sensor: "a", seqs: [2, 3], isBatch: true))
  }

  @Test func eachReSendWithoutProgressDoublesTheWaitUpToTenMinutesAndProgressStartsItAgain() throws {
    let harness = try SenderHarness(acknowledgementTimeout: 5)
    harness.transport.acknowledgesAutomatically = true
    harness.transport.connect()
    try harness.record(harness.samples(["a"]))
    try harness.pump()
    var resendTimes: [Double] = []
    var messages = 1
    var sampleCopies = 1
    let start = harness.clock.now()
    // An hour without a confirmation (e.g. behind a site broker whose bridge state never comes), a sample every
    // 10 s, the sender looking every second.
    let outage = 3600
    for second in 1...outage {
      harness.clock.advance(seconds: 1)
      if second % 10 == 0 { try harness.record(harness.samples(["a"])) }
      try harness.pump()
      let new = harness.sent(skipping: messages)
      messages += new.count
      sampleCopies += new.reduce(0) { $0 + $1.seqs.count }
      if new.contains(where: \.isBatch) { resendTimes.append(harness.clock.now().seconds(since: start)) }
    }
    let gaps = zip(resendTimes.dropFirst(), resendTimes).map { $0 - $1 }
    #expect(resendTimes.first == 6, "first just past the 5 s timeout")
    #expect(Array(gaps.prefix(7)) == [11, 21, 41, 81, 161, 321, 601], "doubling from the timeout, then the cap")
    #expect(gaps.dropFirst(7).allSatisfy { $0 == 601 })
    // Without the back-off: everything so far again every 6 s, about outage² / 120 sample copies.
    let withoutBackOff = outage * outage / 120
    #expect(sampleCopies * 20 < withoutBackOff, "\(sampleCopies) sample copies")
    print(
      "re-send back-off: \(outage) s without a confirmation, a sample every 10 s, timeout 5 s: "
        + "\(resendTimes.count) re-sends, \(sampleCopies) sample copies for \(outage / 10 + 1) samples "
        + "(about \(withoutBackOff) without the back-off)")

    try harness.acknowledge(["a": 10])  // progress: back to the timeout
    #expect(harness.sender.resendWait(for: "a") == 5)
  }
}
