import ColdTraceCore
import Foundation
import GRDB
import TestSupport
import Testing

@testable import ColdTraceStorage

/// `DatabaseRestore` on real SQLite files and journal files: what it sets aside, what the new journal holds, and the
/// notifications it does not let the collector send twice.
struct DatabaseRestoreTests {
  private let key = SensorKey(site: "hx", room: "cold2", sensor: "p1")
  private let clock = ManualClock()

  private func event(_ type: AlertEventType) -> AlertEvent {
    AlertEvent(
      type: type, key: key, kind: .tempHigh, severity: .critical, productID: "litchi", at: clock.now(), limit: 8,
      value: 9, peak: 9, message: "m")
  }

  private func verify(_ path: String) throws -> Result<(lines: Int, head: String, torn: [String]), JournalChain.Break> {
    JournalChain.verify(files: [(path, try String(contentsOfFile: path, encoding: .utf8))])
  }

  @Test func notificationsSentAfterTheBackupAreNotSentAgainAndTheJournalFollowsTheRestoredChain() throws {
    let directory = try TemporaryDirectory.make(prefix: "restore-store")
    let database = directory.appendingPathComponent("c.db").path
    let journalPath = directory.appendingPathComponent("c.alerts.jsonl").path
    let journal = AlertJournal(path: journalPath)
    let backup = directory.appendingPathComponent("b.db").path
    // The store is closed before the restore, as the collector is stopped before one.
    do {
      let store = try SQLiteStore(path: database)
      store.useNotificationRouting(NotificationRouting(routes: [NotificationRoute(channel: "sms")], clock: clock))
      _ = try store.write { tx in try tx.apply(event(.opened)) }
      try journal.catchUp(from: store)
      _ = try store.backup(to: backup)
      // After the backup: the SMS goes out, and the alert resolves (one more journal line), then a torn line.
      let sent = try store.notifications(channel: "sms")
      try store.write { tx in try tx.markNotificationsDelivered(sent.map(\.id), channel: "sms", at: clock.now()) }
      clock.advance(seconds: 60)
      _ = try store.write { tx in try tx.apply(event(.resolved)) }
      try journal.catchUp(from: store)
    }
    let handle = try #require(FileHandle(forWritingAtPath: journalPath))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"prev\":\"torn".utf8))
    try handle.close()

    let report = try DatabaseRestore.restore(
      backup: backup, database: database, journal: journalPath, now: clock.now()
    ).get()
    #expect(report.notificationsSettled == 1)
    let restored = try SQLiteStore(path: database, create: false)
    #expect(try restored.notifications(channel: "sms").map(\.state) == ["delivered"])
    let setAside = try #require(report.setAside)
    #expect(setAside.lines == 2 && setAside.firstEventID == 2 && setAside.lastEventID == 2)
    #expect(try String(contentsOfFile: setAside.file, encoding: .utf8).hasSuffix("{\"prev\":\"torn"))
    #expect(report.gaps == [])
    let lines = try String(contentsOfFile: journalPath, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2 && lines[1].contains("\"event\":\"restored\",\"event_id\":2"))
    #expect(try verify(journalPath).get().lines == 2)
  }

  /// A backup taken while a notification was held for its room's group wait, which the replaced database then
  /// released and delivered: the restored row is delivered too, not held again (and sent a second time).
  @Test func aNotificationHeldInTheBackupAndDeliveredSinceIsNotSentAgain() throws {
    let directory = try TemporaryDirectory.make(prefix: "restore-held")
    let database = directory.appendingPathComponent("c.db").path
    let backup = directory.appendingPathComponent("b.db").path
    do {
      let store = try SQLiteStore(path: database)
      store.useNotificationRouting(NotificationRouting(routes: [NotificationRoute(channel: "sms")], clock: clock))
      _ = try store.write { tx in try tx.apply(event(.opened)) }
      _ = try store.backup(to: backup)
      let sent = try store.notifications(channel: "sms")
      try store.write { tx in try tx.markNotificationsDelivered(sent.map(\.id), channel: "sms", at: clock.now()) }
    }
    try DatabaseQueue(path: backup).write { db in try db.execute(sql: "UPDATE notifications SET state = 'held'") }
    let report = try DatabaseRestore.restore(
      backup: backup, database: database, journal: directory.appendingPathComponent("j.jsonl").path,
      now: clock.now()
    ).get()
    #expect(report.notificationsSettled == 1)
    let restored = try SQLiteStore(path: database, create: false)
    #expect(try restored.notifications(channel: "sms").map(\.state) == ["delivered"])
  }

  @Test func aRotatedJournalThatTheBackupPredatesStartsAgainAtTheRestoredLine() throws {
    let directory = try TemporaryDirectory.make(prefix: "restore-rotated")
    let database = directory.appendingPathComponent("c.db").path
    let journalPath = directory.appendingPathComponent("c.alerts.jsonl").path
    let backup = directory.appendingPathComponent("b.db").path
    do {
      let store = try SQLiteStore(path: database)
      _ = try store.write { tx in try tx.apply(event(.opened)) }
      _ = try store.backup(to: backup)
      clock.advance(seconds: 60)
      _ = try store.write { tx in try tx.apply(event(.resolved)) }
      // The file was rotated after event 1: it holds only event 2.
      let second = try store.journalLines(after: 1).map(\.line)
      try (second.joined(separator: "\n") + "\n").write(toFile: journalPath, atomically: true, encoding: .utf8)
    }

    let report = try DatabaseRestore.restore(
      backup: backup, database: database, journal: journalPath, now: clock.now()
    ).get()
    #expect(report.setAside?.lines == 1)
    let lines = try String(contentsOfFile: journalPath, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 1 && lines[0].contains("\"event\":\"restored\""), "not event 1 again: \(lines)")
    #expect(try verify(journalPath).get().lines == 1)
  }

  @Test func aTornLineTheBackupAlreadyFollowsStaysInTheJournalAndOnlyLaterLinesAreSetAside() throws {
    let directory = try TemporaryDirectory.make(prefix: "restore-torn")
    let database = directory.appendingPathComponent("c.db").path
    let journalPath = directory.appendingPathComponent("c.alerts.jsonl").path
    let journal = AlertJournal(path: journalPath)
    let backup = directory.appendingPathComponent("b.db").path
    do {
      let store = try SQLiteStore(path: database)
      _ = try store.write { tx in try tx.apply(event(.opened)) }
      try journal.catchUp(from: store)
      // A crash tore the next line; catch-up wrote event 2 again on a line of its own. Then the backup.
      let handle = try #require(FileHandle(forWritingAtPath: journalPath))
      try handle.seekToEnd()
      try handle.write(contentsOf: Data("{\"prev\":\"torn".utf8))
      try handle.close()
      clock.advance(seconds: 60)
      _ = try store.write { tx in try tx.apply(event(.resolved)) }
      try journal.catchUp(from: store)
      _ = try store.backup(to: backup)
      // After the backup: event 3.
      clock.advance(seconds: 60)
      _ = try store.write { tx in try tx.apply(event(.opened)) }
      try journal.catchUp(from: store)
    }

    let report = try DatabaseRestore.restore(
      backup: backup, database: database, journal: journalPath, now: clock.now()
    ).get()
    let setAside = try #require(report.setAside)
    #expect(
      setAside.lines == 1 && setAside.firstEventID == 3 && setAside.lastEventID == 3,
      "only what was written after the backup: \(setAside)")
    let lines = try String(contentsOfFile: journalPath, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 4 && lines[1] == "{\"prev\":\"torn" && lines[3].contains("\"event\":\"restored\""))
    let verified = try verify(journalPath).get()
    #expect(verified.lines == 3 && verified.torn == ["\(journalPath):2"])
  }
}
