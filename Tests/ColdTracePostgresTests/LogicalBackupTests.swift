import ColdTracePostgres
import Foundation
import TestSupport
import Testing

/// The logical backups docs/postgresql.md gives, run as written on a real cluster: `pg_dump -Fc` of a migrated
/// database with rows in every table, restored with `pg_restore` into an empty database (every table's rows equal,
/// the cooperatives' policies still in force), and one detached month archived with `pg_dump -Fc -t`, dropped and
/// brought back.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct LogicalBackupTests {
  static let tables = [
    "sites", "collector_slots", "sources", "readings", "engine_state", "alerts", "journal_lines", "journal_heads",
    "notifications", "quarantine", "site_access", "coldtrace_migrations",
  ]

  /// Each table's row count and a digest of its rows in a stable order, so "restored" means the same rows.
  static func contents(_ url: String, tables: [String] = tables) throws -> [String: String] {
    let connection = try PostgresConnection(url: url)
    var contents: [String: String] = [:]
    for table in tables {
      let row = try connection.execute(
        "SELECT count(*) || ' ' || md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \(table) t"
      ).rows[0]
      contents[table] = try row.string(0)
    }
    return contents
  }

  /// `pg_dump -Fc … > FILE` and `pg_restore … < FILE`, through a shell as the page writes them.
  static func shell(_ command: String, _ arguments: [String]) throws {
    let result = try Executables.run(URL(fileURLWithPath: "/bin/bash"), ["-c", command, "bash"] + arguments)
    #expect(result.status == 0, "\(command) \(arguments): \(result.stderr)")
  }
  static let dump = "pg_dump -Fc \"$1\" > \"$2\""
  static let dumpMonth = "pg_dump -Fc -t \"$3\" \"$1\" > \"$2\""
  static let restore = "pg_restore --exit-on-error -d \"$1\" < \"$2\""
  static let restoreRows = "pg_restore --exit-on-error --section=pre-data --section=data -d \"$1\" < \"$2\""

  @Test func aDumpRestoredIntoAnEmptyDatabaseHasEveryRowAndItsPolicies() throws {
    let fixture = try CooperativeFixture()
    _ = try Executables.run(
      Executables.product("coldtrace"), ["access", "grant", fixture.roleA, "--site", "hongxuan", "--db", fixture.url])
    let before = try Self.contents(fixture.url)
    #expect(before["readings"]?.hasPrefix("18 ") == true, "\(before)")

    let file = try TemporaryDirectory.make(prefix: "pg-dump").appendingPathComponent("coldtrace.dump").path
    try Self.shell(Self.dump, [fixture.url, file])
    let copy = try PostgresClusterScope.freshDatabase(migrated: false)
    try Self.shell(Self.restore, [copy, file])

    #expect(try Self.contents(copy) == before)
    let month = try ReadingPartitions.attached(on: PostgresConnection(url: copy)).map(\.table)
    #expect(month == ["readings_y2026m12"])
    // Row-level security came with it: A sees its one site's readings in the copy too.
    let original = "/" + fixture.url.split(separator: "/").last!
    let copied = "/" + copy.split(separator: "/").last!
    let asA = try PostgresConnection(
      url: fixture.url(as: fixture.roleA).replacingOccurrences(of: original, with: copied))
    #expect(try asA.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 6)
    #expect(try asA.execute("SELECT count(DISTINCT site) FROM alerts").rows[0].int64(0) == 1)
  }

  @Test func aDetachedMonthIsArchivedAloneThenDroppedAndBroughtBack() throws {
    let fixture = try CooperativeFixture()
    let month = "readings_y2026m12"
    let before = try Self.contents(fixture.url, tables: [month])
    #expect(before[month]?.hasPrefix("18 ") == true, "\(before)")
    try ReadingPartitions.detach(year: 2026, month: 12, on: fixture.owner)
    #expect(try ReadingPartitions.attached(on: fixture.owner).isEmpty)

    let directory = try TemporaryDirectory.make(prefix: "pg-dump")
    let monthFile = directory.appendingPathComponent("\(month).dump").path
    try Self.shell(Self.dumpMonth, [fixture.url, monthFile, month])
    // Alone, its rows without its keys (the foreign key needs `sources`): enough to read the archive anywhere.
    let alone = try PostgresClusterScope.freshDatabase(migrated: false)
    try Self.shell(Self.restoreRows, [alone, monthFile])
    #expect(try Self.contents(alone, tables: [month]) == before)

    // Dropped once archived: the other tables keep their rows.
    try fixture.owner.execute("DROP TABLE \(month)")
    #expect(try fixture.owner.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 0)
    #expect(try fixture.owner.execute("SELECT count(*) FROM alerts").rows[0].int64(0) == 3)

    // Brought back whole into the database (its `sources` are there), and attached again to `readings`.
    try Self.shell(Self.restore, [fixture.url, monthFile])
    try fixture.owner.execute(
      "ALTER TABLE readings ATTACH PARTITION \(month) FOR VALUES FROM (1796083200000) TO (1798761600000)")
    #expect(try Self.contents(fixture.url, tables: [month]) == before)
    #expect(try fixture.owner.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 18)
  }
}
