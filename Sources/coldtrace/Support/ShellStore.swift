import ArgumentParser
import ColdTraceCollector
import ColdTraceCore
import ColdTracePostgres
import ColdTraceStorage
import ColdTraceSystem

/// Which store `--db` (else `$COLDTRACE_DB`, else the config's `db`) names: a `postgres://` or `postgresql://` URL is
/// a PostgreSQL database, anything else the path of an SQLite file.
enum DatabaseLocation {
  case sqlite(path: String)
  case postgres(PostgresURL)

  /// The commands that work on a PostgreSQL database so far (issue 20): the one list `--db`'s help, `coldtrace
  /// --help` and the refusals print (deploy/collector.toml and docs/postgresql.md say it in words).
  static let postgresCommands = "alerts, readings, ack, status, access, migrate, journal verify and database"

  static func isPostgres(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
  }

  /// `text` as a location; a PostgreSQL URL libpq cannot parse is bad usage.
  static func parse(_ text: String) throws -> DatabaseLocation {
    guard isPostgres(text) else { return .sqlite(path: text) }
    do {
      return .postgres(try PostgresURL(text))
    } catch {
      throw UsageError("\(error)")
    }
  }

  /// The one-line refusal of a command that does not work on PostgreSQL yet, naming it (`lot add`, `status`).
  static func notOnPostgres(_ what: String? = nil) -> UsageError {
    UsageError(
      "\(what ?? CommandPath.current()) does not work on a PostgreSQL database yet (issue 20): only "
        + "\(postgresCommands) do; give --db the SQLite database's path")
  }
}

/// The store a shell command reads: an SQLite file, or a PostgreSQL database through the login role in its URL
/// (row-level security shows that role its own sites only).
enum ShellStore {
  case sqlite(SQLiteStore)
  case postgres(PostgresConnection)

  /// Alerts matching `filter`, oldest first, one query text on either store (`AlertListing`).
  func forEachAlert(_ filter: AlertFilter, _ body: (AlertRecord) throws -> Void) throws {
    switch self {
    case .sqlite(let store): try store.forEachAlert(filter, body)
    case .postgres(let connection): try AlertListing.forEach(filter, on: connection, body)
    }
  }

  /// Readings matching `filter`, oldest first (`ReadingListing`), each in the room its probe hung in at its time (the
  /// room history, on PostgreSQL since schema version 4; a probe without one in its current room).
  func readings(_ filter: ReadingFilter) throws -> [StoredReading] {
    switch self {
    case .sqlite(let store): try store.readings(filter)
    case .postgres(let connection): try ReadingListing.readings(filter, on: connection, roomHistory: true)
    }
  }

  /// Where each probe is mounted: the agents' announcements overridden by the config's.
  func placements(overriddenBy settings: CollectorConfigFile) throws -> [ProbeKey: Placement] {
    switch self {
    case .sqlite(let store): try store.placements(overriddenBy: settings)
    case .postgres(let connection):
      try StatusListing.announcedPlacements(on: connection).merging(settings.placements) { _, override in override }
    }
  }
}

extension GlobalOptions {
  func databaseLocation(_ settings: CollectorConfigFile) throws -> DatabaseLocation {
    try DatabaseLocation.parse(databaseText(settings))
  }

  /// The store of a command that works on both: the SQLite file as `openStore` opens it, or a connection to the
  /// PostgreSQL database, checked to have at least `schemaVersion` (3: the cooperatives' access rules).
  func openShellStore(schemaVersion: Int = 3) throws -> ShellStore {
    let settings = try settings()
    guard case .postgres(let url) = try databaseLocation(settings) else { return .sqlite(try openStore()) }
    let connection = try PostgresConnection(url: url.text, applicationName: "coldtrace \(CommandPath.current())")
    let version: Int
    do {
      version = try PostgresSchema.version(connection)
    } catch let error as PostgresError where error.sqlState == "42501" {
      let role = (try? connection.execute("SELECT session_user").rows[0].string(0)) ?? "this role"
      throw UsageError(
        "role \(role) may not read this ColdTrace database: no site was granted to it (coldtrace access grant)")
    }
    guard version >= schemaVersion else {
      throw UsageError(
        "\(url) has ColdTrace schema version \(version), not \(schemaVersion) or later: migrate it first")
    }
    return .postgres(connection)
  }
}

/// The subcommand being run, as typed (`lot add`), for messages.
enum CommandPath {
  static func current() -> String {
    var names: [String] = []
    var command: any ParsableCommand.Type = ColdTraceCommand.self
    for argument in CommandLine.arguments.dropFirst() {
      guard
        let subcommand = command.configuration.subcommands.first(where: {
          $0.configuration.commandName == argument
        })
      else { break }
      names.append(argument)
      command = subcommand
    }
    return names.isEmpty ? "this command" : names.joined(separator: " ")
  }
}
