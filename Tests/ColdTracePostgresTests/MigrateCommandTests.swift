import ColdTracePostgres
import ColdTraceStorage
import Foundation
import GRDB
import TestSupport
import Testing

/// `coldtrace migrate --to postgres://…` on a real SQLite database (`MigrationSource`) into a real PostgreSQL 15:
/// every table copied with its ids, counts equal, the journal chain verified there, a few rows compared field by
/// field; a target with data refused and left as it was; a changed journal line caught by `journal verify`.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct MigrateCommandTests {
  static func coldtrace(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(Executables.product("coldtrace"), arguments, environment: ["COLDTRACE_DB": ""])
  }

  /// The SQLite rows of `sql`, each as its columns' text (NULL as "NULL").
  static func sqliteRows(_ path: String, _ sql: String) throws -> [[String]] {
    let queue = try SQLiteStore.openReadOnly(path: path)
    return try queue.read { db in
      try Row.fetchAll(db, sql: sql).map { row in
        row.databaseValues.map { value in
          switch value.storage {
          case .null: "NULL"
          case .int64(let number): String(number)
          case .double(let number): String(number)
          case .string(let text): text
          case .blob(let data): data.map { String(format: "%02x", $0) }.joined()
          }
        }
      }
    }
  }

  static func postgresRows(_ connection: PostgresConnection, _ sql: String) throws -> [[String]] {
    try connection.execute(sql).rows.map { row in row.values.map { $0 ?? "NULL" } }
  }

  @Test func everyTableIsCopiedWithItsIdsAndTheJournalVerifiesOnTheCopy() throws {
    let source = try MigrationSource()
    let before = try Data(contentsOf: URL(fileURLWithPath: source.path))
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let migrated = try Self.coldtrace(["migrate", "--db", source.path, "--to", url])
    #expect(migrated.status == 0, "\(migrated.stderr)")
    #expect(migrated.stdout.contains("readings") && migrated.stdout.contains("every count equal"), "\(migrated.stdout)")
    print(migrated.stdout)
    #expect(try Data(contentsOf: URL(fileURLWithPath: source.path)) == before, "the source is only read")

    let target = try PostgresConnection(url: url)
    let count = { (table: String) in Int(try target.execute("SELECT count(*) FROM \(table)").rows[0].int64(0)) }
    #expect(try count("readings") == 3 * source.readingsPerProbe)
    #expect(try count("journal_lines") > 8 && count("notifications") > 0 && count("lots") == 2)
    for table in ["silences", "quarantine", "engine_state", "late_readings", "site_bridges", "lot_rule_state"] {
      #expect(try count(table) > 0, "\(table) copied")
    }
    let months = try ReadingPartitions.attached(on: target).map(\.table)
    #expect(months == ["readings_y2026m11", "readings_y2026m12"])

    // Field by field: readings (values, error text, time quality), alerts (acknowledgement), journal lines (byte for
    // byte, chain -1), notifications linked to their line, lots and quarantined bytes.
    let comparisons: [(sqlite: String, postgres: String)] = [
      (
        "SELECT source_id, ts_ms, seq, temp_mc, rh_mpct, time_quality, error FROM readings WHERE seq IN (1, 8, 9) "
          + "ORDER BY source_id, seq",
        "SELECT source_id, ts_ms, seq, temp_mc, rh_mpct, time_quality, error FROM readings WHERE seq IN (1, 8, 9) "
          + "ORDER BY source_id, seq"
      ),
      (
        "SELECT id, kind, state, site, acked_ms, acked_by, note, opened_ms, resolved_ms, message, group_id FROM alerts "
          + "ORDER BY id",
        "SELECT id, kind, state, site, acked_ms, acked_by, note, opened_ms, resolved_ms, message, group_id FROM alerts "
          + "ORDER BY id"
      ),
      (
        "SELECT id, alert_id, lot_id, event, at_ms, line FROM alert_events ORDER BY id",
        "SELECT id, alert_id, lot_id, event, at_ms, line FROM journal_lines WHERE chain = -1 ORDER BY id"
      ),
      (
        "SELECT id, alert_id, event_id, line, state FROM notifications ORDER BY id",
        "SELECT n.id, n.alert_id, n.event_id, j.line, n.state FROM notifications n "
          + "JOIN journal_lines j ON j.chain = n.chain AND j.id = n.event_id ORDER BY n.id"
      ),
      (
        "SELECT id, product, market, created_ms, closed_ms FROM lots ORDER BY id",
        "SELECT id, product, market, created_ms, closed_ms FROM lots ORDER BY id"
      ),
      ("SELECT topic, payload FROM quarantine", "SELECT topic, encode(payload, 'hex') FROM quarantine"),
      (
        "SELECT id, sensor, acked_seq FROM sources ORDER BY id", "SELECT id, sensor, acked_seq FROM sources ORDER BY id"
      ),
    ]
    for (sqlite, postgres) in comparisons {
      let expected = try Self.sqliteRows(source.path, sqlite)
      #expect(!expected.isEmpty, "\(sqlite)")
      #expect(try Self.postgresRows(target, postgres) == expected, "\(postgres)")
    }
    let highest = try target.execute("SELECT DISTINCT highest_seq FROM sources").rows.map { try $0.int64(0) }
    #expect(highest == [Int64(source.readingsPerProbe)], "each probe's highest number, for the group write")
    let slots = try target.execute("SELECT site, slot FROM sites ORDER BY site").rows.map {
      "\(try $0.string(0))=\(try $0.int64(1))"
    }
    #expect(slots == ["dalat=0", "hongxuan=0"])
    // Sequences are past the copied ids: a new alert gets the next id.
    let next = try target.execute(
      "INSERT INTO alerts (kind, severity, state, site, room, sensor, opened_ms, message) "
        + "VALUES ('high', 'warning', 'open', 'x', 'r', 's', 0, 'm') RETURNING id"
    ).rows[0].int64(0)
    #expect(next == Int64(try count("alerts")))

    // The collector's slot 0 goes on with a chain of its own beside the copied one; verify checks both.
    let lines = try count("journal_lines")
    let lease = try SlotLease(url: url, slot: 0, owner: "host-a")
    let writer = try SlotWriter(url: url, slot: 0, epoch: try #require(try lease.tryAcquire()))
    for event in ["lot_added", "lot_closed"] {
      try writer.write { transaction in
        try transaction.appendJournalLine(
          event: event, alertID: nil, lotID: "LT-9", at: MigrationSource.start
        ) { id in "{\"event\":\"\(event)\",\"event_id\":\(id)}" }
      }
    }
    let verified = try Self.coldtrace(["journal", "verify", "--db", url])
    #expect(verified.status == 0, "\(verified.stderr)")
    let reported = verified.stdout.split(separator: "\n")
    #expect(reported.count == 2, "\(verified.stdout)")
    #expect(reported.first?.hasPrefix("ok: chain -1 (copied from \(source.path)): \(lines) lines chained") == true)
    #expect(reported.last?.hasPrefix("ok: chain 0 (slot 0): 2 lines chained") == true)
  }

  @Test func aTargetHoldingDataIsRefusedAndLeftAsItWas() throws {
    let source = try MigrationSource(readingsPerProbe: 50)
    let url = try PostgresClusterScope.freshDatabase()
    #expect(try Self.coldtrace(["migrate", "--db", source.path, "--to", url, "--slot", "2"]).status == 0)
    let target = try PostgresConnection(url: url)
    let slots = try target.execute("SELECT DISTINCT slot FROM sites").rows.map { try $0.int64(0) }
    #expect(slots == [2], "every site in the slot asked for")
    let snapshot = {
      try target.execute(
        "SELECT (SELECT count(*) FROM readings), (SELECT count(*) FROM alerts), (SELECT count(*) FROM journal_lines)"
      ).rows[0].int64(0)
    }
    let before = try snapshot()
    let again = try Self.coldtrace(["migrate", "--db", source.path, "--to", url])
    #expect(again.status == 2)
    #expect(
      again.stderr
        == "coldtrace: the target database holds ColdTrace data already (sites has rows): migrate copies into an "
        + "empty database only\n")
    #expect(try snapshot() == before)
  }

  @Test func aChangedJournalLineInTheCopyFailsVerify() throws {
    let source = try MigrationSource(readingsPerProbe: 20)
    let url = try PostgresClusterScope.freshDatabase()
    #expect(try Self.coldtrace(["migrate", "--db", source.path, "--to", url]).status == 0)
    let target = try PostgresConnection(url: url)
    // Who acknowledged the first acknowledged alert, changed in the copy.
    try target.execute(
      "UPDATE journal_lines SET line = replace(line, '\"lan\"', '\"mallory\"') WHERE chain = -1 "
        + "AND id = (SELECT min(id) FROM journal_lines WHERE chain = -1 AND line LIKE '%\"lan\"%')")
    let changed = try target.execute("SELECT min(id) FROM journal_lines WHERE line LIKE '%mallory%'").rows[0]
    let line = try changed.int64(0)
    let verified = try Self.coldtrace(["journal", "verify", "--db", url])
    #expect(verified.status == 1)
    #expect(verified.stderr.hasPrefix("coldtrace: journal chain broken at journal chain -1, line \(line + 1): "))
  }

  @Test func aCopyThatFailsHalfWayLeavesTheTargetEmptyAndCanBeRunAgain() throws {
    let source = try MigrationSource(readingsPerProbe: 300)
    // Text in a reading's temperature: SQLite keeps it (type affinity), PostgreSQL's integer cannot, so the copy fails
    // in the middle of the readings, after the probes, alerts and journal were inserted.
    let writable = try DatabaseQueue(path: source.path)
    try writable.write { db in
      try db.execute(sql: "UPDATE readings SET temp_mc = 'warm' WHERE seq = 250")
    }
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let failed = try Self.coldtrace(["migrate", "--db", source.path, "--to", url])
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("PostgreSQL error 22P02"), "\(failed.stderr)")
    let target = try PostgresConnection(url: url)
    #expect(try PostgresSchema.version(target) >= 4, "the schema stays")
    for table in ["sites", "sources", "alerts", "journal_lines", "journal_heads", "readings", "lots"] {
      #expect(try target.execute("SELECT count(*) FROM \(table)").rows[0].int64(0) == 0, "\(table) left empty")
    }
    #expect(try ReadingPartitions.attached(on: target).isEmpty, "the months made for the copy went with it")

    try writable.write { db in try db.execute(sql: "UPDATE readings SET temp_mc = 4000 WHERE seq = 250") }
    let again = try Self.coldtrace(["migrate", "--db", source.path, "--to", url])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try target.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 900)
  }

  /// PostgreSQL's text cannot hold a NUL character and libpq would end the value there: a source holding one is
  /// refused in one line naming the table and column (exit 2), never stored cut short, and nothing is committed.
  @Test func aTextWithANULCharacterIsRefusedNotCutShort() throws {
    let source = try MigrationSource(readingsPerProbe: 10)
    try DatabaseQueue(path: source.path).write { db in
      try db.execute(sql: "UPDATE alerts SET note = 'door' || char(0) || 'open' WHERE id = 1")
    }
    let url = try PostgresClusterScope.freshDatabase()
    let refused = try Self.coldtrace(["migrate", "--db", source.path, "--to", url])
    #expect(refused.status == 2)
    #expect(
      refused.stderr.hasPrefix(
        "coldtrace: alerts.note holds a text value with a NUL character, which PostgreSQL text cannot store"),
      "\(refused.stderr)")
    let target = try PostgresConnection(url: url)
    #expect(try target.execute("SELECT count(*) FROM alerts").rows[0].int64(0) == 0)
    // Any statement's text parameter: refused by the client, not sent cut short.
    #expect(throws: PostgresError.self) { try target.execute("SELECT $1::text", [.text("a\u{0}b")]) }
  }

  @Test func aCopyWhoseChainDoesNotVerifyIsNotCommitted() throws {
    let source = try MigrationSource(readingsPerProbe: 10)
    // Line 3 of the SQLite journal changed after it was written: the copy is byte for byte, so its chain breaks at 4.
    try DatabaseQueue(path: source.path).write { db in
      try db.execute(sql: "UPDATE alert_events SET line = replace(line, 'cleaning', 'nothing') WHERE id = 3")
    }
    let url = try PostgresClusterScope.freshDatabase()
    let failed = try Self.coldtrace(["migrate", "--db", source.path, "--to", url])
    #expect(failed.status == 1)
    #expect(
      failed.stderr.hasPrefix(
        "coldtrace: the copy differs from the source, nothing was committed: journal chain -1, line 4: "),
      "\(failed.stderr)")
    let target = try PostgresConnection(url: url)
    #expect(try target.execute("SELECT count(*) FROM journal_lines").rows[0].int64(0) == 0)
    #expect(try target.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 0)
  }

  @Test func badInputIsOneLineAndExitTwo() throws {
    let source = try MigrationSource(readingsPerProbe: 5)
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let cases: [([String], String)] = [
      (
        ["--db", source.path, "--to", "/tmp/other.db"], "coldtrace: --to must be a postgres:// URL, not /tmp/other.db\n"
      ),
      (["--db", "/nonexistent/coldtrace.db", "--to", url], "coldtrace: no database at /nonexistent/coldtrace.db\n"),
      (
        ["--db", source.path, "--to", "postgres://coldtrace@127.0.0.1:1/coldtrace?connect_timeout=2"],
        "coldtrace: cannot connect to postgres://coldtrace@127.0.0.1:1/coldtrace"
      ),
    ]
    for (arguments, message) in cases {
      let result = try Self.coldtrace(["migrate"] + arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
    let target = try PostgresConnection(url: url)
    #expect(try PostgresSchema.version(target) == 0, "nothing was applied to the target")

    // A file that is no ColdTrace database, and one with a table this version does not know: refused, nothing copied.
    let empty = URL(fileURLWithPath: source.path).deletingLastPathComponent().appendingPathComponent("empty.db").path
    _ = try DatabaseQueue(path: empty)
    let notOurs = try Self.coldtrace(["migrate", "--db", empty, "--to", url])
    #expect(notOurs.status == 2 && notOurs.stderr.contains("is no ColdTrace database of this version's schema"))
    try DatabaseQueue(path: source.path).write { db in try db.execute(sql: "CREATE TABLE extra (x INTEGER)") }
    let unknown = try Self.coldtrace(["migrate", "--db", source.path, "--to", url])
    #expect(unknown.status == 2)
    #expect(unknown.stderr == "coldtrace: the SQLite database has tables this version cannot copy: extra\n")
    #expect(try PostgresSchema.version(target) == 0, "the source is checked before the target is touched")
  }
}
