import ColdTraceCore
import GRDB

/// Silences inside a write transaction: adding and ending one, each a line of the alert journal's hash chain
/// (`silence_added`, `silence_ended`), and what covers an alert event at its time.
extension WriteTransaction {
  /// Stores a silence of `scope` from `from` to `until` and journals it; returns it with its new id.
  public func addSilence(
    _ scope: SilenceScope, from: Timestamp, until: Timestamp, reason: String, by person: String
  ) throws -> Silence {
    try db.execute(
      sql: """
        INSERT INTO silences (site, room, sensor, from_ms, until_ms, reason, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [scope.site, scope.room, scope.sensor, from.milliseconds, until.milliseconds, reason, person])
    let silence = Silence(
      id: db.lastInsertedRowID, scope: scope, from: from, until: until, reason: reason, by: person)
    try recordSilenceLine("silence_added", silence, at: from) { json in
      json.string("from", from.rfc3339)
      json.string("until", until.rfc3339)
      json.string("reason", reason)
      json.string("by", person)
    }
    return silence
  }

  /// Ends a silence early, at `at`, and journals it. The open alerts it hid are announced by the collector's next
  /// timer round (`releaseSilencedAlerts`), whichever process ended it.
  public func endSilence(_ id: Int64, by person: String, at: Timestamp) throws -> Silence {
    guard var silence = try SilenceRows.silence(db, id: id) else { throw SilenceError("no silence with id \(id)") }
    if let endedAt = silence.endedAt {
      throw SilenceError("silence \(id) was already ended at \(endedAt.rfc3339) by \(silence.endedBy ?? "-")")
    }
    guard at < silence.until else { throw SilenceError("silence \(id) already expired at \(silence.until.rfc3339)") }
    try db.execute(
      sql: "UPDATE silences SET ended_ms = ?, ended_by = ? WHERE id = ?", arguments: [at.milliseconds, person, id])
    silence.endedAt = at
    silence.endedBy = person
    try recordSilenceLine("silence_ended", silence, at: at) { json in
      json.string("until", silence.until.rfc3339)
      json.string("by", person)
    }
    return silence
  }

  /// The silence (its id) or maintenance window (`maintenance:<name>`) that covers an alert event at `key` and
  /// `time`, the stored silences first; `nil` when none does, and always for lot alerts.
  func silenceCovering(_ key: SensorKey, at time: Timestamp) throws -> String? {
    guard !key.sensor.contains("/") else { return nil }
    let id = try Int64.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT id FROM silences
          WHERE site = ? AND until_ms > ? AND from_ms <= ? AND (ended_ms IS NULL OR ended_ms > ?)
            AND (room IS NULL OR room = ?) AND (sensor IS NULL OR sensor = ?)
          ORDER BY id LIMIT 1
          """),
      arguments: [key.site, time.milliseconds, time.milliseconds, time.milliseconds, key.room, key.sensor])
    if let id { return String(id) }
    return windows.first { $0.covers(key, at: time) }?.id
  }

  /// Announces, once, every open alert whose latest event a silence or window hid and that nothing covers any more
  /// at `now` (the silence ended or expired): event `unsilenced`, handed to the notification program like any other.
  /// An acknowledged one counts this as its last announcement for re-notification.
  public func releaseSilencedAlerts(now: Timestamp) throws -> [RecordedEvent] {
    let held = try Row.fetchAll(
      db,
      sql: "SELECT \(AlertRows.columns) FROM alerts WHERE silence_pending = 1 AND state != 'resolved' "
        + "AND group_id IS NULL ORDER BY id"
    ).map(AlertRows.record)
    var released: [RecordedEvent] = []
    for alert in held {
      let key = SensorKey(site: alert.site, room: alert.room, sensor: alert.sensor)
      guard try silenceCovering(key, at: now) == nil else { continue }
      try db.execute(
        sql: """
          UPDATE alerts SET silence_pending = 0,
            renotified_ms = CASE WHEN state = 'acked' THEN ? ELSE renotified_ms END
          WHERE id = ?
          """, arguments: [now.milliseconds, alert.id])
      released.append(try recordEvent("unsilenced", alert: alert, at: now))
    }
    return released
  }

  /// Journals a silence change:
  /// `{"prev":…,"event":"silence_added","event_id":…,"at":…,"silence":3,"scope":…,…}`.
  private func recordSilenceLine(
    _ event: String, _ silence: Silence, at: Timestamp, _ fields: (inout JSONObjectWriter) -> Void
  ) throws {
    _ = try appendJournalLine(event: event, alertID: nil, lotID: nil, at: at) { eventID in
      JournalFields.line(event: event, eventID: eventID, at: at) { json in
        json.integer("silence", silence.id)
        json.string("scope", silence.scope.description)
        fields(&json)
      }
    }
  }
}

/// A silence command that cannot be carried out (no such silence, already ended); nothing was changed.
public struct SilenceError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Reading silences back from their rows.
enum SilenceRows {
  static let columns = "id, site, room, sensor, from_ms, until_ms, reason, created_by, ended_ms, ended_by"

  static func record(_ row: Row) -> Silence {
    Silence(
      id: row[0], scope: SilenceScope(site: row[1], room: row[2], sensor: row[3]),
      from: Timestamp(milliseconds: row[4]), until: Timestamp(milliseconds: row[5]), reason: row[6], by: row[7],
      endedAt: (row[8] as Int64?).map(Timestamp.init(milliseconds:)), endedBy: row[9])
  }

  static func silence(_ db: Database, id: Int64) throws -> Silence? {
    try Row.fetchOne(db, sql: "SELECT \(columns) FROM silences WHERE id = ?", arguments: [id]).map(record)
  }
}

extension SQLiteStore {
  /// The silences active at `now`, or with `all` every silence ever added, oldest first.
  public func silences(all: Bool = false, now: Timestamp) throws -> [Silence] {
    try read { db in
      let active = all ? "" : "WHERE from_ms <= ? AND until_ms > ? AND (ended_ms IS NULL OR ended_ms > ?)"
      let arguments: StatementArguments = all ? [] : [now.milliseconds, now.milliseconds, now.milliseconds]
      return try Row.fetchAll(
        db, sql: "SELECT \(SilenceRows.columns) FROM silences \(active) ORDER BY id", arguments: arguments
      ).map(SilenceRows.record)
    }
  }

  /// One silence, whatever its state.
  public func silence(id: Int64) throws -> Silence? {
    try read { db in try SilenceRows.silence(db, id: id) }
  }
}
