import ArgumentParser
import ColdTraceCollector
import ColdTraceConfig
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation

/// `--db` and `--config`, shared by every subcommand.
struct GlobalOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "SQLite database, or a postgres:// URL (\(DatabaseLocation.postgresCommands)) (else $COLDTRACE_DB, else the "
        + "config's, else ./coldtrace.db).",
      valueName: "path|url"))
  var db: String?

  @Option(help: ArgumentHelp("Collector configuration file (TOML); optional.", valueName: "path"))
  var config: String?

  /// The configuration file's settings, or the defaults when there is none.
  func settings() throws -> CollectorConfigFile {
    guard let config else { return CollectorConfigFile() }
    return try CollectorConfigFile.load(try ConfigTable(contentsOf: config))
  }

  /// The database named by `--db`, else `$COLDTRACE_DB`, else the config's `db`, else `./coldtrace.db`.
  func databaseText(_ settings: CollectorConfigFile) -> String {
    if let db { return db }
    if let fromEnvironment = ProcessInfo.processInfo.environment["COLDTRACE_DB"], !fromEnvironment.isEmpty {
      return fromEnvironment
    }
    return settings.db ?? "./coldtrace.db"
  }

  /// The SQLite database's path, for the commands that work on SQLite only: a `postgres://` URL is refused in one
  /// line (exit 2), never opened as a file.
  func databasePath(_ settings: CollectorConfigFile) throws -> String {
    let text = databaseText(settings)
    guard !DatabaseLocation.isPostgres(text) else { throw DatabaseLocation.notOnPostgres() }
    return text
  }

  /// Opens the database for the shell commands; only `create` (lot add) may start a new one. Alert messages it
  /// writes (a lot closed, a probe retired) show times in the config's zones, as the collector's do.
  func openStore(create: Bool = false) throws -> SQLiteStore {
    let settings = try settings()
    let path = try databasePath(settings)
    do {
      let store = try SQLiteStore(path: path, create: create)
      store.useTimeZones(settings.timeZones)
      return store
    } catch let error as StoreError {
      throw UsageError(error.description)
    }
  }
}

/// Parses `--since`/`--until` values.
func parseTime(_ text: String?, option: String) throws -> Timestamp? {
  guard let text else { return nil }
  guard let time = TimeSpec.parse(text, now: WallClock.now()) else {
    throw UsageError("\(option) \"\(text)\" is not a time: use 30m, 24h, 7d, an RFC 3339 time or Unix seconds")
  }
  return time
}

/// Validates an id given on the command line.
func validated(_ text: String?, as kind: IdentifierKind, option: String) throws -> String? {
  guard let text else { return nil }
  do {
    try Identifier.validate(text, as: kind)
  } catch {
    throw UsageError("\(option): \(error)")
  }
  return text
}
