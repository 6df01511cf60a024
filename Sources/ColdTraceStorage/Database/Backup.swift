import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#endif

/// A path a backup or a restore cannot use (it exists already, its directory is missing or not writable, it cannot be
/// read): the operator's input is wrong, not the database (exit status 2).
public struct UnusablePath: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

extension SQLiteStore {
  /// The directory `coldtrace backup` writes to when given no file: `backups/` next to the database
  /// (`/var/lib/coldtrace/backups` for the installed collector), which the service user owns.
  public static func defaultBackupDirectory(forDatabase database: String) -> String {
    URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("backups").path
  }

  /// Copies the whole database, consistently, to a new file at `path` while the collector keeps writing (SQLite's
  /// online backup). The copy is written under a temporary name beside `path`, given the database's mode without
  /// any bit for others (and, as root, its owner), fsynced, checked with `PRAGMA integrity_check`, and only then
  /// linked to `path`, which never overwrites a file: an interrupted backup leaves no half copy under the real name.
  /// Restore with `coldtrace restore` (`DatabaseRestore`).
  public func backup(to path: String) throws -> (readings: Int, bytes: Int) {
    if FileManager.default.fileExists(atPath: path) {
      throw UnusablePath("\(path) already exists; a backup never overwrites a file")
    }
    if let problem = FileAccess.cannotCreate(path) { throw UnusablePath(problem) }
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw UnusablePath("cannot write \(path): \(FileAccess.reason(errno))") }
    var linked = false
    defer {
      if !linked { unlink(temporary) }
      unlink(temporary + "-journal")
    }
    do {
      defer { close(fd) }
      let like = FileAccess.ownership(of: self.path) ?? (0o640, getuid(), getgid())
      try FileAccess.copyOwnership(to: fd, path: path, like: like)
    }
    let readings = try copyAndCheck(into: temporary, naming: path)
    guard link(temporary, path) == 0 else {
      if errno == EEXIST { throw UnusablePath("\(path) already exists; a backup never overwrites a file") }
      throw StoreError("cannot write \(path): \(FileAccess.reason(errno))")
    }
    linked = true
    unlink(temporary)
    FileAccess.syncDirectory(of: path)
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    return (readings, bytes)
  }

  /// SQLite's online backup into the (empty) file `temporary`, synced; returns the copy's readings.
  private func copyAndCheck(into temporary: String, naming path: String) throws -> Int {
    do {
      var configuration = Configuration()
      configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
      let destination = try DatabaseQueue(path: temporary, configuration: configuration)
      try queue.backup(to: destination)
      let check = try destination.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
      guard check == "ok" else {
        throw StoreError("the backup at \(path) fails its integrity check: \(check ?? "?")")
      }
      let readings = try destination.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM readings") } ?? 0
      try destination.close()
      return readings
    } catch let error as DatabaseError {
      throw StoreError("cannot write \(path): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
    }
  }
}
