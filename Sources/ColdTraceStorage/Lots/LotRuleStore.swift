import ColdTraceCore
import Foundation
import GRDB

/// The per-lot rules' state and records: loaded and saved inside the transaction of the reading that changes them.
extension WriteTransaction {
  /// The saved rule state of `lot`, or `nil` before any reading applied to it.
  public func lotRuleState(_ lot: String) throws -> LotRuleState? {
    guard
      let blob = try Data.fetchOne(
        db.cachedStatement(sql: "SELECT state FROM lot_rule_state WHERE lot_id = ?"), arguments: [lot])
    else { return nil }
    return try JSONDecoder().decode(LotRuleState.self, from: blob)
  }

  public func saveLotRuleState(_ state: LotRuleState, lot: String) throws {
    let blob = try JSONEncoder().encode(state)
    try db.cachedStatement(sql: "INSERT OR REPLACE INTO lot_rule_state (lot_id, state) VALUES (?, ?)")
      .execute(arguments: [lot, blob])
  }

  /// Whether an alert of `kind` is open for the key's site and sensor (in any room).
  public func hasOpenAlert(_ key: SensorKey, kind: AlertKind) throws -> Bool {
    try AlertRows.openAlert(db, key: key, kind: kind) != nil
  }

  /// Journals a completed cold treatment: `{"prev":…,"event":"treatment_completed","event_id":…,"at":…,"lot":…,
  /// "product":…,"site":…,"room":…,"clock_started_at":…,"max_temp_c":…,"days":…,"restarts":…}`.
  public func recordTreatmentCompletion(_ completion: TreatmentCompletion, site: String, room: String) throws -> String
  {
    try appendJournalLine(
      event: "treatment_completed", alertID: nil, lotID: completion.lot, at: completion.completedAt
    ) { eventID in
      JournalFields.line(event: "treatment_completed", eventID: eventID, at: completion.completedAt) { json in
        json.string("lot", completion.lot)
        json.string("product", completion.productID)
        json.string("site", site)
        json.string("room", room)
        json.string("clock_started_at", completion.clockStart.rfc3339)
        json.number("max_temp_c", completion.treatment.maxTempC)
        json.number("days", completion.treatment.days)
        json.integer("restarts", completion.restarts)
      }
    }.line
  }

  /// The stored samples of the probes now in `site/room`, from `from` (inclusive) to `until` (exclusive, `nil`: no
  /// end), oldest first: what a lot placed there in the past was exposed to.
  public func readings(inRoom site: String, _ room: String, from: Timestamp, until: Timestamp?) throws
    -> [(key: SensorKey, sample: Sample)]
  {
    try Row.fetchAll(
      db,
      sql: """
        SELECT s.site, s.room, s.sensor, \(StoredSample.columns(alias: "r"))
        FROM readings r JOIN sources s ON s.id = r.source_id
        WHERE s.site = ? AND s.room = ? AND r.ts_ms >= ? AND r.ts_ms < ?
        ORDER BY r.ts_ms, s.sensor, r.seq
        """,
      arguments: [site, room, from.milliseconds, until?.milliseconds ?? Int64.max]
    ).map { row in
      (SensorKey(site: row[0], room: row[1], sensor: row[2]), StoredSample.sample(row, at: 3))
    }
  }
}

extension SQLiteStore {
  /// The saved rule state of `lot` (budget used, treatment clock), for `coldtrace lot show` and reports.
  public func lotRuleState(_ lot: String) throws -> LotRuleState? {
    try read { db in try WriteTransaction(db: db).lotRuleState(lot) }
  }

  /// The journal lines about `lot` that are no alert event (lot changes, treatment completion), oldest first.
  public func lotJournalLines(_ lot: String) throws -> [String] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT line FROM alert_events WHERE lot_id = ? ORDER BY id", arguments: [lot])
    }
  }
}
