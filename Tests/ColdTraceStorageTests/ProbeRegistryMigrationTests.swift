import ColdTraceCore
import Foundation
import GRDB
import TestSupport
import Testing

@testable import ColdTraceStorage

/// `v18-probe-registry` on a database from before it: every probe with a `sources` row stays registered.
@Suite(.timeLimit(.minutes(10)))
struct ProbeRegistryMigrationTests {
  @Test func probesKnownBeforeTheUpgradeStayRegistered() throws {
    let directory = try TemporaryDirectory.make(prefix: "registry-migration")
    let path = directory.appendingPathComponent("coldtrace.db").path
    let queue = try DatabaseQueue(path: path)
    try Schema.migrator.migrate(queue, upTo: "v16-incarnations")
    try queue.write { db in
      try db.execute(
        sql: "INSERT INTO sources (site, sensor, room, agent) VALUES ('hongxuan', 'cold2-air', 'cold2', NULL), "
          + "('longvien', 'cold1-air', 'cold1', 'lv-edge')")
    }
    try queue.close()
    let store = try SQLiteStore(path: path)
    #expect(
      try store.probeRegistry().registered
        == [ProbeKey(site: "hongxuan", sensor: "cold2-air"), ProbeKey(site: "longvien", sensor: "cold1-air")])
    #expect(try store.pendingProbes(site: nil, rejected: true).isEmpty)
  }

  @Test func approvalAndRejectionAreJournalledAndRefusedWhenTheyMakeNoSense() throws {
    let directory = try TemporaryDirectory.make(prefix: "registry-changes")
    let store = try SQLiteStore(path: directory.appendingPathComponent("coldtrace.db").path)
    let at = Timestamp(milliseconds: 1_800_000_000_000)
    let unknown = SensorKey(site: "hongxuan", room: "cold3", sensor: "zb-1")
    try store.write { tx in try tx.notePendingProbe(unknown, reason: .unknownProbe, at: at) }
    try store.write { tx in try tx.notePendingProbe(unknown, reason: .unknownProbe, at: at.adding(seconds: 60)) }
    #expect(try store.pendingProbes(site: "hongxuan", rejected: false).map(\.messages) == [2])
    #expect(try store.pendingProbeCounts() == ["hongxuan": 1])
    let probe = ProbeKey(site: "hongxuan", sensor: "zb-1")
    let (_, journal) = try store.writeJournaled { tx in try tx.approveProbe(probe, room: nil, by: "lan", at: at) }
    #expect(journal.count == 1 && journal[0].line.contains(#""event":"probe_approved""#))
    #expect(journal[0].line.contains(#""room":"cold3""#), "the room its readings named")
    #expect(try store.pendingProbeCounts().isEmpty)
    #expect(throws: ProbeError.self) {
      try store.write { tx in try tx.approveProbe(probe, room: nil, by: "lan", at: at) }
    }
    #expect(throws: ProbeError.self) { try store.write { tx in try tx.rejectProbe(probe, by: "lan", at: at) } }
    let stranger = ProbeKey(site: "hongxuan", sensor: "never-seen")
    #expect(throws: ProbeError.self) {
      try store.write { tx in try tx.approveProbe(stranger, room: nil, by: "lan", at: at) }
    }
    try store.write { tx in try tx.rejectProbe(stranger, by: "lan", at: at) }
    #expect(try store.probeRegistry().rejected == [stranger])
  }

  @Test func aReadAfterAChangeNumberReturnsOnlyWhatChangedSince() throws {
    let directory = try TemporaryDirectory.make(prefix: "registry-changed")
    let store = try SQLiteStore(path: directory.appendingPathComponent("coldtrace.db").path)
    let at = Timestamp(milliseconds: 1_800_000_000_000)
    let (a, b, c) = (
      ProbeKey(site: "hongxuan", sensor: "a"), ProbeKey(site: "hongxuan", sensor: "b"),
      ProbeKey(site: "dongtien", sensor: "c")
    )
    try store.write { tx in
      _ = try tx.registerProbe(a, room: "cold2", origin: .auto, at: at)
      _ = try tx.registerProbe(b, room: "cold2", origin: .auto, at: at)
    }
    let all = try store.probeRegistry()
    #expect(all.registered == [a, b])
    #expect(try store.probeRegistry(changedAfter: all.lastChange) == RegistryContents(lastChange: all.lastChange))
    try store.write { tx in try tx.rejectProbe(c, by: "lan", at: at) }
    let changed = try store.probeRegistry(changedAfter: all.lastChange)
    #expect(changed.registered.isEmpty && changed.rejected == [c], "only the rejection, not the whole registry")
    #expect(changed.lastChange > all.lastChange)
  }
}
