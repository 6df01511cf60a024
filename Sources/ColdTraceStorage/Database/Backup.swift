import Foundation
import GRDB

extension SQLiteStore {
  /// Copies the whole database, consistently, to a new file at `path` while the collector keeps writing (SQLite's
  /// online backup); the copy is fsynced and then checked with `PRAGMA integrity_check`. Restore: stop the collector,
  /// replace the database file with the copy (removing any `-wal` and `-shm` beside it), start the collector.
  public func backup(to path: String) throws -> (readings: Int, bytes: Int) {
    if FileManager.default.fileExists(atPath: path) {
      throw StoreError("\(path) already exists; a backup never overwrites a file")
    }
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    let destination = try DatabaseQueue(path: path, configuration: configuration)
    try queue.backup(to: destination)
    let check = try destination.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
    guard check == "ok" else { throw StoreError("the backup at \(path) fails its integrity check: \(check ?? "?")") }
    let readings = try destination.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM readings") } ?? 0
    try destination.close()
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    return (readings, bytes)
  }
}
