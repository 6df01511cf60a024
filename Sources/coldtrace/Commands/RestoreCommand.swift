import ArgumentParser
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct RestoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Put a backup in the database's place (the collector stopped), keeping the alert journal verifiable.",
    discussion: """
      Refuses while a collector runs on the database: stop it first (sudo systemctl stop coldtrace-collector).
      Checks the backup (a ColdTrace database that passes SQLite's integrity check), keeps the replaced database as
      <db>.before-restore-<time>, moves the journal lines written after the backup to
      <journal>.set-aside-<time>, and appends a `restored` line saying so; `coldtrace journal verify` passes and
      shows it. Lists, per probe, the samples the agents were told were stored after the backup: they are lost.
      Example: sudo -u coldtrace coldtrace restore /var/lib/coldtrace/backups/coldtrace-20261207T020000Z.db \\
                 --config /etc/coldtrace/collector.toml
      """
  )

  @OptionGroup var global: GlobalOptions
  @Option(help: ArgumentHelp("Alert journal file (else the config's, else <db>.alerts.jsonl).", valueName: "path"))
  var journal: String?
  @Argument(help: "The backup to restore (made by `coldtrace backup`).") var file: String

  func run() throws {
    guard !file.isEmpty else { throw UsageError("the backup file name is empty") }
    let settings = try global.settings()
    let database = try global.databasePath(settings)
    let journalPath = journal ?? settings.journal ?? AlertJournal.defaultPath(forDatabase: database)
    let outcome: Result<RestoreReport, CollectorLock.Holders>
    do {
      outcome = try DatabaseRestore.restore(
        backup: file, database: database, journal: journalPath, now: WallClock.now())
    } catch let error as UnusablePath {
      throw UsageError(error.description)
    }
    switch outcome {
    case .failure(let holders):
      let pids = holders.processes.isEmpty ? "" : " (pid \(holders.processes.map(String.init).joined(separator: ", ")))"
      throw UsageError(
        "a collector is running on \(database)\(pids); nothing was changed. Stop it first "
          + "(sudo systemctl stop coldtrace-collector), run this restore again, then start it "
          + "(sudo systemctl start coldtrace-collector)")
    case .success(let report):
      print(Self.text(report), terminator: "")
    }
  }

  static func text(_ report: RestoreReport) -> String {
    var text = "restored \(report.database) from \(report.backup) "
    text +=
      "(integrity ok, \(report.backupSummary.readings) readings, journal event \(report.backupSummary.journalHead))\n"
    if let replaced = report.replacedDatabase {
      text += "the database it replaced is kept as \(replaced) (delete it once you are satisfied)\n"
    }
    if let setAside = report.setAside {
      let range = [setAside.firstEventID, setAside.lastEventID].compactMap { $0.map(String.init) }
      text += "journal: \(setAside.lines) lines written after the backup (events \(range.joined(separator: "–"))) "
      text += "set aside in \(setAside.file)\n"
    }
    text += "journal: event \(report.eventID) records this restore in \(report.journal); `coldtrace journal verify` "
    text += "passes\n"
    switch report.gaps {
    case nil:
      text += "the replaced database could not be read: which acknowledged samples were lost is unknown\n"
    case let gaps? where gaps.isEmpty:
      text += "no sample the agents were told was stored is missing from the restored database\n"
    case let gaps?:
      text += "lost: samples acknowledged to the agents after the backup was made (they have dropped them):\n"
      for gap in gaps {
        let agent = gap.probe.agent.map { " (agent \($0)\(gap.probe.incarnation.map { ", inc \($0)" } ?? ""))" } ?? ""
        text += "  \(gap.probe.site)/\(gap.probe.sensor)\(agent): acknowledged up to \(gap.probe.watermark), "
        text += "restored up to \(gap.restored): \(gap.lost) samples\n"
      }
      text += "the agents need nothing: their next readings carry a floor above what they dropped, and the "
      text += "collector's watermark passes the gap\n"
    }
    if report.notificationsSettled > 0 {
      text += "notifications: \(report.notificationsSettled) pending in the backup were already sent after it; "
      text += "they are not sent again\n"
    }
    text += "start the collector: sudo systemctl start coldtrace-collector\n"
    return text
  }
}
