/// ColdTrace's PostgreSQL schema, as numbered migrations recorded in `coldtrace_migrations` (docs/postgresql.md).
///
/// It mirrors the SQLite tables and their guarantees (Sources/ColdTraceStorage/Database/Schema.swift): times are
/// integer milliseconds since the epoch (UTC), temperature and humidity integers in milli-units, and a reading without a
/// sequence number stores `seq` = -1. What differs is said where it differs: monthly reading partitions, the collector
/// slots and the per-slot journal chains.
public enum PostgresSchema {
  public struct Migration: Sendable {
    public let version: Int
    public let name: String
    let sql: String
  }

  /// Every migration, in order. A migration is never edited once released: a change is a new one.
  public static let migrations: [Migration] = [
    Migration(version: 1, name: "core", sql: PostgresCoreTables.sql),
    Migration(version: 2, name: "partitions-and-fencing", sql: PostgresFunctions.sql),
    Migration(version: 3, name: "cooperative-access", sql: PostgresSiteAccess.sql),
    Migration(version: 4, name: "sqlite-tables", sql: PostgresSQLiteTables.sql),
    Migration(version: 5, name: "ack-function", sql: PostgresAckFunction.sql),
  ]

  /// The advisory lock (`pg_advisory_xact_lock`) migrating processes take, so two collectors starting at once apply
  /// each migration once.
  static let migrationLock: Int64 = 0x436F_6C64_5472_6163  // "ColdTrac"

  /// Applies the migrations the database lacks, each in its own transaction with its version row; returns the
  /// versions applied (none when the database is current).
  @discardableResult
  public static func migrate(_ connection: PostgresConnection) throws -> [Int] {
    try connection.executeScript(
      """
      CREATE TABLE IF NOT EXISTS coldtrace_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )
      """)
    var applied: [Int] = []
    for migration in migrations {
      let done = try connection.transaction {
        try connection.execute("SELECT pg_advisory_xact_lock($1)", [.int(migrationLock)])
        let present = try connection.execute(
          "SELECT 1 FROM coldtrace_migrations WHERE version = $1", [.int(migration.version)])
        guard present.rows.isEmpty else { return false }
        try connection.executeScript(migration.sql)
        try connection.execute(
          "INSERT INTO coldtrace_migrations (version, name) VALUES ($1, $2)",
          [.int(migration.version), .text(migration.name)])
        return true
      }
      if done { applied.append(migration.version) }
    }
    return applied
  }

  /// The highest migration applied, 0 for a database without ColdTrace's tables.
  public static func version(_ connection: PostgresConnection) throws -> Int {
    let exists = try connection.execute("SELECT to_regclass('coldtrace_migrations') IS NOT NULL")
    guard try exists.rows[0].bool(0) else { return 0 }
    return Int(try connection.execute("SELECT COALESCE(MAX(version), 0) FROM coldtrace_migrations").rows[0].int64(0))
  }
}
