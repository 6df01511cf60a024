import ColdTracePostgres
import Foundation
import TestSupport
import Testing

/// Each cooperative sees only its own: roles, row-level security on site and `coldtrace access`, on a real
/// PostgreSQL 15, with the cooperatives connecting as their own login roles through libpq, `psql` and `coldtrace`.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct SiteAccessTests {
  static let psql = URL(fileURLWithPath: "/usr/bin/psql")

  /// Runs the real `coldtrace access …` with `--db url`.
  static func access(_ arguments: [String], db: String) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(Executables.product("coldtrace"), ["access"] + arguments + ["--db", db])
  }

  /// `sql` as `role` through psql; its output lines (unaligned, tuples only) or its one-line error.
  static func psqlLines(_ url: String, _ statements: [String]) throws -> (status: Int32, lines: [String], error: String)
  {
    let result = try Executables.run(
      psql, [url, "-X", "-At", "-v", "ON_ERROR_STOP=1"] + statements.flatMap { ["-c", $0] })
    return (result.status, result.stdout.split(separator: "\n").map(String.init), result.stderr)
  }

  @Test func aCooperativeSeesEveryRowOfItsSitesAndNoneOfAnother() throws {
    let fixture = try CooperativeFixture()
    let ofA = try fixture.ownerCounts(of: CooperativeFixture.sitesOfA)
    let ofB = try fixture.ownerCounts(of: CooperativeFixture.sitesOfB)
    for (table, _) in CooperativeFixture.siteTables {
      #expect((ofA[table] ?? 0) > 0 && (ofB[table] ?? 0) > 0, "\(table) has rows of both cooperatives")
    }
    let granted = try Self.access(
      [
        "grant", fixture.roleA, "--site", CooperativeFixture.sitesOfA[0], "--site", CooperativeFixture.sitesOfA[1],
      ], db: fixture.url)
    #expect(granted.status == 0, "\(granted.stderr)")
    #expect(granted.stdout == "\(fixture.roleA) may read: hongxuan, hongxuan2\n")
    _ = try Self.access(["grant", fixture.roleB, "--site", "dalat"], db: fixture.url)

    // libpq, as A: all of A's rows, not one of B's, in every table.
    let asA = try PostgresConnection(url: fixture.url(as: fixture.roleA))
    #expect(try asA.execute("SELECT current_user").rows[0].string(0) == fixture.roleA)
    for (table, _) in CooperativeFixture.siteTables {
      let seen = try asA.execute("SELECT count(*) FROM \(table)").rows[0].int64(0)
      #expect(seen == ofA[table], "\(table): \(seen) rows seen, A has \(ofA[table] ?? -1)")
    }
    let siteOfB = try asA.execute("SELECT count(*) FROM alerts WHERE site = 'dalat'").rows[0].int64(0)
    #expect(siteOfB == 0)
    #expect(
      try asA.execute("SELECT site FROM site_access").rows.map { try $0.string(0) } == CooperativeFixture.sitesOfA)

    // psql, as B: B's rows only; the month's partition, the slots and the chain heads are not readable at all.
    let counts = try Self.psqlLines(
      fixture.url(as: fixture.roleB), CooperativeFixture.siteTables.map { "SELECT count(*) FROM \($0.table)" })
    #expect(counts.status == 0, "\(counts.error)")
    #expect(counts.lines == CooperativeFixture.siteTables.map { String(ofB[$0.table] ?? -1) })
    for table in ["readings_y2026m12", "collector_slots", "journal_heads"] {
      let refused = try Self.psqlLines(fixture.url(as: fixture.roleB), ["SELECT count(*) FROM \(table)"])
      #expect(refused.status != 0 && refused.error.contains("permission denied"), "\(table): \(refused)")
    }
  }

  @Test func aReaderWritesNothingAndAcknowledgesOnlyWithAckAndOnlyItsOwnAlerts() throws {
    let fixture = try CooperativeFixture()
    _ = try Self.access(["grant", fixture.roleA, "--site", "hongxuan"], db: fixture.url)
    let asA = try PostgresConnection(url: fixture.url(as: fixture.roleA))
    let writes = [
      "INSERT INTO readings (ts_ms, seq, source_id) SELECT 1796083200000, 99, id FROM sources LIMIT 1",
      "UPDATE readings SET temp_mc = 0", "DELETE FROM readings", "DELETE FROM alerts",
      "UPDATE alerts SET acked_by = 'a', state = 'acked'",
    ]
    for write in writes {
      let error = #expect(throws: PostgresError.self) { try asA.execute(write) }
      #expect(error?.sqlState == "42501", "\(write): \(String(describing: error))")
    }

    let granted = try Self.access(["grant", fixture.roleA, "--site", "hongxuan", "--ack"], db: fixture.url)
    #expect(granted.stdout == "\(fixture.roleA) may read and acknowledge: hongxuan\n")
    // Acknowledging goes through coldtrace_acknowledge (migration 5), which journals it; no direct update is left.
    let asAck = try PostgresConnection(url: fixture.url(as: fixture.roleA))
    let acknowledge = "SELECT state FROM coldtrace_acknowledge($1, 'lan', NULL)"
    #expect(try asAck.execute(acknowledge, [.int(Int64(1))]).rows[0].string(0) == "acked")
    // Another cooperative's alert (as if it did not exist), and an own site granted without --ack: refused.
    let ofB = #expect(throws: PostgresError.self) { try asAck.execute(acknowledge, [.int(Int64(3))]) }
    #expect(ofB?.sqlState == "CT404")
    _ = try Self.access(["grant", fixture.roleA, "--site", "hongxuan2"], db: fixture.url)
    let readOnly = #expect(throws: PostgresError.self) {
      try PostgresConnection(url: fixture.url(as: fixture.roleA)).execute(acknowledge, [.int(Int64(2))])
    }
    #expect(readOnly?.sqlState == "CT403")
    for write in ["UPDATE alerts SET message = 'x'", "UPDATE alerts SET state = 'acked', acked_by = 'lan'"] {
      let other = #expect(throws: PostgresError.self) { try asAck.execute(write) }
      #expect(other?.sqlState == "42501")
    }
    let states = try fixture.owner.execute("SELECT site, state, acked_by FROM alerts ORDER BY site").rows.map {
      "\(try $0.string(0)) \(try $0.string(1)) \($0.optionalString(2) ?? "-")"
    }
    #expect(states == ["dalat open -", "hongxuan acked lan", "hongxuan2 open -"])
  }

  @Test func revokeTakesAccessAwayAndListShowsWhoMaySeeWhat() throws {
    let fixture = try CooperativeFixture()
    _ = try Self.access(
      ["grant", fixture.roleA, "--site", "hongxuan", "--site", "hongxuan2", "--ack"], db: fixture.url)
    _ = try Self.access(["grant", fixture.roleB, "--site", "dalat"], db: fixture.url)
    let listed = try Self.access(["list"], db: fixture.url)
    #expect(listed.status == 0)
    let rows = listed.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
    #expect(
      rows.map { $0.map(String.init) } == [
        ["ROLE", "SITE", "MAY"], [fixture.roleA, "hongxuan", "read,", "ack"],
        [fixture.roleA, "hongxuan2", "read,", "ack"],
        [fixture.roleB, "dalat", "read"],
      ])

    let one = try Self.access(["revoke", fixture.roleA, "--site", "hongxuan2"], db: fixture.url)
    #expect(one.status == 0 && one.stdout == "\(fixture.roleA) may no longer see hongxuan2\n")
    let asA = try PostgresConnection(url: fixture.url(as: fixture.roleA))
    #expect(try asA.execute("SELECT DISTINCT site FROM sources").rows.map { try $0.string(0) } == ["hongxuan"])
    let all = try Self.access(["revoke", fixture.roleA], db: fixture.url)
    #expect(all.status == 0, "\(all.stderr)")
    let afterwards = try PostgresConnection(url: fixture.url(as: fixture.roleA))
    // Out of coldtrace_reader: no privilege on the tables at all any more.
    let refused = #expect(throws: PostgresError.self) { try afterwards.execute("SELECT count(*) FROM readings") }
    #expect(refused?.sqlState == "42501")
    #expect(
      try SiteAccess.list(on: fixture.owner) == [SiteAccess.Grant(role: fixture.roleB, site: "dalat", canAck: false)])
  }

  @Test func badInputIsOneLineAndExitStatusTwo() throws {
    let fixture = try CooperativeFixture()
    let sqlitePath = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace.db").path
    let cases: [([String], String, String)] = [
      (["grant", fixture.roleA, "--site", "nosuchsite"], fixture.url, "no site nosuchsite in the database"),
      (["grant", "nosuchrole", "--site", "hongxuan"], fixture.url, "no role nosuchrole in the server"),
      (["grant", fixture.roleA], fixture.url, "grant needs at least one --site"),
      (["list"], sqlitePath, "access works on PostgreSQL only"),
      (["revoke", fixture.roleA], fixture.url, "had no access to any site"),
      (["list"], "postgres://u:pw@127.0.0.1:1/x?nosuchoption=1", "bad database URL postgres://u:***@"),
    ]
    for (arguments, db, message) in cases {
      let result = try Self.access(arguments, db: db)
      #expect(result.status == 2, "\(arguments): \(result)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
    }
    #expect(try SiteAccess.list(on: fixture.owner).isEmpty)
  }
}
