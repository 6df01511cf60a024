import ColdTraceCore
import ColdTraceSystem
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `coldtrace restore FILE`: puts a backup in the database's place with the collector stopped, keeps the database it
/// replaces, makes the alert journal agree with the restored database and records, per probe, the samples the agents
/// were told were stored after the backup was made (docs/operations.md, "Backup and restore").
///
/// Order, so an interruption at any point leaves something a second run repairs: check the backup; take the
/// collector's lock; copy the backup beside the database under a temporary name (synced); move the database (and its
/// write-ahead log) aside; rename the copy into place; open it (migrations run); under the journal's lock, set the
/// journal lines the restored database lacks aside, commit the `restored` line, write the file's missing lines.
public enum DatabaseRestore {
  public static func restore(
    backup: String, database: String, journal: String, now: Timestamp
  ) throws -> Result<RestoreReport, CollectorLock.Holders> {
    let backup = URL(fileURLWithPath: backup).standardizedFileURL.path
    let database = URL(fileURLWithPath: database).standardizedFileURL.path
    guard backup != database else { throw UnusablePath("\(backup) is the database itself; give a backup file") }
    let summary = try RestoreChecks.inspect(backup: backup)
    for path in [database, journal] {
      if let problem = FileAccess.cannotCreate(path) { throw UnusablePath(problem) }
    }
    let lock: CollectorLock
    switch try CollectorLock.takeForRestore(database: database) {
    case .failure(let holders): return .failure(holders)
    case .success(let taken): lock = taken
    }
    defer { withExtendedLifetime(lock) {} }

    let replacedState = RestoreChecks.replacedDatabase(at: database)
    let directoryOwner = FileAccess.ownership(of: URL(fileURLWithPath: database).deletingLastPathComponent().path)
    let owner =
      FileAccess.ownership(of: database) ?? (0o640, directoryOwner?.uid ?? getuid(), directoryOwner?.gid ?? getgid())
    let stamp = Self.stamp(now)
    // The files a restore keeps never replace a former restore's: checked before anything changes.
    for kept in ["\(database).before-restore-\(stamp)", "\(journal).set-aside-\(stamp)"]
    where FileManager.default.fileExists(atPath: kept) {
      throw UnusablePath("\(kept) exists (a restore in the same millisecond?); run the restore again")
    }
    let copy = "\(database).restoring-\(getpid())"
    try copyFile(backup, to: copy, owner: owner)
    var replaced: String? = nil
    if FileManager.default.fileExists(atPath: database) {
      let aside = "\(database).before-restore-\(stamp)"
      try move(database, to: aside)
      if FileManager.default.fileExists(atPath: database + "-wal") { try move(database + "-wal", to: aside + "-wal") }
      unlink(database + "-shm")
      replaced = aside
    }
    try move(copy, to: database)
    FileAccess.syncDirectory(of: database)

    let store = try SQLiteStore(path: database, create: false)
    let gaps = replacedState.map { replaced in
      RestoreChecks.gaps(
        acknowledged: replaced.watermarks, restored: (try? store.read { try RestoreChecks.watermarks($0) }) ?? [])
    }
    let notificationsSettled = try store.write { transaction in
      try RestoreChecks.settle(replacedState?.settledNotifications ?? [], in: transaction.db)
    }
    let journalFile = AlertJournal(path: journal)
    let journalExisted = FileManager.default.fileExists(atPath: journal)
    let report = try journalFile.withLockedFile(wait: true) { fd -> RestoreReport in
      if !journalExisted { try FileAccess.copyOwnership(to: fd, path: journal, like: (0o640, owner.uid, owner.gid)) }
      let plan = try RestoreJournal.reconcile(
        fd: fd, journal: journal, store: store, restoredHead: summary.journalHead, stamp: stamp,
        owner: FileAccess.ownership(of: journal) ?? owner)
      let report = { (eventID: Int64) in
        RestoreReport(
          database: database, backup: backup, backupSummary: summary, replacedDatabase: replaced, journal: journal,
          eventID: eventID, setAside: plan.setAside, gaps: gaps, notificationsSettled: notificationsSettled,
          by: FileAccess.userName)
      }
      let recorded = try store.write { try $0.recordRestore(report, at: now) }
      let lines = try store.journalLines(after: plan.appendAfter).map { JournalLine(eventID: $0.id, line: $0.line) }
      try journalFile.write(lines, to: fd)
      return report(recorded.eventID)
    }
    return .success(report!)
  }

  /// `20261207T153000.123Z`: the moment of the restore, to the millisecond, in the names of the files it keeps.
  static func stamp(_ now: Timestamp) -> String {
    let text = now.rfc3339  // 2026-12-07T15:30:00.123Z
    return String(text.prefix(23).filter { $0 != "-" && $0 != ":" }) + "Z"
  }

  private static func move(_ from: String, to: String) throws {
    guard rename(from, to) == 0 else {
      throw StoreError("cannot move \(from) to \(to): \(FileAccess.reason(errno))")
    }
  }

  /// Copies `source` to the new file `target` (synced), with `owner`'s mode less the bits for others.
  private static func copyFile(_ source: String, to target: String, owner: (mode: mode_t, uid: uid_t, gid: gid_t))
    throws
  {
    let input = open(source, O_RDONLY | O_CLOEXEC)
    guard input >= 0 else { throw UnusablePath("cannot read \(source): \(FileAccess.reason(errno))") }
    defer { close(input) }
    let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard output >= 0 else { throw UnusablePath("cannot write \(target): \(FileAccess.reason(errno))") }
    var done = false
    defer {
      close(output)
      if !done { unlink(target) }
    }
    try FileAccess.copyOwnership(to: output, path: target, like: owner)
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { throw StoreError("cannot read \(source): \(FileAccess.reason(errno))") }
      if got == 0 { break }
      do {
        try DurableFile.writeAll(Array(buffer[..<got]), to: output, path: target)
      } catch {
        throw StoreError("cannot write \(target): \(error)")
      }
    }
    guard fsync(output) == 0 else { throw StoreError("cannot sync \(target): \(FileAccess.reason(errno))") }
    done = true
  }
}
