import ColdTracePostgres
import Foundation
import TestSupport
import Testing

/// What a cooperative's role, or someone who can write in the schema, cannot do; and `journal verify` on a live
/// database: on a real PostgreSQL 15.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct PostgresHardeningTests {
  /// A chain's lines and head are read in one snapshot: an acknowledgement committed from another connection between
  /// the two reads is not taken for "the newest lines were changed or removed".
  @Test func verifyIsNotFooledByAnAckCommittedBetweenItsReads() throws {
    let fixture = try ShellStoreFixture()
    defer { fixture.remove() }
    let granted = try ShellStoreFixture.coldtrace(
      ["access", "grant", fixture.roleA, "--site", "hongxuan", "--ack"], db: fixture.url)
    #expect(granted.status == 0, "\(granted.stderr)")
    let id = try fixture.openAlert(of: "hongxuan")
    // Slot 0's chain, with a line already (an earlier acknowledgement).
    let earlier = try fixture.openAlert(of: "hongxuan2")
    try fixture.owner.execute("SELECT * FROM coldtrace_acknowledge($1, 'lan', NULL)", [.int(earlier)])
    let before = try PostgresJournalChains.verifyAll(on: fixture.owner)
    #expect(before.first { $0.chain == 0 }?.lines == 1, "\(before)")
    let cooperative = try PostgresConnection(url: fixture.url(as: fixture.roleA))
    let verifier = try PostgresConnection(url: fixture.url)
    var acked = false
    let checked = try PostgresJournalChains.verifyAll(on: verifier) { chain in
      guard chain == 0, !acked else { return }
      try cooperative.execute("SELECT * FROM coldtrace_acknowledge($1, 'lan', NULL)", [.int(id)])
      acked = true
    }
    #expect(acked)
    #expect(checked == before, "the chains as they stood when verify began")
    let after = try PostgresJournalChains.verifyAll(on: verifier)
    #expect(after.first { $0.chain == 0 }?.lines == 2)
    #expect(try PostgresJournal.verify(chain: 0, on: verifier) { try cooperative.execute("SELECT 1") } == 2)

    // A cooperative's role may not read the chains' heads: one line, exit 2.
    let refused = try ShellStoreFixture.coldtrace(["journal", "verify"], db: fixture.url(as: fixture.roleA))
    #expect(refused.status == 2, "\(refused)")
    #expect(refused.stderr.hasPrefix("coldtrace: journal verify on PostgreSQL needs the tables' owner"))
    #expect(refused.stderr.split(separator: "\n").count == 1)
  }

  /// Every table a cooperative may read filters its rows: a table granted to `coldtrace_reader` without row-level
  /// security would show every cooperative's rows. The schema's version table is the one exception (no site data);
  /// `site_access` has a policy of its own.
  @Test func everyTableGrantedToReadersHasRowLevelSecurity() throws {
    let connection = try PostgresConnection(url: try PostgresClusterScope.freshDatabase())
    let granted = try connection.execute(
      """
      SELECT DISTINCT g.table_name, c.relrowsecurity FROM information_schema.role_table_grants g
        JOIN pg_namespace n ON n.nspname = g.table_schema
        JOIN pg_class c ON c.relname = g.table_name AND c.relnamespace = n.oid
      WHERE g.grantee = 'coldtrace_reader' AND g.table_schema = current_schema() ORDER BY 1
      """
    ).rows.map { (table: try $0.string(0), protected: try $0.bool(1)) }
    #expect(granted.count >= 8, "\(granted)")
    let unprotected = granted.filter { !$0.protected }.map(\.table)
    #expect(unprotected.allSatisfy { $0 == "coldtrace_migrations" }, "granted to readers without RLS: \(unprotected)")
    #expect(granted.contains { $0.table == "site_access" && $0.protected })
  }

  /// The cooperative is its login role, in the policies as in `coldtrace_acknowledge`: a login role that SETs ROLE to
  /// a cooperative's role sees no alert of its sites and acknowledges none.
  @Test func theLoginRoleIsTheCooperativeInThePoliciesAndInAck() throws {
    let fixture = try ShellStoreFixture()
    defer { fixture.remove() }
    let granted = try ShellStoreFixture.coldtrace(
      ["access", "grant", fixture.roleA, "--site", "hongxuan", "--ack"], db: fixture.url)
    #expect(granted.status == 0, "\(granted.stderr)")
    let id = try fixture.openAlert(of: "hongxuan")
    let policies = try fixture.owner.execute(
      """
      SELECT count(*) FILTER (WHERE qual LIKE '%CURRENT_USER%' OR with_check LIKE '%CURRENT_USER%'),
        count(*) FILTER (WHERE qual LIKE '%SESSION_USER%') FROM pg_policies WHERE schemaname = current_schema()
      """
    ).rows[0]
    #expect(try policies.int64(0) == 0 && policies.int64(1) >= 8, "\(policies.values)")

    let stand = "stand_in_\(fixture.roleA)"
    try fixture.owner.execute("CREATE ROLE \(stand) LOGIN PASSWORD 'secret-\(stand)' IN ROLE \(fixture.roleA)")
    let standIn = try PostgresConnection(url: fixture.url(as: stand) + "?options=-c%20role%3D\(fixture.roleA)")
    #expect(try standIn.execute("SELECT current_user").rows[0].string(0) == fixture.roleA)
    #expect(try standIn.execute("SELECT count(*) FROM alerts").rows[0].int64(0) == 0)
    let refused = #expect(throws: PostgresError.self) {
      try standIn.execute("SELECT * FROM coldtrace_acknowledge($1, 'lan', NULL)", [.int(id)])
    }
    #expect(refused?.sqlState == "CT404")

    let asA = try PostgresConnection(url: fixture.url(as: fixture.roleA))
    #expect(try asA.execute("SELECT count(*) FROM alerts").rows[0].int64(0) > 0)
    let acked = try asA.execute("SELECT state FROM coldtrace_acknowledge($1, 'lan', NULL)", [.int(id)])
    #expect(try acked.rows[0].string(0) == "acked")
  }

  /// Where anyone may create in the schema and the migrating role cannot take that back (public owned by the
  /// superuser, who granted CREATE to PUBLIC: a database upgraded from PostgreSQL 14), migration 5 is refused with a
  /// line saying how to fix it, rather than leaving the acknowledgement function open to a planted operator.
  @Test func setupRefusesASchemaWhereAnyoneMayCreateAndTheOwnerCannotTakeItBack() throws {
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let superuser = try PostgresConnection(url: url)
    let owner = "owner_\(UUID().uuidString.prefix(8).lowercased())"
    try superuser.execute("CREATE ROLE \(owner) LOGIN PASSWORD 'secret-\(owner)'")
    for group in ["coldtrace_reader", "coldtrace_ack"] {
      try superuser.execute(
        "DO $do$ BEGIN CREATE ROLE \(group) NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $do$")
    }
    try superuser.execute("ALTER SCHEMA public OWNER TO CURRENT_USER")
    try superuser.execute("GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC")
    let asOwner = try PostgresConnection(
      url: url.replacingOccurrences(of: "coldtrace@", with: "\(owner):secret-\(owner)@"))
    #expect {
      try PostgresSchema.migrate(asOwner)
    } throws: { error in
      "\(error)".contains("anyone may create in schema public") && !"\(error)".contains("\n")
    }
    #expect(try PostgresSchema.version(asOwner) == 4, "migrations 1-4 applied, 5 refused")
    #expect(try superuser.execute("SELECT has_schema_privilege('public', 'public', 'CREATE')").rows[0].bool(0))
  }

  /// Nobody but the schema's owner may create in it after `database setup`, even where PUBLIC could before (a
  /// database upgraded from PostgreSQL 14), so no one can put an operator in the way of the SECURITY DEFINER function.
  @Test func setupTakesCreateOnTheSchemaFromPublic() throws {
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let connection = try PostgresConnection(url: url)
    try connection.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    #expect(try connection.execute("SELECT has_schema_privilege('public', 'public', 'CREATE')").rows[0].bool(0))
    try PostgresSchema.migrate(connection)
    let role = "someone_\(UUID().uuidString.prefix(8).lowercased())"
    try connection.execute("CREATE ROLE \(role) LOGIN")
    #expect(
      try connection.execute("SELECT has_schema_privilege($1, 'public', 'CREATE')", [.text(role)]).rows[0].bool(0)
        == false)
  }
}

extension PostgresHardeningTests {
  /// The commands that work on PostgreSQL, said the same way by `--help`, `--db`'s help, a refusal and the sample
  /// configuration.
  @Test func theCommandsThatWorkOnPostgresAreOneList() throws {
    let list = "alerts, readings, ack, status, access, migrate, journal verify and database"
    let help = try ShellStoreFixture.coldtrace(["--help"], db: nil)
    let unwrapped = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(unwrapped.contains("PostgreSQL database (\(list) so far)"), "\(help.stdout)")
    let dbHelp = try ShellStoreFixture.coldtrace(["alerts", "--help"], db: nil)
    #expect(dbHelp.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("URL (\(list))"))
    let refused = try ShellStoreFixture.coldtrace(["lot", "list"], db: "postgres://coldtrace@127.0.0.1:1/none")
    #expect(refused.status == 2 && refused.stderr.contains("only \(list) do"), "\(refused)")
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let sample = try String(contentsOf: repository.appendingPathComponent("deploy/collector.toml"), encoding: .utf8)
    let words = sample.replacingOccurrences(of: "\n# ", with: " ")
    #expect(words.contains("\(list) only so far"))
  }
}

extension PostgresHardeningTests {
  /// Operators that match the acknowledgement's operands more exactly than pg_catalog's, put in the schema (by its
  /// owner here: `PUBLIC` may not create there), are not called: every operand's type is spelled out.
  @Test func anOperatorPutInTheSchemaIsNotCalledByTheAckFunction() throws {
    let fixture = try ShellStoreFixture()
    defer { fixture.remove() }
    let traps: [(left: String, operator: String, right: String, result: String)] = [
      ("text", "||", "bigint", "text"), ("text", "||", "integer", "text"), ("bigint", "*", "interval", "interval"),
      ("numeric", "*", "integer", "numeric"), ("double precision", "=", "integer", "boolean"),
      ("double precision", ">=", "numeric", "boolean"), ("double precision", "<", "numeric", "boolean"),
    ]
    for (index, trap) in traps.enumerated() {
      try fixture.owner.executeScript(
        """
        CREATE FUNCTION operator_trap_\(index)(\(trap.left), \(trap.right)) RETURNS \(trap.result)
          LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'operator trap \(index) called'; END $$;
        CREATE OPERATOR public.\(trap.operator) (LEFTARG = \(trap.left), RIGHTARG = \(trap.right),
          FUNCTION = operator_trap_\(index));
        """)
    }
    let granted = try ShellStoreFixture.coldtrace(
      ["access", "grant", fixture.roleA, "--site", "hongxuan", "--ack"], db: fixture.url)
    #expect(granted.status == 0, "\(granted.stderr)")
    let id = try fixture.openAlert(of: "hongxuan")
    let asA = try PostgresConnection(url: fixture.url(as: fixture.roleA))
    let acked = try asA.execute("SELECT event_id, line FROM coldtrace_acknowledge($1, 'lan', 'ok')", [.int(id)])
    let line = try acked.rows[0].string(1)
    #expect(line.contains(",\"event_id\":\(try acked.rows[0].int64(0)),") && line.contains(",\"id\":\(id),"))
    #expect(try PostgresJournal.verify(chain: 0, on: fixture.owner) == 1)
  }
}
