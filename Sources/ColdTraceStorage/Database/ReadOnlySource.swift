import Foundation
import GRDB

extension SQLiteStore {
  /// Opens the database at `path` read-only, for copying it elsewhere (`coldtrace migrate`): nothing is migrated or
  /// written. Throws a one-line `StoreError` when there is no file, it is no ColdTrace database, or its schema is not
  /// this version's (run any `coldtrace` command that writes, or the collector, on it once first).
  ///
  /// A `read` of the queue is one SQLite read transaction: in WAL mode it sees the database as it was when it began,
  /// while a collector may go on writing.
  public static func openReadOnly(path: String) throws -> DatabaseQueue {
    guard FileManager.default.fileExists(atPath: path) else { throw StoreError("no database at \(path)") }
    var configuration = Configuration()
    configuration.readonly = true
    configuration.busyMode = .timeout(busyTimeoutSeconds)
    let queue: DatabaseQueue
    let current: Bool
    do {
      queue = try DatabaseQueue(path: path, configuration: configuration)
      current = try queue.read { db in
        guard try db.tableExists("grdb_migrations") else { return false }
        return try Schema.migrator.hasCompletedMigrations(db)
      }
    } catch let error as DatabaseError {
      throw StoreError("cannot read database \(path): \(error.message ?? error.description)")
    }
    guard current else {
      throw StoreError(
        "\(path) is no ColdTrace database of this version's schema (run this version's collector on it once first)")
    }
    return queue
  }
}
