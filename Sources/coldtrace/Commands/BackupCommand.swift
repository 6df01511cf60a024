import ArgumentParser
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct BackupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Copy the database to a new file while the collector runs (online backup, integrity-checked).",
    discussion: """
      Restore: stop the collector, replace the database with the copy (delete its -wal and -shm files), start it.
      The alert journal needs no backup of its own: its lines are in the database, and its hash chain stays
      verifiable across rotated files (`coldtrace journal verify`).
      Example: coldtrace backup /var/backups/coldtrace-$(date +%F).db
      """
  )

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The new file to write (never overwritten).") var file: String

  func run() throws {
    guard !file.isEmpty else { throw UsageError("the backup file name is empty") }
    let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw UsageError("cannot back up to \(file): directory \(directory) does not exist")
    }
    let store = try global.openStore()
    do {
      let copy = try store.backup(to: file)
      print("backed up \(copy.readings) readings to \(file) (\(copy.bytes) bytes, integrity ok)")
    } catch let error as StoreError where error.description.contains("already exists") {
      throw UsageError(error.description)
    }
  }
}
