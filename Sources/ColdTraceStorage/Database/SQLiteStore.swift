import ColdTraceCore
import Foundation
import GRDB

/// ColdTrace's SQLite database (WAL mode), used by the collector to write and by the shell commands to read.
///
/// Durability: every write transaction commits with `synchronous=FULL`, so a committed reading survives a killed
/// process and a power cut. A writer that cannot commit throws and changes nothing (SQLite's transactions).
public final class SQLiteStore: Sendable {
  public let path: String
  let queue: DatabaseQueue

  /// Opens and migrates the database at `path`; creates it only when `create` is true (the collector), so a shell
  /// command pointed at a wrong path says so instead of showing an empty database.
  public init(path: String, create: Bool = true) throws {
    self.path = path
    if !create && !FileManager.default.fileExists(atPath: path) {
      throw StoreError("no database at \(path) (run `coldtrace collect` or `coldtrace demo` first, or pass --db)")
    }
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA journal_mode = WAL")
      try db.execute(sql: "PRAGMA synchronous = FULL")
    }
    do {
      queue = try DatabaseQueue(path: path, configuration: configuration)
      try Schema.migrator.migrate(queue)
    } catch let error as DatabaseError {
      throw StoreError("cannot open database \(path): \(error.message ?? error.description)")
    }
  }

  /// Runs `body` in one write transaction: all of it is committed, or none of it.
  public func write<T>(_ body: (IngestTransaction) throws -> T) throws -> T {
    try queue.write { db in try body(IngestTransaction(db: db)) }
  }

  /// Runs `body` with a consistent read-only view of the database.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    try queue.read(body)
  }
}
