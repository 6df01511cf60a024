import ArgumentParser
import ColdTracePostgres
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct AckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ack",
    abstract: "Acknowledge an alert: who saw it, and what they did.",
    discussion: "Example: coldtrace ack 42 --by lan --note \"door closed, fruit checked\""
  )

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The alert's id, from `coldtrace alerts`.") var alertID: Int64
  @Option(help: "Who acknowledges it.") var by: String
  @Option(help: "What was done.") var note: String?
  @Option(help: ArgumentHelp("Alert journal file (else the config's, else <db>.alerts.jsonl).", valueName: "path"))
  var journal: String?

  func run() throws {
    guard !by.trimmingCharacters(in: .whitespaces).isEmpty, by.count <= 128,
      !by.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      throw UsageError("--by must name a person (1–128 characters, no control characters)")
    }
    if let note, note.count > 2000 { throw UsageError("--note is longer than 2000 characters") }
    if case .postgres = try global.databaseLocation(try global.settings()) { return try acknowledgeOnPostgres() }
    let store = try global.openStore()
    guard try store.alert(id: alertID) != nil else { throw UsageError("no alert with id \(alertID)") }
    let settings = try global.settings()
    let journalPath = journal ?? settings.journal ?? AlertJournal.defaultPath(forDatabase: store.path)
    try Self.checkJournalPath(journalPath)
    let result = try store.write { tx in
      try tx.acknowledge(alertID: alertID, by: by, note: note, at: WallClock.now())
    }
    do {
      try AlertJournal(path: journalPath).catchUp(from: store)
    } catch {
      // The acknowledgement is stored; the collector writes the journal line at its next catch-up.
      StandardError.write("coldtrace: warning: \(error); the journal will catch up later\n")
    }
    print("alert \(alertID) acknowledged by \(by) (\(result.alert.state.rawValue))")
  }

  /// On PostgreSQL the database checks this login role may acknowledge the alert's site and writes the journal line
  /// to its chain in the same transaction (`coldtrace_acknowledge`); there is no journal file to catch up.
  private func acknowledgeOnPostgres() throws {
    if journal != nil {
      throw UsageError("--journal is for an SQLite database: on PostgreSQL the journal line is stored in the database")
    }
    guard
      case .postgres(let connection) = try global.openShellStore(schemaVersion: PostgresAcknowledgement.schemaVersion)
    else { return }
    let recorded: PostgresAcknowledgement.Recorded
    do {
      recorded = try PostgresAcknowledgement.acknowledge(alertID: alertID, by: by, note: note, on: connection)
    } catch let refusal as AcknowledgementRefusal {
      throw UsageError(refusal.description)
    }
    print("alert \(alertID) acknowledged by \(by) (\(recorded.state.rawValue))")
  }

  /// Refuses, before anything is stored, a journal path that can never be written: a directory, or a file in a
  /// directory that does not exist. (A journal that fails later, e.g. a full disk, catches up at the next run.)
  static func checkJournalPath(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard !isDirectory.boolValue else { throw UsageError("journal \(path) is a directory, not a file") }
      return
    }
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw UsageError("journal \(path): directory \(parent) does not exist")
    }
  }
}
