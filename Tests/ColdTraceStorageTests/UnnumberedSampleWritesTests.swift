import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceStorage

/// Samples without `seq` (a `[[source]]`'s) through `WriteTransaction.storeSamples`, on a real SQLite file: those
/// later than every stored time of their source take `NewSampleWriter`'s multi-row statements, the others are checked
/// row by row; either way each (source, time) is stored once and exactly the new ones come back.
@Suite struct UnnumberedSampleWritesTests {
  typealias F = StoreFixtures
  let scratch: ScratchDatabase

  init() throws { scratch = try ScratchDatabase() }

  private func sample(_ minute: Int, _ tempC: Double, seq: Int64? = nil) -> Sample {
    Sample(seq: seq, ts: F.minute(minute), tempC: tempC)
  }

  /// Stores `messages` (one `storeSamples` call each) of `F.door` without an agent in one transaction, as a group
  /// does; returns what each call found new and the bound on stored times it left.
  private func storeGroup(_ messages: [[Sample]], into store: SQLiteStore) throws -> (
    fresh: [[Sample]], latest: Int64?
  ) {
    try store.write { tx in
      let writer = tx.newSampleWriter()
      let source = try tx.sourceID(for: F.door, agent: nil)
      var (highest, latest): (Int64?, Int64?) = (nil, nil)
      var fresh: [[Sample]] = []
      for message in messages {
        fresh.append(
          try tx.storeSamples(
            message, source: source, group: 0, highest: &highest, latest: &latest, newSamples: writer))
      }
      try writer.flush()
      return (fresh, latest)
    }
  }

  @Test("later samples are new, a time stored already is not, an earlier new time is, in one group")
  func storesEachTimeOnce() throws {
    let store = try scratch.open()
    try F.insert([sample(0, 3.1), sample(5, 3.2)], agent: nil, into: store)
    // 40 later ones (past a 16-row statement twice), then the same instant as a stored one, an earlier new time,
    // an instant already in this group, and two out of order in one message.
    let later = (6..<46).map { sample($0, 3 + Double($0) / 1000) }
    let messages: [[Sample]] =
      later.map { [$0] } + [[sample(5, 9.9)], [sample(3, 4.4)], [sample(20, 8.8)], [sample(50, 5.5), sample(47, 5.4)]]
    let (fresh, latest) = try storeGroup(messages, into: store)
    #expect(fresh.prefix(40).map { $0 } == later.map { [$0] })
    #expect(fresh[40].isEmpty, "the instant of a stored reading: a duplicate")
    #expect(fresh[41] == [sample(3, 4.4)], "an earlier time not stored yet is new")
    #expect(fresh[42].isEmpty, "the instant of a reading stored earlier in the group")
    #expect(fresh[43] == [sample(50, 5.5), sample(47, 5.4)])
    #expect(latest == F.minute(50).milliseconds)
    let door = try store.readings(ReadingFilter()).filter { $0.key == F.door }.map(\.sample)
    #expect(door.count == 2 + 40 + 1 + 2)
    #expect(Set(door.map(\.ts)).count == door.count)
    #expect(door.first { $0.ts == F.minute(5) }?.tempC == 3.2, "the stored reading kept its value")
    #expect(door.first { $0.ts == F.minute(20) }?.tempC == 3.02)
  }

  @Test("the same later samples in a second group are duplicates; a numbered reading at the same time is not one")
  func aSecondGroupFindsThemStored() throws {
    let store = try scratch.open()
    let messages = (1...20).map { [sample($0, 3.5)] }
    #expect(try storeGroup(messages, into: store).fresh == messages)
    let again = try storeGroup(messages + [[sample(21, 3.6)]], into: store)
    #expect(again.fresh == Array(repeating: [], count: 20) + [[sample(21, 3.6)]])
    // An agent's numbered sample at an instant a source stored: its own row (the key holds `seq`).
    try F.insert([sample(30, 4.0, seq: 1)], agent: nil, into: store)
    let after = try storeGroup([[sample(30, 4.1)], [sample(31, 4.2)]], into: store)
    #expect(after.fresh == [[sample(30, 4.1)], [sample(31, 4.2)]])
    #expect(try store.counts().readings == 24)
  }

  @Test("as stored: the multi-row path returns the values the row-by-row path returns")
  func returnsWhatTheRowByRowPathReturns() throws {
    let store = try scratch.open()
    let samples = (0..<17).map {
      Sample(seq: nil, ts: F.minute($0), tempC: 3.0 + Double($0) / 7, rhPct: 90.12345)
    }
    let fresh = try storeGroup([samples], into: store).fresh[0]
    let reference = try ScratchDatabase().open()
    #expect(try F.insert(samples, agent: nil, into: reference) == fresh)
    #expect(fresh[1].tempC == 3.143)
    #expect(try store.readings(ReadingFilter()).map(\.sample) == fresh)
  }
}
