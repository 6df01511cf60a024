import ColdTraceCore
import Foundation
import GRDB
import TestSupport
import Testing

@testable import ColdTraceStorage

/// Migration v7-compact-readings on a database a previous version wrote: every reading is kept (values at 0.001
/// resolution), the protocol's keys still hold afterwards, and the watermark recovery still finds the numbers it needs.
@Suite("v7 compact readings migration", .timeLimit(.minutes(10)))
struct CompactReadingsMigrationTests {
  private typealias F = StoreFixtures

  /// v1 rows as (source, seq, ts, temp_c, rh_pct, error): numbered and unnumbered, a fault without values, values
  /// with more decimals than a sensor gives, below zero, and a rounding tie.
  private static let oldRows: [(Int64, Int64?, Timestamp, Double?, Double?, String?)] = [
    (1, 1, F.minute(0), 3.42, 91.8, nil),
    (1, 2, F.minute(1), nil, nil, "crc mismatch"),
    (1, 3, F.minute(2), -18.5, nil, nil),
    (1, 4, F.minute(3), 3.14159, 90.0004, nil),
    (1, 5, F.minute(4), 2.0625, 85.0625, nil),
    (2, nil, F.minute(0), 4.1, nil, nil),
    (2, nil, F.minute(0).adding(seconds: 0.001), nil, 93.25, "humidity only"),
    (2, 7, F.minute(0), 4.2, nil, nil),
  ]

  /// A database at v6 holding `oldRows` from two probes, door (1) and rack (2), with door acknowledged up to 2.
  private static func versionSixDatabase(_ scratch: ScratchDatabase) throws {
    let queue = try DatabaseQueue(path: scratch.path)
    try Schema.migrator.migrate(queue, upTo: "v6-read-indexes")
    try queue.write { db in
      try db.execute(
        sql: """
          INSERT INTO sources (id, site, sensor, room, agent, acked_seq) VALUES
            (1, ?, ?, ?, 'hx-edge-1', 2), (2, ?, ?, ?, NULL, 0)
          """, arguments: [F.door.site, F.door.sensor, F.door.room, F.rack.site, F.rack.sensor, F.rack.room])
      for (source, seq, ts, temp, rh, error) in oldRows {
        try db.execute(
          sql: """
            INSERT INTO readings (source_id, seq, ts_ms, temp_c, rh_pct, error, received_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [source, seq, ts.milliseconds, temp, rh, error, ts.milliseconds + 250])
      }
    }
    try queue.close()
  }

  @Test func everyReadingIsKeptAtMilliResolution() throws {
    let scratch = try ScratchDatabase()
    try Self.versionSixDatabase(scratch)
    let store = try scratch.open()

    let expected: [(SensorKey, Sample)] = [
      (F.door, Sample(seq: 1, ts: F.minute(0), tempC: 3.42, rhPct: 91.8)),
      (F.rack, Sample(seq: nil, ts: F.minute(0), tempC: 4.1)),
      (F.rack, Sample(seq: 7, ts: F.minute(0), tempC: 4.2)),
      (F.rack, Sample(seq: nil, ts: F.minute(0).adding(seconds: 0.001), rhPct: 93.25, error: "humidity only")),
      (F.door, Sample(seq: 2, ts: F.minute(1), error: "crc mismatch")),
      (F.door, Sample(seq: 3, ts: F.minute(2), tempC: -18.5)),
      (F.door, Sample(seq: 4, ts: F.minute(3), tempC: 3.142, rhPct: 90)),
      (F.door, Sample(seq: 5, ts: F.minute(4), tempC: 2.063, rhPct: 85.063)),
    ]
    let stored = try store.readings(ReadingFilter())
    #expect(stored.map(\.key) == expected.map(\.0))
    #expect(stored.map(\.sample) == expected.map(\.1))
    #expect(try store.counts().readings == Self.oldRows.count)

    let schema = try store.read { db in
      try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE tbl_name LIKE 'readings%' ORDER BY name")
    }
    #expect(schema == ["readings", "readings_once_by_seq"], "the v1 table and its three indexes are gone")
    let columns = try store.read { db in try db.columns(in: "readings").map(\.name) }
    #expect(
      columns == [
        "source_id", "ts_ms", "seq", "temp_mc", "rh_mpct", "error", "defrost", "door_open", "time_quality",
      ],
      "v7's columns, then the room signals v10 adds and the time quality v19 adds")
  }

  @Test func theKeysStillHoldAfterTheMigration() throws {
    let scratch = try ScratchDatabase()
    try Self.versionSixDatabase(scratch)
    let store = try scratch.open()

    let sameSeqLater = Sample(seq: 3, ts: F.minute(30), tempC: 9.9)
    let next = Sample(seq: 6, ts: F.minute(5), tempC: 3.5)
    #expect(try F.insert([sameSeqLater, next], into: store) == [next], "seq 3 was stored before the migration")

    let sameInstant = Sample(seq: nil, ts: F.minute(0), tempC: 5.0)
    let numberedSameInstant = Sample(seq: 8, ts: F.minute(0), tempC: 4.3)
    #expect(
      try F.insert([sameInstant, numberedSameInstant], F.rack, agent: nil, into: store) == [numberedSameInstant],
      "an unnumbered reading at a stored instant is a duplicate; a numbered one is not")
    #expect(try store.counts().readings == Self.oldRows.count + 2)
  }

  @Test func theWatermarkRecoveryFindsTheNumbersAboveIt() throws {
    let scratch = try ScratchDatabase()
    try Self.versionSixDatabase(scratch)
    let store = try scratch.open()
    let trackers = try store.watermarkTrackers()
    #expect(
      trackers[ProbeKey(site: F.door.site, sensor: F.door.sensor)]
        == WatermarkTracker(watermark: 2, pending: [3, 4, 5]))
    #expect(
      trackers[ProbeKey(site: F.rack.site, sensor: F.rack.sensor)] == WatermarkTracker(watermark: 0, pending: [7]),
      "an unnumbered reading is never pending")
  }

  @Test("insertNew on a full disk throws SQLite's own error (transient, so the collector retries) and stores nothing")
  func aFullDiskFailsTheInsertWithSQLitesCode() throws {
    let scratch = try ScratchDatabase()
    let store = try scratch.open()
    _ = try F.insert([Sample(seq: 1, ts: F.minute(0), tempC: 3.0)], into: store)
    // No page beyond those in use (SQLite keeps max_page_count at least the page count).
    try store.queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1") }
    // Enough readings, with an error text each (bound as text), to need pages the database does not have.
    let many = (2...5000).map { Sample(seq: Int64($0), ts: F.minute($0), tempC: 3.0, error: "probe \($0) unplugged") }
    let error = #expect(throws: (any Error).self) { try F.insert(many, into: store) }
    #expect(error.map(SQLiteStore.isTransient) == true, "\(String(describing: error))")
    #expect(error.map(SQLiteStore.summary(of:)) == "SQLite error 13: database or disk is full")
    #expect((error as? DatabaseError)?.sql?.hasPrefix("INSERT OR IGNORE INTO readings") == true, "the insert failed")
    #expect(try store.counts().readings == 1)
  }

  @Test("a page limit no larger than the pages in use fails every write until the limit file is gone")
  func aSimulatedFullDiskRefusesEveryWriteUntilItIsGone() throws {
    let scratch = try ScratchDatabase()
    let store = try scratch.open()
    let limit = scratch.directory.appendingPathComponent("page-limit")
    try "1\n".write(to: limit, atomically: true, encoding: .utf8)
    store.simulateFullDisk(whileFileHoldsPageLimit: limit.path)
    let one = Sample(seq: 1, ts: F.minute(0), tempC: 3.0)
    let error = #expect(throws: (any Error).self) { try F.insert([one], into: store) }
    #expect(error.map(SQLiteStore.summary(of:)) == "SQLite error 13: database or disk is full")
    #expect(try store.counts().readings == 0)
    try FileManager.default.removeItem(at: limit)
    // The file is looked at every 0.2 s: writes succeed again once the store has seen it gone.
    #expect(eventually { (try? F.insert([one], into: store)) == [one] })
  }

  @Test("a value a payload gives with up to three decimals reads back as the very same Double")
  func threeDecimalValuesRoundTripExactly() {
    // What the report seal hashes: a reading stored as REAL before the migration and as milli units after it gives
    // the same bits, so a report sealed before the migration still verifies.
    var mismatches: [String] = []
    for milli in -100_000...100_000 {
      let magnitude = milli.magnitude
      let text = "\(milli < 0 ? "-" : "")\(magnitude / 1000).\(String(magnitude % 1000 + 1000).dropFirst())"
      guard let decoded = Double(text) else {
        mismatches.append(text)
        continue
      }
      if StoredSample.value(StoredSample.milli(decoded)) != decoded { mismatches.append(text) }
    }
    #expect(mismatches.isEmpty)
  }
}
