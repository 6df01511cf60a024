import ArgumentParser
import ColdTracePostgres
import ColdTraceSystem

/// `coldtrace database`: a PostgreSQL database's ColdTrace schema (docs/postgresql.md). An SQLite database needs no
/// setup: `coldtrace collect` makes and migrates its file itself.
struct DatabaseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "database",
    abstract: "Set up a PostgreSQL database for ColdTrace (its schema), and show its schema and durability settings.",
    discussion: """
      PostgreSQL only. deploy/install.sh --database makes the database and its owner role and runs `setup`.

      Examples:
        coldtrace database setup --db 'postgres:///coldtrace?host=/run/postgresql'
        coldtrace database status --db postgres://coldtrace@db.example/coldtrace
      """,
    subcommands: [DatabaseSetupCommand.self, DatabaseStatusCommand.self]
  )
}

/// `--db` for `database`: a PostgreSQL URL, connected to.
struct DatabaseURLOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "PostgreSQL database URL (else $COLDTRACE_DB): postgres://USER@HOST:PORT/DATABASE.", valueName: "url"))
  var db: String?

  func connect(command: String) throws -> (PostgresURL, PostgresConnection) {
    let url = try postgresDatabaseURL(db, command: command)
    return (url, try PostgresConnection(url: url.text, applicationName: "coldtrace \(command)"))
  }
}

/// A database whose schema is newer than this program's migrations: setting it up could only go wrong.
struct SchemaTooNew: Error, CustomStringConvertible {
  let url: PostgresURL
  let version: Int
  var description: String {
    "\(url) has ColdTrace schema version \(version), newer than this coldtrace knows "
      + "(\(PostgresSchema.newestVersion)): upgrade coldtrace on this machine first"
  }
}

extension PostgresSchema {
  static var newestVersion: Int { migrations.last?.version ?? 0 }

  /// "2 partitions-and-fencing" for each version, in order.
  static func named(_ versions: [Int]) -> String {
    versions.map { version in
      "\(version) \(migrations.first { $0.version == version }?.name ?? "?")"
    }.joined(separator: ", ")
  }
}

struct DatabaseSetupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "setup",
    abstract: "Apply ColdTrace's schema migrations the database lacks (safe to run again: it then applies nothing).",
    discussion: """
      Run it as the role that is to own the tables (the collector's; deploy/install.sh --database makes it): a \
      table's owner writes every site, cooperatives' roles see theirs only.

      Example: sudo -u coldtrace coldtrace database setup --db 'postgres:///coldtrace?host=/run/postgresql'
      """
  )

  @OptionGroup var database: DatabaseURLOption

  func run() throws {
    let (url, connection) = try database.connect(command: "database setup")
    let before = try PostgresSchema.version(connection)
    guard before <= PostgresSchema.newestVersion else { throw SchemaTooNew(url: url, version: before) }
    let applied = try PostgresSchema.migrate(connection)
    let version = try PostgresSchema.version(connection)
    if applied.isEmpty {
      print("\(url): schema version \(version), up to date; nothing applied")
    } else {
      print("\(url): applied migration \(PostgresSchema.named(applied)); schema version \(version)")
    }
  }
}

struct DatabaseStatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "The schema version, the migrations applied and missing, and the server's durability settings.",
    discussion: "Example: coldtrace database status --db postgres://coldtrace@db.example/coldtrace"
  )

  /// The settings zero loss depends on (docs/postgresql.md, "Zero loss").
  static let durableSettings = [
    "fsync", "synchronous_commit", "full_page_writes", "wal_level", "synchronous_standby_names", "archive_mode",
  ]

  @OptionGroup var database: DatabaseURLOption

  func run() throws {
    let (url, connection) = try database.connect(command: "database status")
    let version = try PostgresSchema.version(connection)
    var applied: [Int: String] = [:]
    if version > 0 {
      let rows = try connection.execute(
        "SELECT version, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM coldtrace_migrations")
      for row in rows.rows { applied[Int(try row.int64(0))] = try row.string(1) + " UTC" }
    }
    print("\(url): ColdTrace schema version \(version) (this coldtrace knows \(PostgresSchema.newestVersion))")
    var table = TextTable("MIGRATION", "NAME", "APPLIED")
    for migration in PostgresSchema.migrations {
      table.add(String(migration.version), migration.name, applied[migration.version] ?? "not yet")
    }
    print(table.render())
    let server = try connection.execute("SHOW server_version").rows[0].string(0)
    let settings = try Self.durableSettings.map { name in
      "\(name) = \(try connection.execute("SELECT current_setting($1)", [.text(name)]).rows[0].string(0))"
    }
    print("PostgreSQL \(server): \(settings.joined(separator: ", "))")
    let standbys = try connection.execute(
      "SELECT COALESCE(application_name, ''), COALESCE(state, '?'), COALESCE(sync_state, '?') FROM pg_stat_replication")
    for standby in standbys.rows {
      print("standby \(try standby.string(0)): \(try standby.string(1)), \(try standby.string(2))")
    }
    if standbys.rows.isEmpty { print("no standby is connected") }
  }
}
