import ColdTracePostgres
import Foundation
import TestSupport
import Testing

/// Migration 4 (`sqlite-tables`): the tables SQLite has beside the core ones, applied once, and each cooperative
/// sees only its own sites' rows of them (lots by where they were placed), as `SiteAccessTests` shows for the core
/// tables.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct SQLiteTableAccessTests {
  /// Migration 4's tables holding site data, and how the owner counts the rows of a set of sites.
  static let siteTables: [(table: String, ownerCount: String)] =
    [
      "lot_placements", "agent_outboxes", "probe_placements", "room_spans", "room_conditions", "silences",
      "agent_incarnations", "probe_registry", "pending_probes", "site_bridges",
    ].map { ($0, "SELECT count(*) FROM \($0) WHERE site = ANY($1)") }
    + ["probe_rooms", "probe_retirements", "probe_calibrations", "late_readings", "source_incarnations"].map {
      ($0, "SELECT count(*) FROM \($0) t JOIN sources s ON s.id = t.source_id WHERE s.site = ANY($1)")
    } + [
      ("lots", "SELECT count(*) FROM lots WHERE id IN (SELECT lot_id FROM lot_placements WHERE site = ANY($1))"),
      (
        "lot_rule_state",
        "SELECT count(*) FROM lot_rule_state WHERE lot_id IN (SELECT lot_id FROM lot_placements WHERE site = ANY($1))"
      ),
      (
        "leg_imports",
        "SELECT count(*) FROM leg_imports WHERE lot_id IN (SELECT lot_id FROM lot_placements WHERE site = ANY($1))"
      ),
      (
        "leg_readings",
        """
        SELECT count(*) FROM leg_readings r JOIN leg_imports i ON i.id = r.import_id
        WHERE i.lot_id IN (SELECT lot_id FROM lot_placements WHERE site = ANY($1))
        """
      ),
      (
        "journal_lines",
        """
        SELECT count(*) FROM journal_lines j LEFT JOIN alerts a ON a.id = j.alert_id
        WHERE a.site = ANY($1) OR j.lot_id IN (SELECT lot_id FROM lot_placements WHERE site = ANY($1))
        """
      ),
    ]

  /// Each site's rows in every migration-4 table: a lot placed there with its rule state, a leg and its readings, a
  /// lot journal line, and a row of each site or probe table.
  static func rows(sites: [String]) -> String {
    var sql = ""
    for site in sites {
      let lot = "LT-\(site)"
      let probe = "(SELECT id FROM sources WHERE site = '\(site)' AND sensor = 'cold1-a')"
      sql += """
        INSERT INTO lots (id, product, created_ms) VALUES ('\(lot)', 'litchi', 0);
        INSERT INTO lot_placements (lot_id, site, room, from_ms) VALUES ('\(lot)', '\(site)', 'cold1', 0);
        INSERT INTO lot_rule_state (lot_id, state) VALUES ('\(lot)', '\\x7b7d');
        INSERT INTO leg_imports (lot_id, leg, file_name, file_sha256, imported_by, imported_ms, rows, from_ms, to_ms)
          VALUES ('\(lot)', 'truck', 'truck.csv', 'ab', 'lan', 0, 2, 0, 60000);
        INSERT INTO leg_readings (import_id, ts_ms, temp_c) SELECT id, n * 60000, 4.5 FROM leg_imports,
          generate_series(0, 1) n WHERE lot_id = '\(lot)';
        INSERT INTO journal_lines (chain, id, lot_id, event, at_ms, line)
          VALUES (0, (SELECT max(id) + 1 FROM journal_lines WHERE chain = 0), '\(lot)', 'lot_added', 0, '{}');
        INSERT INTO agent_outboxes VALUES ('\(site)', 'edge');
        INSERT INTO probe_placements VALUES ('\(site)', 'cold1-a', 'air');
        INSERT INTO room_spans (site, room, signal, source, start_ms)
          VALUES ('\(site)', 'cold1', 'defrost', 'input', 0);
        INSERT INTO room_conditions VALUES ('\(site)', 'cold1', '\\x7b7d');
        INSERT INTO silences (site, from_ms, until_ms, reason, created_by) VALUES ('\(site)', 0, 1, 'cleaning', 'lan');
        INSERT INTO agent_incarnations VALUES ('\(site)', 'edge', 'i1', 0, NULL);
        INSERT INTO probe_registry (site, sensor, state, origin, at_ms)
          VALUES ('\(site)', 'cold1-a', 'registered', 'auto', 0);
        INSERT INTO pending_probes VALUES ('\(site)', 'stray', 'cold1', 'unknown', 0, 0, 1);
        INSERT INTO site_bridges VALUES ('\(site)', true, 0, 0);
        INSERT INTO probe_rooms VALUES (\(probe), -9223372036854775808, 'cold1');
        INSERT INTO probe_retirements VALUES (\(probe), 0, 'broken', 'lan', NULL);
        INSERT INTO probe_calibrations (source_id, certificate, calibrated_ms, due_ms, by_name)
          VALUES (\(probe), 'C-1', 0, 1, 'lab');
        INSERT INTO late_readings VALUES (\(probe), 0, 1);
        INSERT INTO source_incarnations VALUES (\(probe), 'i1', 0, 0);

        """
    }
    return sql
  }

  @Test func theMigrationAppliesOnceAndAddsTheTables() throws {
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let connection = try PostgresConnection(url: url)
    #expect(try PostgresSchema.migrate(connection).contains(4))
    #expect(try PostgresSchema.migrate(connection).isEmpty, "a second run applies nothing")
    #expect(try PostgresSchema.version(connection) >= 4)
    for (table, _) in Self.siteTables {
      #expect(try connection.execute("SELECT to_regclass($1) IS NOT NULL", [.text(table)]).rows[0].bool(0))
    }
    let columns = try connection.execute(
      "SELECT count(*) FROM information_schema.columns WHERE table_name = 'alerts' AND column_name LIKE 'group_%'")
    #expect(try columns.rows[0].int64(0) == 2, "alerts gained group_id and group_wait_ms")
  }

  @Test func aCooperativeSeesOnlyItsOwnLotsAndSiteRowsInEveryNewTable() throws {
    let fixture = try CooperativeFixture()
    try fixture.owner.executeScript(Self.rows(sites: CooperativeFixture.sitesOfA + CooperativeFixture.sitesOfB))
    var ofA: [String: Int64] = [:]
    var ofB: [String: Int64] = [:]
    for (table, sql) in Self.siteTables {
      ofA[table] = try fixture.owner.execute(sql, [.textArray(CooperativeFixture.sitesOfA)]).rows[0].int64(0)
      ofB[table] = try fixture.owner.execute(sql, [.textArray(CooperativeFixture.sitesOfB)]).rows[0].int64(0)
      #expect((ofA[table] ?? 0) > 0 && (ofB[table] ?? 0) > 0, "\(table) has rows of both cooperatives")
    }
    let granted = try SiteAccessTests.access(
      ["grant", fixture.roleA, "--site", "hongxuan", "--site", "hongxuan2"], db: fixture.url)
    #expect(granted.status == 0, "\(granted.stderr)")
    _ = try SiteAccessTests.access(["grant", fixture.roleB, "--site", "dalat"], db: fixture.url)
    for (role, expected) in [(fixture.roleA, ofA), (fixture.roleB, ofB)] {
      let connection = try PostgresConnection(url: fixture.url(as: role))
      for (table, _) in Self.siteTables {
        let seen = try connection.execute("SELECT count(*) FROM \(table)").rows[0].int64(0)
        #expect(
          seen == expected[table], "\(role) sees \(seen) rows of \(table), its sites have \(expected[table] ?? -1)")
      }
      let lots = try connection.execute("SELECT id FROM lots ORDER BY id").rows.map { try $0.string(0) }
      #expect(lots == (role == fixture.roleA ? ["LT-hongxuan", "LT-hongxuan2"] : ["LT-dalat"]))
      let imports = #expect(throws: PostgresError.self) { try connection.execute("SELECT * FROM journal_imports") }
      #expect(imports?.sqlState == "42501", "the import record is not the cooperatives'")
      let write = #expect(throws: PostgresError.self) { try connection.execute("DELETE FROM silences") }
      #expect(write?.sqlState == "42501")
    }
  }
}
