import ColdTraceCore
import GRDB

/// What one `coldtrace restore` did, as its `restored` journal line and its output say.
public struct RestoreReport: Sendable {
  public let database: String
  public let backup: String
  public let backupSummary: BackupSummary
  /// Where the database that was replaced now is (`nil`: there was none).
  public let replacedDatabase: String?
  public let journal: String
  /// The `restored` line's `event_id`.
  public let eventID: Int64
  public let setAside: JournalSetAside?
  /// Per probe, samples acknowledged to its agent after the backup was made; `nil` when the replaced database
  /// could not be read, so nobody can say.
  public let gaps: [WatermarkGap]?
  /// Notifications still pending in the backup that the replaced database had already sent (or settled): marked so
  /// in the restored one, not sent again.
  public let notificationsSettled: Int
  public let by: String

  /// One sentence for the journal line and the log.
  public var message: String {
    var text = "database restored from backup \(backup) (journal event \(backupSummary.journalHead))"
    if let setAside {
      text += "; \(setAside.lines) journal lines written after the backup set aside in \(setAside.file)"
    }
    switch gaps {
    case nil: text += "; the replaced database could not be read, so samples lost with it are unknown"
    case let gaps? where gaps.isEmpty: text += "; no acknowledged sample was lost"
    case let gaps?:
      let lost = gaps.reduce(Int64(0)) { $0 + $1.lost }
      text += "; \(lost) samples of \(gaps.count) probes were acknowledged after the backup and are lost"
    }
    return text
  }
}

extension WriteTransaction {
  /// The `restored` journal line, chained to the restored database's last line (docs/protocol.md, journal lines).
  func recordRestore(_ report: (Int64) -> RestoreReport, at: Timestamp) throws -> (eventID: Int64, line: String) {
    try appendJournalLine(event: "restored", alertID: nil, lotID: nil, at: at) { id in
      let report = report(id)
      return JournalFields.line(event: "restored", eventID: id, at: at) { json in
        json.string("backup", report.backup)
        json.string("database", report.database)
        json.string("replaced_database", report.replacedDatabase)
        json.integer("restored_event_id", report.backupSummary.journalHead)
        json.object("set_aside", report.setAside) { json, setAside in
          json.string("file", setAside.file)
          json.integer("lines", setAside.lines)
          json.integer("first_event_id", setAside.firstEventID)
          json.integer("last_event_id", setAside.lastEventID)
          json.string("head", setAside.head)
        }
        if let gaps = report.gaps {
          json.objects("lost", gaps) { json, gap in
            json.string("site", gap.probe.site)
            json.string("sensor", gap.probe.sensor)
            json.string("agent", gap.probe.agent)
            json.string("inc", gap.probe.incarnation)
            json.integer("acknowledged", gap.probe.watermark)
            json.integer("restored", gap.restored)
            json.integer("samples", gap.lost)
          }
        } else {
          json.raw("lost", "null")
        }
        json.integer("notifications_settled", report.notificationsSettled)
        json.string("by", report.by)
        json.string("message", report.message)
      }
    }
  }
}
