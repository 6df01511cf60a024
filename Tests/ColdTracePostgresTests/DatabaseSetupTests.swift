import ColdTracePostgres
import Foundation
import TestSupport
import Testing

/// What `deploy/install.sh --database` does inside PostgreSQL, on a real cluster: the owner role and database
/// (deploy/postgresql/owner.sql, run by psql as the superuser, as the script runs it), the schema applied by that
/// owner with the real `coldtrace database setup`, and a cooperative granted by it with `coldtrace access` (the owner
/// is no superuser and has no CREATEROLE: ADMIN OPTION on the two group roles is enough). Also `database status` and
/// the bad input both commands refuse.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct DatabaseSetupTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let ownerScript = repository.appendingPathComponent("deploy/postgresql/owner.sql").path
  static let psql = URL(fileURLWithPath: "/usr/bin/psql")

  /// `coldtrace ARGUMENTS…`, with no $COLDTRACE_DB of the test run's.
  static func coldtrace(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(Executables.product("coldtrace"), arguments, environment: ["COLDTRACE_DB": ""])
  }

  /// owner.sql as the cluster's superuser, as install-database.sh runs it (the SQL on standard input there, a file
  /// here: the same statements).
  static func makeOwner(_ owner: String, database: String) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(
      psql,
      [
        try PostgresClusterScope.current.url(), "-X", "-q", "-v", "owner=\(owner)", "-v", "database=\(database)",
        "-f", ownerScript,
      ])
  }

  /// A role and database name of this test's own (roles belong to the whole cluster).
  static func names() -> (owner: String, database: String) {
    let suffix = UUID().uuidString.prefix(8).lowercased()
    return ("ct_owner_\(suffix)", "ct_db_\(suffix)")
  }

  static func ownerURL(_ owner: String, _ database: String) throws -> String {
    "postgres://\(owner)@127.0.0.1:\(try PostgresClusterScope.current.port)/\(database)"
  }

  @Test func theOwnerRoleAndDatabaseAreMadeOnceAndTheOwnerIsNoSuperuser() throws {
    let (owner, database) = Self.names()
    let first = try Self.makeOwner(owner, database: database)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.hasPrefix("made role \(owner) (LOGIN)\n"), "\(first.stdout)")
    #expect(
      first.stdout.hasSuffix(
        "granted coldtrace_reader, coldtrace_ack to \(owner) WITH ADMIN OPTION\n"
          + "made database \(database) (owner \(owner), UTF8)\n"), "\(first.stdout)")
    let again = try Self.makeOwner(owner, database: database)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout == "keep role \(owner) (exists)\nkeep database \(database) (exists, owned by \(owner))\n")

    let superuser = try PostgresConnection(url: try PostgresClusterScope.current.url())
    let role = try superuser.execute(
      """
      SELECT rolcanlogin, rolcreaterole, rolsuper, rolcreatedb, rolreplication, rolbypassrls, pg_get_userbyid(datdba),
        pg_encoding_to_char(encoding)
      FROM pg_roles, pg_database WHERE rolname = $1 AND datname = $2
      """, [.text(owner), .text(database)]
    ).rows[0]
    #expect(role.values == ["t", "f", "f", "f", "f", "f", owner, "UTF8"])

    // A role that was given too much is put back; someone else's database of that name is not taken over.
    try superuser.execute("ALTER ROLE \(owner) SUPERUSER CREATEROLE")
    try superuser.execute("CREATE DATABASE \(database)_other")
    let corrected = try Self.makeOwner(owner, database: database)
    #expect(corrected.stdout.contains("set role \(owner) to LOGIN NOSUPERUSER NOCREATEROLE"), "\(corrected)")
    let rights = try superuser.execute(
      "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = $1", [.text(owner)]
    ).rows[0]
    #expect(rights.values == ["f", "f"])
    let taken = try Self.makeOwner(owner, database: "\(database)_other")
    #expect(taken.status != 0)
    #expect(taken.stderr.contains("database \(database)_other exists and belongs to coldtrace, not to \(owner)"))
  }

  @Test func theOwnerSetsUpTheSchemaOnceAndGrantsACooperative() throws {
    let (owner, database) = Self.names()
    #expect(try Self.makeOwner(owner, database: database).status == 0)
    let url = try Self.ownerURL(owner, database)
    let newest = PostgresSchema.migrations.last!.version
    let names = PostgresSchema.migrations.map { "\($0.version) \($0.name)" }.joined(separator: ", ")

    let setup = try Self.coldtrace(["database", "setup", "--db", url])
    #expect(setup.status == 0, "\(setup.stderr)")
    #expect(setup.stdout == "\(url): applied migration \(names); schema version \(newest)\n")
    let again = try Self.coldtrace(["database", "setup", "--db", url])
    #expect(again.stdout == "\(url): schema version \(newest), up to date; nothing applied\n", "\(again.stderr)")

    // The owner owns every table it made, so it writes every site (row-level security does not apply to it).
    let asOwner = try PostgresConnection(url: url)
    let foreign = try asOwner.execute(
      "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> $1", [.text(owner)])
    #expect(try foreign.rows[0].int64(0) == 0)
    try asOwner.executeScript(CooperativeFixture.rows(sites: ["hongxuan"]))

    // The owner cannot make roles nor take the server's: no CREATEROLE (before PostgreSQL 16 it could grant itself
    // pg_execute_server_program and run shell commands as the postgres OS user).
    for statement in [
      "GRANT pg_execute_server_program TO \(owner)", "GRANT pg_read_server_files TO \(owner)",
      "CREATE ROLE \(owner)_made LOGIN",
    ] {
      let refused = #expect(throws: PostgresError.self, "\(statement)") { try asOwner.execute(statement) }
      #expect(refused?.sqlState == "42501", "\(statement): \(String(describing: refused))")
    }

    // The superuser makes a cooperative's login; the owner grants it its site and takes it back (ADMIN OPTION).
    let cooperative = "coop_\(owner)"
    try PostgresConnection(url: try PostgresClusterScope.current.url()).execute("CREATE ROLE \(cooperative) LOGIN")
    let granted = try Self.coldtrace(["access", "grant", cooperative, "--site", "hongxuan", "--ack", "--db", url])
    #expect(granted.status == 0, "\(granted.stderr)")
    let asCooperative = try PostgresConnection(url: url.replacingOccurrences(of: "\(owner)@", with: "\(cooperative)@"))
    #expect(try asCooperative.execute("SELECT count(*) FROM readings").rows[0].int64(0) == 6)
    let member = "SELECT pg_has_role($1, 'coldtrace_reader', 'MEMBER'), pg_has_role($1, 'coldtrace_ack', 'MEMBER')"
    #expect(try asOwner.execute(member, [.text(cooperative)]).rows[0].values == ["t", "t"])
    let revoked = try Self.coldtrace(["access", "revoke", cooperative, "--db", url])
    #expect(revoked.status == 0, "\(revoked.stderr)")
    #expect(try asOwner.execute(member, [.text(cooperative)]).rows[0].values == ["f", "f"])
    let regranted = try Self.coldtrace(["access", "grant", cooperative, "--site", "hongxuan", "--db", url])
    #expect(regranted.status == 0, "\(regranted.stderr)")

    let status = try Self.coldtrace(["database", "status", "--db", url])
    #expect(status.status == 0, "\(status.stderr)")
    #expect(status.stdout.contains("ColdTrace schema version \(newest) (this coldtrace knows \(newest))"))
    #expect(status.stdout.contains("cooperative-access") && !status.stdout.contains("not yet"), "\(status.stdout)")
    #expect(status.stdout.contains("synchronous_commit = on") && status.stdout.contains("fsync = on"))
    #expect(status.stdout.contains("no standby is connected"))
  }

  @Test func aDatabaseWithoutTheSchemaIsNamedAndSetupIsThePointer() throws {
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let status = try Self.coldtrace(["database", "status", "--db", url])
    #expect(status.stdout.contains("schema version 0") && status.stdout.contains("not yet"), "\(status)")
    let access = try Self.coldtrace(["access", "list", "--db", url])
    #expect(access.status == 2)
    #expect(access.stderr.contains("schema version 0, not 3 or later: run `coldtrace database setup` on it first"))

    // A schema newer than this coldtrace: setup refuses to touch it.
    let connection = try PostgresConnection(url: url)
    try PostgresSchema.migrate(connection)
    try connection.execute("INSERT INTO coldtrace_migrations (version, name) VALUES (999, 'from-the-future')")
    let newer = try Self.coldtrace(["database", "setup", "--db", url])
    #expect(newer.status == 1)
    #expect(newer.stderr.contains("schema version 999, newer than this coldtrace knows"), "\(newer.stderr)")
  }

  @Test func badInputIsOneLineAndExitTwo() throws {
    let refused: [([String], String)] = [
      (["database", "setup"], "database setup needs --db postgres://"),
      (["database", "setup", "--db", "/var/lib/coldtrace/coldtrace.db"], "database setup works on PostgreSQL only"),
      (["database", "status", "--db", "coldtrace.db"], "database status works on PostgreSQL only"),
      (["database", "setup", "--db", "postgres://u:secret@h/db?nosuchoption=1"], "bad database URL"),
    ]
    for (arguments, message) in refused {
      let result = try Self.coldtrace(arguments)
      #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1 && !result.stderr.contains("secret"))
    }
    let unreachable = try Self.coldtrace(["database", "setup", "--db", "postgres://coldtrace@127.0.0.1:1/none"])
    #expect(unreachable.status == 1 && unreachable.stderr.contains("cannot connect"), "\(unreachable.stderr)")
  }
}
