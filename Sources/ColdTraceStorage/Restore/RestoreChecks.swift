import Foundation
import GRDB

/// What `coldtrace restore` learns about a backup before it replaces anything.
public struct BackupSummary: Sendable {
  public let readings: Int
  /// The `event_id` of the backup's last journal line (0 when it has none): the restored database's chain head.
  public let journalHead: Int64
}

/// One probe's acknowledgement watermark, in the numbers of the agent install (incarnation) that numbered them.
public struct ProbeWatermark: Sendable, Equatable {
  public let site: String
  public let sensor: String
  public let agent: String?
  /// The probe's current incarnation (`inc`), `nil` for samples sent without one.
  public let incarnation: String?
  public let watermark: Int64
}

/// A probe whose samples the agent was told were stored, and which the restored database does not hold: the agent
/// has dropped them from its outbox, so they are gone (`restored` is the restored database's watermark in the same
/// incarnation, 0 when it never saw that incarnation).
public struct WatermarkGap: Sendable, Equatable {
  public let probe: ProbeWatermark
  public let restored: Int64
  public var lost: Int64 { probe.watermark - restored }
}

/// The database a restore replaces, as far as the restore uses it.
struct ReplacedDatabase {
  let watermarks: [ProbeWatermark]
  let settledNotifications: [SettledNotification]
}

/// A notification outbox row that is no longer pending (`delivered`, `given_up`, `superseded`).
struct SettledNotification {
  let id: Int64
  let channel: String
  let eventID: Int64
  let state: String
  let doneMilliseconds: Int64?
}

enum RestoreChecks {
  /// Opens `path` read-only and checks it is a whole ColdTrace database this program can run: SQLite's
  /// `integrity_check` passes, it carries ColdTrace's schema, and no migration newer than this program's.
  static func inspect(backup path: String) throws -> BackupSummary {
    if let problem = FileAccess.cannotRead(path) { throw UnusablePath(problem) }
    var configuration = Configuration()
    configuration.readonly = true
    do {
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      defer { try? queue.close() }
      return try queue.read { db in
        let check = try String.fetchOne(db, sql: "PRAGMA integrity_check")
        guard check == "ok" else {
          throw UnusablePath("\(path) fails SQLite's integrity check (\(check ?? "?")); use another backup")
        }
        let tables = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        guard tables.isSuperset(of: ["grdb_migrations", "readings", "sources", "alert_events"]) else {
          throw UnusablePath("\(path) is not a ColdTrace database (it lacks ColdTrace's tables)")
        }
        if try Schema.migrator.hasBeenSuperseded(db) {
          throw UnusablePath("\(path) was written by a newer coldtrace than this one; restore it with that version")
        }
        let readings = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM readings") ?? 0
        let head = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM alert_events") ?? 0
        return BackupSummary(readings: readings, journalHead: head)
      }
    } catch let error as DatabaseError {
      throw UnusablePath("\(path) is not a readable SQLite database: \(error.message ?? "\(error.resultCode)")")
    }
  }

  /// What a restore needs from the database it replaces (read-only), or `nil` when it cannot be read.
  static func replacedDatabase(at path: String) -> ReplacedDatabase? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    var configuration = Configuration()
    configuration.readonly = true
    guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return nil }
    defer { try? queue.close() }
    return try? queue.read { db in
      let notifications =
        try db.tableExists("notifications")
        ? try Row.fetchAll(
          db,
          sql: """
            SELECT id, channel, event_id, state, done_ms FROM notifications WHERE state NOT IN ('pending', 'held')
            """
        ).map { row in
          SettledNotification(
            id: row["id"], channel: row["channel"], eventID: row["event_id"], state: row["state"],
            doneMilliseconds: row["done_ms"])
        } : []
      return ReplacedDatabase(watermarks: try watermarks(db), settledNotifications: notifications)
    }
  }

  /// Marks the restored database's pending (or held for a room's or site's group wait) notifications that the replaced database
  /// had already delivered (or given up, superseded, grouped) as it had, so nobody is sent an SMS twice for one
  /// event; returns how many.
  static func settle(_ notifications: [SettledNotification], in db: Database) throws -> Int {
    guard try db.tableExists("notifications") else { return 0 }
    let statement = try db.makeStatement(
      sql: """
        UPDATE notifications SET state = ?, done_ms = ?
        WHERE id = ? AND channel = ? AND event_id = ? AND state IN ('pending', 'held')
        """)
    var settled = 0
    for row in notifications {
      try statement.execute(arguments: [row.state, row.doneMilliseconds, row.id, row.channel, row.eventID])
      settled += db.changesCount
    }
    return settled
  }

  /// Watermarks per probe and incarnation: the current incarnation's (highest `seq_base`) in its own numbers, and
  /// every earlier one's as far as stored numbers show (an earlier install's watermark is what it reached).
  static func watermarks(_ db: Database) throws -> [ProbeWatermark] {
    let hasIncarnations = try db.tableExists("source_incarnations")
    let sql =
      hasIncarnations
      ? """
      SELECT s.site, s.sensor, s.agent, s.acked_seq AS acked,
        (SELECT incarnation FROM source_incarnations i WHERE i.source_id = s.id ORDER BY seq_base DESC LIMIT 1) AS inc,
        (SELECT seq_base FROM source_incarnations i WHERE i.source_id = s.id ORDER BY seq_base DESC LIMIT 1) AS base
      FROM sources s WHERE s.acked_seq > 0 ORDER BY s.site, s.sensor
      """
      : "SELECT site, sensor, agent, acked_seq AS acked, NULL AS inc, 0 AS base FROM sources WHERE acked_seq > 0"
    return try Row.fetchAll(db, sql: sql).map { row in
      let base: Int64 = row["base"] ?? 0
      let acked: Int64 = row["acked"]
      return ProbeWatermark(
        site: row["site"], sensor: row["sensor"], agent: row["agent"], incarnation: row["inc"],
        watermark: max(0, acked - base))
    }
  }

  /// Per probe of the replaced database, what its agent was told is stored and the restored database lacks.
  static func gaps(acknowledged: [ProbeWatermark], restored: [ProbeWatermark]) -> [WatermarkGap] {
    var restoredByProbe: [String: ProbeWatermark] = [:]
    for probe in restored { restoredByProbe["\(probe.site)/\(probe.sensor)"] = probe }
    return acknowledged.compactMap { probe in
      let before = restoredByProbe["\(probe.site)/\(probe.sensor)"]
      let restoredWatermark = before?.incarnation == probe.incarnation ? before?.watermark ?? 0 : 0
      let gap = WatermarkGap(probe: probe, restored: restoredWatermark)
      return gap.lost > 0 ? gap : nil
    }
  }
}
