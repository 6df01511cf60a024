import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct BackupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Copy the database to a new file while the collector runs (online backup, integrity-checked).",
    discussion: """
      Run it as the service user (sudo -u coldtrace coldtrace backup --config /etc/coldtrace/collector.toml).
      Without FILE the copy goes to --directory, by default backups/ next to the database
      (/var/lib/coldtrace/backups for the installed collector), as coldtrace-<UTC time>.db. The copy has the
      database's mode (0640), never a bit for others, and never overwrites a file.
      Restore with `coldtrace restore FILE` (the collector stopped).
      """
  )

  @OptionGroup var global: GlobalOptions
  @Option(
    help: ArgumentHelp(
      "Directory for a copy named coldtrace-<UTC time>.db (default: backups/ next to the database; made if missing).",
      valueName: "dir"))
  var directory: String?
  @Argument(help: "The new file to write (never overwritten); default: a new file in --directory.") var file: String?

  func run() throws {
    let databasePath = try global.databasePath(try global.settings())
    let target = try targetFile(databasePath: databasePath)
    if FileManager.default.fileExists(atPath: databasePath), let problem = FileAccess.cannotRead(databasePath) {
      throw UsageError("\(problem); run the backup as the service user (sudo -u coldtrace coldtrace backup)")
    }
    let store = try global.openStore()
    do {
      let copy = try store.backup(to: target)
      print("backed up \(copy.readings) readings to \(target) (\(copy.bytes) bytes, integrity ok)")
    } catch let error as UnusablePath {
      throw UsageError(error.description)
    }
  }

  /// FILE, or a new name in --directory (made 0750 when it is the default one and missing).
  private func targetFile(databasePath: String) throws -> String {
    if let file {
      guard !file.isEmpty, directory == nil else {
        throw UsageError(file.isEmpty ? "the backup file name is empty" : "give FILE or --directory, not both")
      }
      return file
    }
    let folder = directory ?? SQLiteStore.defaultBackupDirectory(forDatabase: databasePath)
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
      guard directory == nil else { throw UsageError("cannot back up into \(folder): it does not exist") }
      guard mkdir(folder, 0o750) == 0 else {
        throw UsageError("cannot make the backup directory \(folder): \(FileAccess.reason(errno))")
      }
      // Made by root: give it to the database's owner, so the service user's own backups can go there too.
      if geteuid() == 0, let owner = FileAccess.ownership(of: databasePath) { chown(folder, owner.uid, owner.gid) }
    } else if !isDirectory.boolValue {
      throw UsageError("cannot back up into \(folder): it is not a directory")
    }
    let stamp = WallClock.now().rfc3339.prefix(19).filter { $0 != "-" && $0 != ":" }
    return URL(fileURLWithPath: folder).appendingPathComponent("coldtrace-\(stamp)Z.db").path
  }
}
