import ColdTraceCore
import ColdTracePostgres
import ColdTraceStorage
import TestSupport
import Testing

/// The schema, the group write of readings, monthly partitions and the journal chain, on a real PostgreSQL 15.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct PostgresSchemaTests {
  /// 2026-12-01T00:00:00Z.
  static let december: Int64 = 1_796_083_200_000
  /// 2026-11-01T00:00:00Z.
  static let november: Int64 = 1_793_491_200_000

  /// A migrated database whose slot 1 is owned (epoch 1), and a writer for it.
  static func ownedSlot() throws -> (url: String, writer: SlotWriter, lease: SlotLease) {
    let url = try PostgresClusterScope.freshDatabase()
    let lease = try SlotLease(url: url, slot: 1, owner: "host-a")
    let epoch = try #require(try lease.tryAcquire())
    return (url, try SlotWriter(url: url, slot: 1, epoch: epoch), lease)
  }

  static func sample(_ seq: Int64?, minute: Int64, temp: Double = 4.25, from start: Int64 = december) -> Sample {
    Sample(seq: seq, ts: Timestamp(milliseconds: start + minute * 60_000), tempC: temp, rhPct: 88.5)
  }

  @Test func migrationsAreVersionedAndAppliedOnce() throws {
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let connection = try PostgresConnection(url: url)
    #expect(try PostgresSchema.version(connection) == 0)
    let versions = PostgresSchema.migrations.map(\.version)
    #expect(versions == Array(1...versions.count), "numbered 1, 2, 3, … without a gap")
    #expect(try PostgresSchema.migrate(connection) == versions)
    #expect(try PostgresSchema.migrate(PostgresConnection(url: url)) == [])
    #expect(try PostgresSchema.version(connection) == versions.count)
    let tables = Set(
      try connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").rows.map {
        try $0.string(0)
      })
    // The first three migrations' tables (migration 4's: SQLiteTableAccessTests).
    let core: Set = [
      "alerts", "coldtrace_migrations", "collector_slots", "engine_state", "journal_heads", "journal_lines",
      "notifications", "quarantine", "readings", "site_access", "sites", "sources",
    ]
    #expect(core.isSubset(of: tables), "\(core.subtracting(tables))")
    #expect(
      try connection.execute("SELECT relkind::text FROM pg_class WHERE relname = 'readings'").rows[0].string(0) == "p")
  }

  @Test func aGroupWriteStoresABatchOnceAndRefusesANumberUsedAgain() throws {
    let (url, writer, _) = try Self.ownedSlot()
    let batch = try writer.write { transaction in
      let probes = try ["cold1-a", "cold1-b"].map {
        try transaction.sourceID(site: "hongxuan", sensor: $0, room: "cold1", agent: "hx-edge-1")
      }
      return (0..<512).map { (index: Int) -> PostgresReading in
        let seq = Int64(index / 2 + 1)
        return PostgresReading(source: probes[index % 2], sample: Self.sample(seq, minute: seq - 1))
      }
    }
    let first = try writer.write { try $0.insertReadings(batch) }
    #expect(first.stored == Array(0..<512))
    #expect(first.duplicates.isEmpty && first.reused.isEmpty)
    // The same batch again (an agent re-sending what was not acknowledged): nothing new.
    let again = try writer.write { try $0.insertReadings(batch) }
    #expect(again.stored.isEmpty)
    #expect(again.duplicates == Array(0..<512))

    // seq 5 again with another time: refused; a new number and a re-send in the same batch go their ways.
    let probe = batch[0].source
    let mixed = [
      PostgresReading(source: probe, sample: Self.sample(5, minute: 900)),
      PostgresReading(source: probe, sample: Self.sample(257, minute: 256)),
      PostgresReading(source: probe, sample: Self.sample(3, minute: 2)),
      PostgresReading(source: probe, sample: Self.sample(257, minute: 256, temp: 9)),
      PostgresReading(source: probe, sample: Self.sample(nil, minute: 300)),
      PostgresReading(source: probe, sample: Self.sample(nil, minute: 300)),
    ]
    let result = try writer.write { try $0.insertReadings(mixed) }
    #expect(result.stored == [1, 4])
    #expect(result.duplicates == [2, 5])
    #expect(result.reused == [0, 3])

    let connection = try PostgresConnection(url: url)
    #expect(try connection.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 514)
    let stored = try connection.execute(
      "SELECT ts_ms, temp_mc, rh_mpct FROM readings WHERE source_id = $1 AND seq = 5", [.int(probe)]
    ).rows
    #expect(stored.count == 1)
    #expect(try stored[0].int64(0) == Self.december + 4 * 60_000)
    #expect(try stored[0].int64(1) == 4250 && stored[0].int64(2) == 88_500)
    #expect(
      try connection.execute("SELECT highest_seq FROM sources WHERE id = $1", [.int(probe)]).rows[0].int64(0) == 257)
  }

  @Test func aSiteBelongsToOneSlot() throws {
    let (url, writer, _) = try Self.ownedSlot()
    _ = try writer.write { try $0.sourceID(site: "hongxuan", sensor: "p1", room: "cold1", agent: nil) }
    let other = try SlotLease(url: url, slot: 2, owner: "host-b")
    let otherWriter = try SlotWriter(url: url, slot: 2, epoch: try #require(try other.tryAcquire()))
    let error = try #require(throws: PostgresError.self) {
      try otherWriter.write { try $0.sourceID(site: "hongxuan", sensor: "p2", room: "cold1", agent: nil) }
    }
    #expect(error.message == "site hongxuan belongs to slot 1, not to slot 2: only its slot's owner writes it")
  }

  @Test func monthsArePartitionsMadeAheadAndDetachedWithoutARewrite() throws {
    let (url, writer, _) = try Self.ownedSlot()
    try writer.createMonthsAhead(now: Timestamp(milliseconds: Self.december + 5_000))
    let connection = try PostgresConnection(url: url)
    #expect(try ReadingPartitions.attached(on: connection).map(\.table) == ["readings_y2026m12", "readings_y2027m01"])
    // A backfill of November: its month is made by the write that needs it.
    let counts = try writer.write { transaction in
      let probe = try transaction.sourceID(site: "hongxuan", sensor: "p1", room: "cold1", agent: nil)
      let readings = (0..<40).map { (minute: Int) -> PostgresReading in
        let start = minute < 30 ? Self.november : Self.december
        return PostgresReading(
          source: probe, sample: Self.sample(Int64(minute + 1), minute: Int64(minute), from: start))
      }
      return try transaction.insertReadings(readings).stored.count
    }
    #expect(counts == 40)
    let months = try ReadingPartitions.attached(on: connection)
    #expect(months.map(\.table) == ["readings_y2026m11", "readings_y2026m12", "readings_y2027m01"])
    #expect(months[0].fromMs == Self.november && months[0].toMs == Self.december)
    #expect(try connection.execute("SELECT count(*) FROM readings_y2026m11").rows[0].int64(0) == 30)

    let fileBefore = try connection.execute("SELECT pg_relation_filenode('readings_y2026m11')").rows[0].int64(0)
    try ReadingPartitions.detach(year: 2026, month: 11, on: connection)
    #expect(try ReadingPartitions.attached(on: connection).map(\.table) == ["readings_y2026m12", "readings_y2027m01"])
    #expect(try connection.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 10)
    // The month is a table of its own now, the same file: nothing was copied or rewritten.
    #expect(try connection.execute("SELECT count(*) FROM readings_y2026m11").rows[0].int64(0) == 30)
    #expect(try connection.execute("SELECT pg_relation_filenode('readings_y2026m11')").rows[0].int64(0) == fileBefore)
    // A late reading of the detached month is refused, not stored in a new empty month.
    let late = try #require(throws: PostgresError.self) {
      try writer.write { transaction in
        let probe = try transaction.sourceID(site: "hongxuan", sensor: "p2", room: "cold1", agent: nil)
        return try transaction.insertReadings([
          PostgresReading(source: probe, sample: Self.sample(1, minute: 0, from: Self.november))
        ])
      }
    }
    #expect(late.message.contains("(months 2026-11)") && late.message.contains("detached"))
    #expect(try connection.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 10)
    // Asked to make the month again, the database refuses too, and says why.
    let again = try #require(throws: PostgresError.self) {
      try ReadingPartitions.ensureMonth(containing: Self.november + 1, on: connection)
    }
    #expect(again.message.hasPrefix("the month of 2026-11 is detached (table readings_y2026m11 exists"))
  }

  @Test func theJournalChainVerifiesAndATamperedLineBreaksIt() throws {
    let (url, writer, _) = try Self.ownedSlot()
    let at = Timestamp(milliseconds: Self.december)
    let lines = try writer.write { transaction in
      try (1...2).map { _ in
        try transaction.appendJournalLine(event: "lot_added", alertID: nil, lotID: "LT-1", at: at) { id in
          "{\"event\":\"lot_added\",\"event_id\":\(id),\"lot\":\"LT-1\"}"
        }
      }
    }
    #expect(lines.map(\.eventID) == [1, 2])
    #expect(lines[0].line.hasPrefix("{\"prev\":\"\(JournalChain.genesis)\",\"event\":\"lot_added\""))
    #expect(lines[1].line.contains("\"prev\":\"\(JournalChain.hash(lines[0].line))\""))
    // A transaction that rolls back leaves no line and no gap.
    struct Abandoned: Error {}
    #expect(throws: Abandoned.self) {
      try writer.write { transaction in
        try transaction.appendJournalLine(event: "lot_closed", alertID: nil, lotID: "LT-1", at: at) { _ in "{}" }
        throw Abandoned()
      }
    }
    try writer.write { transaction in
      try transaction.appendJournalLine(event: "lot_closed", alertID: nil, lotID: "LT-1", at: at) { id in
        "{\"event\":\"lot_closed\",\"event_id\":\(id)}"
      }
    }
    let connection = try PostgresConnection(url: url)
    #expect(try PostgresJournal.verify(chain: 1, on: connection) == 3)

    try connection.execute("UPDATE journal_lines SET line = replace(line, 'LT-1', 'LT-2') WHERE chain = 1 AND id = 2")
    let broken = try #require(throws: ChainBreak.self) { try PostgresJournal.verify(chain: 1, on: connection) }
    #expect(broken.line == 3)
  }

  @Test func engineStateIsSavedAndReplaced() throws {
    let (url, writer, _) = try Self.ownedSlot()
    let probe = try writer.write { transaction in
      let probe = try transaction.sourceID(site: "hongxuan", sensor: "p1", room: "cold1", agent: nil)
      try transaction.saveEngineState([1, 2, 3], source: probe)
      try transaction.saveEngineState([0, 255, 7, 0], source: probe)
      return probe
    }
    let connection = try PostgresConnection(url: url)
    #expect(
      try connection.execute("SELECT state FROM engine_state WHERE source_id = $1", [.int(probe)]).rows[0].bytes(0)
        == [0, 255, 7, 0])
  }
}
