import ColdTraceCore
import ColdTraceStorage
import Logging

/// Hands on what a commit produced: every journal line to the alert journal file (as committed, without reading it
/// back), and each alert event to the log and to the alert topic of its room. Notifications need nothing from here:
/// the transaction that recorded an event queued it in the outbox, which each channel's `NotificationHook` delivers.
/// The database is the source of truth: a line the file misses is written at the next gap or start
/// (`JournalAppender`).
final class AlertFanOut: Sendable {
  let appender: JournalAppender
  let connection: BrokerConnection
  let logger: Logger

  init(appender: JournalAppender, connection: BrokerConnection, logger: Logger) {
    self.appender = appender
    self.connection = connection
    self.logger = logger
  }

  /// Writes every line the file is missing (at start); logs how many.
  func catchUpJournal() throws {
    let appended = try appender.catchUp()
    if !appended.isEmpty {
      let path = appender.journal.path
      logger.notice("alert journal caught up", metadata: ["lines": "\(appended.count)", "path": "\(path)"])
    }
  }

  /// Catches the journal file up only if lines were left unwritten (another writer held its lock).
  func catchUpJournalIfBehind() {
    do {
      try appender.catchUpIfBehind()
    } catch {
      logger.error("alert journal: \(error) (the database has the lines; the next catch-up writes them)")
    }
  }

  func emit(_ committed: CommittedEvents) {
    guard !committed.journal.isEmpty else { return }
    do {
      try appender.append(committed.journal)
    } catch {
      logger.error("alert journal: \(error) (the database has the events; the next start writes them)")
    }
    for alert in committed.alerts {
      let key = alert.key
      logger.notice("alert: \(alert.line)")
      // A silenced event is on record and on the topic (dashboards mark it), but was queued for no channel: the
      // collector announces the alert when its silence ends, if it is still open.
      connection.publish(topic: Topics.alert(site: key.site, room: key.room), payload: Array(alert.line.utf8))
    }
  }
}
