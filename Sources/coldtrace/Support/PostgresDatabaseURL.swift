import ColdTracePostgres
import ColdTraceSystem
import Foundation

/// The database of a command that works on PostgreSQL only (`access`, `database`): `--db`, else `$COLDTRACE_DB`,
/// checked to be a `postgres://` URL libpq can parse (`DatabaseLocation`). A missing URL, an SQLite path or a bad URL
/// is bad usage (exit 2).
func postgresDatabaseURL(_ db: String?, command: String) throws -> PostgresURL {
  let environment = ProcessInfo.processInfo.environment["COLDTRACE_DB"].flatMap { $0.isEmpty ? nil : $0 }
  guard let text = db ?? environment else {
    throw UsageError("\(command) needs --db postgres://USER@HOST:PORT/DATABASE (or $COLDTRACE_DB)")
  }
  guard case .postgres(let url) = try DatabaseLocation.parse(text) else {
    throw UsageError("\(command) works on PostgreSQL only: --db must be a postgres:// URL, not \(text)")
  }
  return url
}
