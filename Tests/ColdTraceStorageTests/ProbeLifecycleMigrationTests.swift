import ColdTraceCore
import Foundation
import GRDB
import Testing

@testable import ColdTraceStorage

/// Migration v12-probe-lifecycle on a database a previous version wrote: each probe hangs in its stored room all
/// along (its room history starts there), none is retired, none has a calibration; moves recorded afterwards keep
/// the old readings where they were.
@Suite("v12 probe lifecycle migration", .timeLimit(.minutes(10)))
struct ProbeLifecycleMigrationTests {
  @Test func anOlderDatabaseGainsRoomHistoriesAndKeepsItsReadingsInTheirRooms() throws {
    let scratch = try ScratchDatabase()
    let path = scratch.directory.appendingPathComponent("old.db").path
    let start = StoreFixtures.start
    do {
      let queue = try DatabaseQueue(path: path)
      try Schema.migrator.migrate(queue, upTo: "v9-probe-placements")
      try queue.write { db in
        try db.execute(sql: "INSERT INTO sources (site, sensor, room, agent) VALUES ('hongxuan', 'pulp', 'cold2', 'a')")
        try db.execute(
          sql: "INSERT INTO readings (source_id, ts_ms, seq, temp_mc) VALUES (1, ?, 1, 3000), (1, ?, 2, 3100)",
          arguments: [start.milliseconds, start.milliseconds + 60_000])
      }
      try queue.close()
    }
    let store = try SQLiteStore(path: path)
    let records = try store.probeRecords(site: nil, retired: true, now: start)
    #expect(records.map(\.room) == ["cold2"])
    #expect(records.first?.retirement == nil && records.first?.calibration == nil)
    #expect(records.first?.lastReading == start.adding(seconds: 60))
    // A move after the old readings: they stay in cold2, the next one is in cold3.
    try store.write { tx in
      try tx.moveProbe(
        ProbeKey(site: "hongxuan", sensor: "pulp"), to: "cold3", by: "lan", at: start.adding(seconds: 90))
    }
    try StoreFixtures.insert(
      [Sample(seq: 3, ts: start.adding(seconds: 120), tempC: 3.2)],
      SensorKey(site: "hongxuan", room: "cold2", sensor: "pulp"), agent: "a", into: store)
    #expect(try store.readings(ReadingFilter()).map(\.key.room) == ["cold2", "cold2", "cold3"])
    let journal = try store.read { db in try String.fetchAll(db, sql: "SELECT event FROM alert_events") }
    #expect(journal == ["probe_moved"])
    #expect(try store.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
  }
}
