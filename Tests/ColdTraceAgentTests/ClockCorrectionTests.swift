import ColdTraceCore
import Foundation
import Logging
import TestSupport
import Testing

@testable import ColdTraceAgent

/// Stamping samples taken while the clock was not synchronised: the arithmetic, the per-boot decision and its file,
/// and the outbox record that carries the clock reading.
struct ClockCorrectionTests {
  private let trueStart = Timestamp(seconds: 1_780_000_000)
  private let boot: UInt64 = 0x5d3b_6298_6bd8_4cc1

  @Test func aSampleTakenThreeHoursSlowIsStampedWithTheTrueTime() {
    // Booted 100 s before trueStart; the wall clock came up 3 h slow (a board without a real-time clock).
    let bootAtTrueStart: Int64 = 100_000
    let slowOffset = trueStart.milliseconds - 10_800_000 - bootAtTrueStart
    // A sample 42.5 s later, stamped by the slow clock.
    let bootThen = bootAtTrueStart + 42_500
    let stampedSlow = Timestamp(milliseconds: bootThen + slowOffset)
    // NTP answers 10 min later: the wall clock is now right.
    let bootAtSync = bootAtTrueStart + 600_000
    let syncedOffset = trueStart.milliseconds + 600_000 - bootAtSync
    let corrected = ClockCorrection.corrected(
      stampedSlow, sampledOffset: slowOffset, synchronisedOffset: syncedOffset)
    #expect(corrected == trueStart.adding(seconds: 42.5))
  }

  @Test func aPlayedBackSampleMovesByTheClockError() {
    // Event time 5 min before the (slow) wall clock, as a catch-up playback stamps: it moves by the same 2 h.
    let slowOffset: Int64 = 1_000_000
    let stamped = Timestamp(milliseconds: 50_000_000)
    let corrected = ClockCorrection.corrected(
      stamped, sampledOffset: slowOffset, synchronisedOffset: slowOffset + 7_200_000)
    #expect(corrected.milliseconds == stamped.milliseconds + 7_200_000)
  }

  @Test func publishedSamplesFollowTheirBootsDecision() {
    let sample = Sample(seq: 7, ts: Timestamp(milliseconds: 1_000_000), tempC: 3.4)
    let stamp = UnsyncedStamp(boot: boot, offsetMilliseconds: 900_000)
    // Synchronised in its boot: stamped again, marked corrected.
    let corrected = ClockCorrection.published(
      sample, stamp: stamp, decisions: [boot: .synchronised(offsetMilliseconds: 4_900_000)])
    #expect(corrected.ts == Timestamp(milliseconds: 5_000_000) && corrected.timeQuality == .corrected)
    #expect(corrected.seq == 7 && corrected.tempC == 3.4)
    // Sent before it synchronised, or of a boot that ended unsynchronised: as stamped, marked unsynced.
    for decisions: [UInt64: BootClockDecision] in [
      [boot: .sentUnsynced], [:], [boot + 1: .synchronised(offsetMilliseconds: 0)],
    ] {
      let published = ClockCorrection.published(sample, stamp: stamp, decisions: decisions)
      #expect(published.ts == sample.ts && published.timeQuality == .unsynced)
    }
    // Taken with a synchronised clock: unchanged.
    #expect(ClockCorrection.published(sample, stamp: nil, decisions: [:]) == sample)
  }

  @Test func theKeeperHoldsUntilTheClockSynchronisesAndKeepsItsDecision() throws {
    let directory = try TemporaryDirectory.make(prefix: "clock")
    let flag = directory.appendingPathComponent("sync").path
    try "unsynced\n".write(toFile: flag, atomically: true, encoding: .utf8)
    let logger = Logger(label: "test")
    let keeper = try ClockKeeper(
      source: FileClockSync(path: flag), waitSeconds: 600, outboxDirectory: directory.path, boot: boot,
      unsyncedBootsInOutbox: { [] }, logger: logger)
    keeper.update(now: Timestamp(milliseconds: 9_000_000), bootMilliseconds: 60_000)
    #expect(keeper.holding)
    #expect(
      keeper.stamp(now: Timestamp(milliseconds: 9_000_000), bootMilliseconds: 60_000)
        == UnsyncedStamp(boot: boot, offsetMilliseconds: 8_940_000))
    #expect(
      keeper.nextLook(now: Timestamp(milliseconds: 9_000_000), bootMilliseconds: 60_000)
        == Timestamp(milliseconds: 9_005_000))
    try "synced".write(toFile: flag, atomically: true, encoding: .utf8)
    keeper.update(now: Timestamp(milliseconds: 20_000_000), bootMilliseconds: 70_000)
    #expect(!keeper.holding && keeper.synchronised)
    #expect(keeper.stamp(now: Timestamp(milliseconds: 20_000_000), bootMilliseconds: 70_000) == nil)
    #expect(keeper.decisions[boot] == .synchronised(offsetMilliseconds: 19_930_000))
    // Back to unsynchronised later in the boot: the decision stands (re-sends stay alike), nothing is held.
    try "unsynced".write(toFile: flag, atomically: true, encoding: .utf8)
    keeper.update(now: Timestamp(milliseconds: 20_100_000), bootMilliseconds: 170_000)
    #expect(!keeper.holding)
    // A restarted agent reads the decision back.
    let restarted = try ClockKeeper(
      source: FileClockSync(path: flag), waitSeconds: 600, outboxDirectory: directory.path, boot: boot,
      unsyncedBootsInOutbox: { [] }, logger: logger)
    #expect(restarted.decisions[boot] == .synchronised(offsetMilliseconds: 19_930_000))
  }

  @Test func theWaitRunsOutIntoSendingUnsynced() throws {
    let directory = try TemporaryDirectory.make(prefix: "clock")
    let logger = Logger(label: "test")
    let missing = directory.appendingPathComponent("no-such-file").path
    let keeper = try ClockKeeper(
      source: FileClockSync(path: missing), waitSeconds: 600, outboxDirectory: directory.path, boot: boot,
      unsyncedBootsInOutbox: { [] }, logger: logger)
    keeper.update(now: Timestamp(milliseconds: 1_000_000), bootMilliseconds: 599_999)
    #expect(keeper.holding)
    keeper.update(now: Timestamp(milliseconds: 1_000_001), bootMilliseconds: 600_000)
    #expect(!keeper.holding && keeper.decisions[boot] == .sentUnsynced)
    let text = try String(contentsOfFile: directory.appendingPathComponent("clock").path, encoding: .utf8)
    #expect(text == "\(String(boot, radix: 16)) sent_unsynced\n")
  }

  @Test func aDecisionThatCannotBeSavedHoldsPublishing() throws {
    let directory = try TemporaryDirectory.make(prefix: "clock").appendingPathComponent("gone").path
    let keeper = try ClockKeeper(
      source: TrustedClockSync(), waitSeconds: 0, outboxDirectory: directory, boot: boot,
      unsyncedBootsInOutbox: { [] }, logger: Logger(label: "test"))
    keeper.update(now: Timestamp(milliseconds: 5_000_000), bootMilliseconds: 1_000)
    // Synchronised, but unsaved: a sample stamped before could otherwise leave now as unsynced and later as corrected.
    #expect(keeper.holding && keeper.decisions.isEmpty)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    keeper.update(now: Timestamp(milliseconds: 5_001_000), bootMilliseconds: 2_000)
    #expect(!keeper.holding && keeper.decisions[boot] == .synchronised(offsetMilliseconds: 4_999_000))
  }

  @Test func aBootWhoseSamplesAreStillInTheOutboxIsNeverForgotten() throws {
    let directory = try TemporaryDirectory.make(prefix: "clock").path
    let outbox = try Outbox(directory: directory)
    let flag = directory + "/sync"
    try "unsynced".write(toFile: flag, atomically: true, encoding: .utf8)
    func keeper(_ boot: UInt64) throws -> ClockKeeper {
      try ClockKeeper(
        source: FileClockSync(path: flag), waitSeconds: 600, outboxDirectory: outbox.directory, boot: boot,
        unsyncedBootsInOutbox: { outbox.unsyncedBoots }, logger: Logger(label: "test"))
    }
    // Boot 1 takes a sample unsynchronised, then its clock synchronises: the sample is sent `corrected`.
    let first = try keeper(boot)
    first.update(now: Timestamp(milliseconds: 9_000_000), bootMilliseconds: 60_000)
    let stamp = first.stamp(now: Timestamp(milliseconds: 9_000_000), bootMilliseconds: 60_000)
    let record = OutboxRecord(
      sensor: "a", room: "cold2", sample: Sample(seq: 1, ts: Timestamp(milliseconds: 9_000_000), tempC: 3.5),
      clock: stamp)
    try outbox.append([record])
    try "synced".write(toFile: flag, atomically: true, encoding: .utf8)
    first.update(now: Timestamp(milliseconds: 20_000_000), bootMilliseconds: 70_000)
    let sent = first.published(record)
    #expect(sent.timeQuality == .corrected)
    // Ten more boots decide while the collector has not confirmed the sample (the uplink is down).
    for later in 1...10 { try keeper(boot + UInt64(later)).update(now: trueStart, bootMilliseconds: 1_000) }
    let restarted = try keeper(boot + 11)
    #expect(restarted.published(record) == sent)
    // Boots with nothing in the outbox are still dropped beyond the latest 8.
    #expect(restarted.decisions[boot + 2] == nil && restarted.decisions.count == 9)
  }

  @Test func aStepOfTheWallClockIsSeenAgainstTheBootTimeClock() {
    var previous: Int64?
    #expect(
      ClockJump.detect(now: Timestamp(milliseconds: 1_000_000), bootMilliseconds: 500, previous: &previous) == nil)
    // 1.5 s of drift and scheduling is no step; NTP setting the clock 3 h forward is.
    #expect(
      ClockJump.detect(now: Timestamp(milliseconds: 1_011_500), bootMilliseconds: 10_000, previous: &previous) == nil)
    #expect(
      ClockJump.detect(now: Timestamp(milliseconds: 11_811_500), bootMilliseconds: 10_000, previous: &previous)
        == 10_800)
    #expect(
      ClockJump.detect(now: Timestamp(milliseconds: 1_011_500), bootMilliseconds: 10_000, previous: &previous)
        == -10_800)
  }

  @Test func outboxRecordsKeepTheClockReading() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let stamp = UnsyncedStamp(boot: boot, offsetMilliseconds: -42)
    do {
      let outbox = try Outbox(directory: directory)
      try outbox.append([
        OutboxRecord(
          sensor: "a", room: "cold2", sample: Sample(seq: 1, ts: Timestamp(seconds: 5), tempC: 3.5), clock: stamp),
        OutboxRecord(sensor: "a", room: "cold2", sample: Sample(seq: 2, ts: Timestamp(seconds: 6), doorOpen: true)),
      ])
    }
    let reopened = try Outbox(directory: directory)
    let (records, _) = try reopened.read(from: reopened.start, limit: 10)
    #expect(records.map(\.clock) == [stamp, nil])
    #expect(records[0].sample.tempC == 3.5 && records[1].sample.doorOpen == true)
  }

  @Test func theAgentConfigNamesItsClockSource() throws {
    let base = AgentConfigurationTests.minimal + "\n"
    let configured = try AgentConfigurationTests.load(
      base + "[clock]\nsync = \"file\"\nsync_file = \"/run/ct/sync\"\nwait_minutes = 10\n")
    #expect(configured.clock.sync == .file("/run/ct/sync") && configured.clock.waitSeconds == 600)
    #expect(try AgentConfigurationTests.load(base).clock.sync == .kernel)
    #expect(AgentConfigurationTests.loadError(base + "[clock]\nsync = \"trust\"\nsync_file = \"/x\"\n") != nil)
    #expect(AgentConfigurationTests.loadError(base + "[clock]\nsync = \"file\"\n")?.contains("sync_file") == true)
    #expect(AgentConfigurationTests.loadError(base + "[clock]\nsync = \"ntp\"\n")?.contains("kernel, trust") == true)
  }
}
