import ColdTraceCore
import Foundation
import GRDB

/// One probe at a glance: its latest sample and the alerts open on it.
public struct SensorStatus: Sendable, Equatable {
  public var key: SensorKey
  public var agent: String?
  public var latest: Sample?
  public var readingCount: Int
  public var openAlerts: [AlertRecord]
}

extension SQLiteStore {
  /// Every known probe, grouped by site and room, with its latest reading and open alerts.
  public func sensorStatus() throws -> [SensorStatus] {
    try read { db in
      let open = try Row.fetchAll(
        db, sql: "SELECT \(AlertRows.columns) FROM alerts WHERE state != 'resolved' ORDER BY opened_ms"
      ).map(AlertRows.record)
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT s.id, s.site, s.room, s.sensor, s.agent,
            (SELECT COUNT(*) FROM readings WHERE source_id = s.id) AS n,
            r.seq, r.ts_ms, r.temp_c, r.rh_pct, r.error
          FROM sources s
          LEFT JOIN readings r ON r.rowid = (
            SELECT rowid FROM readings WHERE source_id = s.id ORDER BY ts_ms DESC LIMIT 1)
          ORDER BY s.site, s.room, s.sensor
          """)
      return rows.map { row in
        let key = SensorKey(site: row["site"], room: row["room"], sensor: row["sensor"])
        let ts: Int64? = row["ts_ms"]
        return SensorStatus(
          key: key, agent: row["agent"],
          latest: ts.map {
            Sample(
              seq: row["seq"], ts: Timestamp(milliseconds: $0), tempC: row["temp_c"], rhPct: row["rh_pct"],
              error: row["error"])
          },
          readingCount: row["n"],
          openAlerts: open.filter { $0.site == key.site && $0.room == key.room && $0.sensor == key.sensor })
      }
    }
  }

  /// The alert engine's saved state for every probe, to resume exactly where the collector stopped.
  public func engineStates() throws -> [ProbeKey: SensorRuleState] {
    try read { db in
      var states: [ProbeKey: SensorRuleState] = [:]
      let decoder = JSONDecoder()
      for row in try Row.fetchAll(
        db,
        sql: "SELECT s.site, s.sensor, e.state FROM engine_state e JOIN sources s ON s.id = e.source_id")
      {
        let key = ProbeKey(site: row["site"], sensor: row["sensor"])
        let blob: Data = row["state"]
        states[key] = try decoder.decode(SensorRuleState.self, from: blob)
      }
      return states
    }
  }
}
