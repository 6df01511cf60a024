import ColdTraceCore
import ColdTracePostgres
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace alerts`, `readings` and `ack` on PostgreSQL (the real binary, `--db postgres://…` or `$COLDTRACE_DB`):
/// the same output as on SQLite for the same rows, each cooperative's own login role shown and let acknowledge only its
/// own sites (row-level security and `coldtrace_acknowledge`), and the commands that do not work there yet refused
/// (`status`: StatusOnPostgresTests).
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct ShellCommandsOnPostgresTests {
  static func coldtrace(_ arguments: [String], _ db: String?, environment: [String: String]? = nil) throws
    -> (status: Int32, stdout: String, stderr: String)
  {
    try ShellStoreFixture.coldtrace(arguments, db: db, environment: environment)
  }

  /// In a database that sorts text by locale (ICU `en-US`, where `_` sorts before `-`), so the order is SQLite's only
  /// because the queries ask for byte order.
  @Test func alertsAndReadingsPrintTheSameOnPostgresAsOnSQLite() throws {
    let fixture = try ShellStoreFixture(icuLocale: "en-US")
    defer { fixture.remove() }
    #expect(try fixture.owner.execute("SELECT 'cold1_b' < 'cold1-a'").rows[0].bool(0), "the locale's order")
    let queries: [[String]] = [
      ["alerts"], ["alerts", "--json"], ["alerts", "--site", "hongxuan", "--utc"], ["alerts", "--lot", "lot-dalat"],
      ["alerts", "--state", "resolved", "--json"], ["alerts", "--severity", "critical", "--room", "cold1", "--json"],
      ["alerts", "--since", "2026-12-01T00:02:30Z", "--json"], ["alerts", "--until", "2026-12-01T00:01:30Z", "--json"],
      ["readings"], ["readings", "--format", "csv"], ["readings", "--site", "dalat", "--sensor", "cold1_b"],
      ["readings", "--since", "2026-12-01T00:01:00Z", "--until", "2026-12-01T00:02:00Z", "--format", "csv"],
      ["readings", "--room", "cold1", "--site", "hongxuan2"],
    ]
    for query in queries {
      let onSQLite = try Self.coldtrace(query, fixture.sqlitePath)
      let onPostgres = try Self.coldtrace(query, fixture.url)
      #expect(onSQLite.status == 0 && onPostgres.status == 0, "\(query): \(onSQLite.stderr) \(onPostgres.stderr)")
      #expect(onPostgres.stdout.split(separator: "\n").count >= 2, "\(query) shows rows: \(onPostgres.stdout)")
      #expect(onPostgres.stdout == onSQLite.stdout, "\(query)")
    }
    // Nothing matches the same way too.
    let none = try Self.coldtrace(["alerts", "--site", "nowhere"], fixture.url)
    #expect(none.stdout == "no alerts match\n")
  }

  @Test func aCooperativesOwnRoleSeesOnlyItsOwnSites() throws {
    let fixture = try ShellStoreFixture()
    defer { fixture.remove() }
    try grant(fixture)
    // A through $COLDTRACE_DB, B through --db: each sees exactly SQLite's lines of its own sites, in order.
    let asA = ["COLDTRACE_DB": fixture.url(as: fixture.roleA)]
    let ofA = { (line: Substring) in
      line.hasPrefix("site,") || line.hasPrefix("hongxuan,") || line.hasPrefix("hongxuan2,")
        || line.contains("\"site\":\"hongxuan\"") || line.contains("\"site\":\"hongxuan2\"")
    }
    for query in [["alerts", "--json"], ["readings", "--format", "csv"], ["readings"]] {
      let seen = try Self.coldtrace(query, nil, environment: asA)
      #expect(seen.status == 0, "\(seen.stderr)")
      let everything = try Self.coldtrace(query, fixture.sqlitePath).stdout.split(separator: "\n")
      #expect(everything.contains { !ofA($0) }, "SQLite has rows of B")
      #expect(seen.stdout.split(separator: "\n") == everything.filter(ofA), "\(query)")
      #expect(!seen.stdout.contains("dalat"), "\(query): A sees none of B's rows")
    }
    // B through the config's `db`.
    let config = fixture.directory.appendingPathComponent("collector.toml")
    try "db = \"\(fixture.url(as: fixture.roleB))\"\n".write(to: config, atomically: true, encoding: .utf8)
    let asB = try Self.coldtrace(["alerts", "--json", "--config", config.path], nil)
    #expect(asB.status == 0, "\(asB.stderr)")
    let sitesOfB = Set(asB.stdout.split(separator: "\n").compactMap { AlertMessage.decode(String($0))?.alert.site })
    #expect(sitesOfB == ["dalat"])
    let askedForB = try Self.coldtrace(["readings", "--site", "dalat"], fixture.url(as: fixture.roleA))
    #expect(askedForB.status == 0 && askedForB.stdout.isEmpty)
    // A role granted nothing reads nothing, and is told so in one line.
    _ = try Self.coldtrace(["access", "revoke", fixture.roleB], fixture.url)
    let revoked = try Self.coldtrace(["alerts"], fixture.url(as: fixture.roleB))
    #expect(revoked.status == 2 && revoked.stdout.isEmpty)
    #expect(
      revoked.stderr
        == "coldtrace: role \(fixture.roleB) may not read this ColdTrace database: no site was granted to it (coldtrace access grant)\n"
    )
  }

  @Test func ackIsJournaledAndOnlyForTheSitesARoleMayAcknowledge() throws {
    let fixture = try ShellStoreFixture()
    defer { fixture.remove() }
    try grant(fixture)
    let asA = fixture.url(as: fixture.roleA)
    let linesBefore = try journalLines(fixture)

    // B's alert, and an id that does not exist: the same one line, exit 2, nothing changed.
    for id in [try fixture.openAlert(of: "dalat"), 999] {
      let refused = try Self.coldtrace(["ack", "\(id)", "--by", "lan"], asA)
      #expect(refused.status == 2 && refused.stderr == "coldtrace: no alert with id \(id)\n", "\(refused)")
    }
    // A site A may only read; a read-only role.
    let readOnly = try Self.coldtrace(["ack", "\(try fixture.openAlert(of: "hongxuan2"))", "--by", "lan"], asA)
    #expect(readOnly.status == 2)
    #expect(
      readOnly.stderr == "coldtrace: role \(fixture.roleA) may read but not acknowledge the alerts of site hongxuan2\n")
    let asB = try Self.coldtrace(
      ["ack", "\(try fixture.openAlert(of: "dalat"))", "--by", "hoa"], fixture.url(as: fixture.roleB))
    #expect(asB.status == 2 && asB.stderr.hasPrefix("coldtrace: role \(fixture.roleB) may not acknowledge alerts"))
    #expect(asB.stderr.split(separator: "\n").count == 1)
    // No direct update is left to a cooperative: every acknowledgement is journaled.
    let direct = #expect(throws: PostgresError.self) {
      try PostgresConnection(url: asA).execute("UPDATE alerts SET acked_by = 'x' WHERE site = 'hongxuan'")
    }
    #expect(direct?.sqlState == "42501")
    #expect(try journalLines(fixture) == linesBefore)
    let untouched = try fixture.owner.execute("SELECT count(*) FROM alerts WHERE acked_ms IS NOT NULL").rows[0]
    #expect(try untouched.int64(0) == 0)

    // A's own alert: acknowledged, and its line appended to the slot's chain, which verifies.
    let id = try fixture.openAlert(of: "hongxuan")
    let note = "cửa đóng, \"kiểm tra\" lại\ttrái cây"
    let acked = try Self.coldtrace(["ack", "\(id)", "--by", "lan", "--note", note], asA)
    #expect(acked.status == 0, "\(acked.stderr)")
    #expect(acked.stdout == "alert \(id) acknowledged by lan (acked)\n")
    #expect(try PostgresJournal.verify(chain: 0, on: fixture.owner) == linesBefore.count + 1)
    let line = try #require(try journalLines(fixture).last)

    // The same acknowledgement on SQLite: the same line but for the chain, the event's id and the time.
    let onSQLite = try Self.coldtrace(["ack", "\(id)", "--by", "lan", "--note", note], fixture.sqlitePath)
    #expect(onSQLite.stdout == acked.stdout)
    let sqliteLine = try #require(try SQLiteStore(path: fixture.sqlitePath).journalLines(after: 0).last?.line)
    let postgres = try #require(AlertMessage.decode(line))
    #expect(postgres.encode() == line, "the line is what AlertMessage writes, byte for byte")
    var sqlite = try #require(AlertMessage.decode(sqliteLine))
    #expect(postgres.event == "acked" && postgres.alert.ackedBy == "lan" && postgres.alert.note == note)
    #expect(postgres.alert.peak == 12.125 && postgres.alert.limit == 10.5 && postgres.alert.lots == ["lot-hongxuan"])
    sqlite.prev = postgres.prev
    sqlite.eventID = postgres.eventID
    sqlite.at = postgres.at
    sqlite.alert.ackedAt = postgres.alert.ackedAt
    #expect(sqlite.encode() == line)
    #expect(postgres.at == postgres.alert.ackedAt)
    // The owner (the role that ran the migrations) may acknowledge any site's alert; B still sees it acknowledged.
    let byOwner = try Self.coldtrace(["ack", "\(try fixture.openAlert(of: "dalat"))", "--by", "hoa"], fixture.url)
    #expect(byOwner.status == 0, "\(byOwner.stderr)")
    #expect(try PostgresJournal.verify(chain: 0, on: fixture.owner) == linesBefore.count + 2)
    let seenByB = try Self.coldtrace(["alerts", "--state", "acked", "--json"], fixture.url(as: fixture.roleB))
    #expect(seenByB.stdout.contains("\"acked_by\":\"hoa\"") && seenByB.stdout.split(separator: "\n").count == 1)
    let listed = try Self.coldtrace(["alerts", "--state", "acked", "--json"], asA)
    #expect(listed.stdout.contains("\"acked_by\":\"lan\"") && listed.stdout.split(separator: "\n").count == 1)
  }

  /// The ack line is built in SQL: its numbers, times and strings are written as JSONText and RFC 3339 write them.
  @Test func theAckLinesFieldsAreWrittenInSQLAsSwiftWritesThem() throws {
    let connection = try PostgresConnection(url: try PostgresClusterScope.freshDatabase())
    let numbers: [Double] = [
      0, -0.0, 8, -18.5, 0.1 + 0.2, 12.125, 1e-6, 1.5e-5, 9.99e-7, 1e-7, 123_456_789.123, 1e15, 1e20, 1e21, 1.5e22,
      .leastNonzeroMagnitude, .greatestFiniteMagnitude, -2.5e-8, .nan, .infinity,
    ]
    for number in numbers {
      let sql = try connection.execute("SELECT coldtrace_json_number($1::float8)", [.double(number)]).rows[0]
      #expect(try sql.string(0) == JSONText.number(number), "\(number)")
    }
    for milliseconds: Int64 in [0, 1_796_083_200_123, -1, 253_402_300_799_999, 951_782_400_000] {
      let sql = try connection.execute("SELECT coldtrace_json_time($1)", [.int(milliseconds)]).rows[0]
      #expect(try sql.string(0) == "\"" + Timestamp(milliseconds: milliseconds).rfc3339 + "\"", "\(milliseconds)")
    }
    for text in ["plain", "quote \" backslash \\ tab \t nl \n cr \r", "\u{1}\u{1f}\u{7f}", "tiếng Việt 🍈 °C"] {
      let sql = try connection.execute("SELECT coldtrace_json_text($1)", [.text(text)]).rows[0]
      #expect(try sql.string(0) == JSONText.quoted(text), "\(text.debugDescription)")
    }
    #expect(
      try connection.execute("SELECT coldtrace_json_text(NULL), coldtrace_json_time(NULL)").rows[0].values == [
        "null", "null",
      ])
  }

  @Test func commandsThatDoNotWorkOnPostgresYetSaySoInOneLine() throws {
    let url = try PostgresClusterScope.freshDatabase()
    for (arguments, name) in [
      (["lot", "list"], "lot list"), (["report", "LT-1"], "report"),
      (["backup"], "backup"), (["collect"], "collect"), (["alerts", "--follow"], "alerts --follow"),
    ] {
      let refused = try Self.coldtrace(arguments, url)
      #expect(refused.status == 2, "\(arguments): \(refused)")
      #expect(
        refused.stderr.hasPrefix("coldtrace: \(name) does not work on a PostgreSQL database yet (issue 20)"),
        "\(arguments): \(refused.stderr)")
      #expect(refused.stderr.split(separator: "\n").count == 1)
    }
    let viaEnvironment = try Self.coldtrace(["lot", "list"], nil, environment: ["COLDTRACE_DB": url])
    #expect(viaEnvironment.status == 2 && viaEnvironment.stderr.contains("lot list does not work on a PostgreSQL"))
    let journal = try Self.coldtrace(["ack", "1", "--by", "lan", "--journal", "/tmp/j.jsonl"], url)
    #expect(journal.status == 2 && journal.stderr.contains("--journal is for an SQLite database"))
    let badURL = try Self.coldtrace(["alerts"], "postgres://u:pw@127.0.0.1/x?nosuchoption=1")
    #expect(badURL.status == 2 && !badURL.stderr.contains("pw@") && badURL.stderr.contains("bad database URL"))
  }

  private func grant(_ fixture: ShellStoreFixture) throws {
    for arguments in [
      ["grant", fixture.roleA, "--site", "hongxuan", "--ack"], ["grant", fixture.roleA, "--site", "hongxuan2"],
      ["grant", fixture.roleB, "--site", "dalat"],
    ] {
      let granted = try Self.coldtrace(["access"] + arguments, fixture.url)
      #expect(granted.status == 0, "\(granted.stderr)")
    }
  }

  private func journalLines(_ fixture: ShellStoreFixture) throws -> [String] {
    try fixture.owner.execute("SELECT line FROM journal_lines ORDER BY chain, id").rows.map { try $0.string(0) }
  }
}
