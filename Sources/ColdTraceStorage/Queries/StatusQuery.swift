import ColdTraceCore
import Foundation
import GRDB

/// One probe at a glance: its latest sample, its recent readings, and the alerts open on it.
public struct SensorStatus: Sendable, Equatable {
  public var key: SensorKey
  public var agent: String?
  public var latest: Sample?
  /// Readings with a `ts` in the day before `now` (bounded: counting a probe's whole history is too slow on a
  /// large database).
  public var readingsLastDay: Int
  /// The probe's temperature readings of the trend window before its latest reading, oldest first.
  public var recentTemperatures: [(ts: Timestamp, tempC: Double)]
  public var openAlerts: [AlertRecord]
  /// The calibration in force (`nil`: none on record).
  public var calibration: ProbeCalibration? = nil

  public static func == (lhs: SensorStatus, rhs: SensorStatus) -> Bool {
    lhs.key == rhs.key && lhs.agent == rhs.agent && lhs.latest == rhs.latest && lhs.calibration == rhs.calibration
      && lhs.readingsLastDay == rhs.readingsLastDay && lhs.openAlerts == rhs.openAlerts
      && lhs.recentTemperatures.elementsEqual(rhs.recentTemperatures) { $0.ts == $1.ts && $0.tempC == $1.tempC }
  }
}

/// A lot in a room now, as `coldtrace status` lists it.
public struct LotPresence: Sendable, Equatable {
  public var lot: String
  public var product: String
  public var market: String?
}

/// The facility at a glance: every probe, and the open lots of every room that has a probe or a lot.
public struct FacilityStatus: Sendable, Equatable {
  public var sensors: [SensorStatus]
  /// "site/room" → the open lots placed there now, in placement order.
  public var lotsByRoom: [String: [LotPresence]]
  /// "site/room" → the open alerts about a lot rather than a probe (`budget`, `treatment`), and the room's alerts for
  /// probes crossing together (sensor `*`), oldest first.
  public var lotAlertsByRoom: [String: [AlertRecord]] = [:]
  /// The open alerts that belong to a whole site rather than a room (room `-`: `agent_offline`, `clock_skew`,
  /// `site_limit`, `uplink_down`, many probes offline at once, probes of several rooms crossing together), oldest
  /// first.
  public var siteAlerts: [AlertRecord] = []

  public func lots(site: String, room: String) -> [LotPresence] { lotsByRoom["\(site)/\(room)"] ?? [] }
  public func lotAlerts(site: String, room: String) -> [AlertRecord] { lotAlertsByRoom["\(site)/\(room)"] ?? [] }
}

extension SQLiteStore {
  /// Every active probe (retired ones are no longer watched), in the room it hangs in at `now` by its room history,
  /// ordered by site, room and sensor, with its latest reading, its temperatures over the last `trendWindowSeconds`
  /// before that reading, its open alerts (wherever they opened) and its calibration; and the lots in each room at
  /// `now`.
  ///
  /// Each probe costs a few index range scans, whatever the size of its history.
  public func facilityStatus(now: Timestamp, trendWindowSeconds: Double = 3600) throws -> FacilityStatus {
    try read { db in
      let open = try Row.fetchAll(
        db, sql: "SELECT \(AlertRows.columns) FROM alerts WHERE state != 'resolved' ORDER BY opened_ms"
      ).map(AlertRows.record)
      let tx = WriteTransaction(db: db)
      let sources = try Row.fetchAll(
        db,
        sql: """
          SELECT id, site, room, sensor, agent FROM sources s
          WHERE NOT EXISTS (SELECT 1 FROM probe_retirements r WHERE r.source_id = s.id)
          """)
      let latestStatement = try db.cachedStatement(
        sql: """
          SELECT \(StoredSample.columns()) FROM readings WHERE source_id = ? ORDER BY ts_ms DESC, seq DESC LIMIT 1
          """)
      let countStatement = try db.cachedStatement(
        sql: "SELECT COUNT(*) FROM readings WHERE source_id = ? AND ts_ms > ? AND ts_ms <= ?")
      let recentStatement = try db.cachedStatement(
        sql: """
          SELECT ts_ms, temp_mc FROM readings
          WHERE source_id = ? AND ts_ms >= ? AND ts_ms <= ? AND temp_mc IS NOT NULL ORDER BY ts_ms
          """)
      // By probe: an alert follows its probe to another room. Agent alerts (room "-") are no probe's.
      var openByProbe: [ProbeKey: [AlertRecord]] = [:]
      for alert in open where alert.room != "-" {
        openByProbe[ProbeKey(site: alert.site, sensor: alert.sensor), default: []].append(alert)
      }
      let dayAgo = now.milliseconds - 86_400_000
      var sensors: [SensorStatus] = []
      for source in sources {
        let id: Int64 = source["id"]
        let room = try tx.room(ofSource: id, at: now) ?? source["room"]
        let key = SensorKey(site: source["site"], room: room, sensor: source["sensor"])
        let latest = try Row.fetchOne(latestStatement, arguments: [id]).map { StoredSample.sample($0, at: 0) }
        let count = try Int.fetchOne(countStatement, arguments: [id, dayAgo, now.milliseconds]) ?? 0
        var recent: [(ts: Timestamp, tempC: Double)] = []
        if let latest {
          let from = latest.ts.adding(seconds: -trendWindowSeconds).milliseconds
          for row in try Row.fetchAll(recentStatement, arguments: [id, from, latest.ts.milliseconds]) {
            recent.append((Timestamp(milliseconds: row[0]), StoredSample.value(row[1]) ?? 0))
          }
        }
        sensors.append(
          SensorStatus(
            key: key, agent: source["agent"], latest: latest, readingsLastDay: count, recentTemperatures: recent,
            openAlerts: openByProbe[ProbeKey(site: key.site, sensor: key.sensor)] ?? [],
            calibration: try tx.calibration(ofSource: id)))
      }
      sensors.sort { ($0.key.site, $0.key.room, $0.key.sensor) < ($1.key.site, $1.key.room, $1.key.sensor) }
      var lotsByRoom: [String: [LotPresence]] = [:]
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT p.site, p.room, l.id, l.product, l.market FROM lot_placements p JOIN lots l ON l.id = p.lot_id
          WHERE p.from_ms <= ?1 AND (p.to_ms IS NULL OR p.to_ms > ?1) AND (l.closed_ms IS NULL OR l.closed_ms > ?1)
          ORDER BY p.from_ms, l.id
          """, arguments: [now.milliseconds])
      {
        let site: String = row["site"]
        let room: String = row["room"]
        lotsByRoom["\(site)/\(room)", default: []].append(
          LotPresence(lot: row["id"], product: row["product"], market: row["market"]))
      }
      var lotAlertsByRoom: [String: [AlertRecord]] = [:]
      // A room's alert for probes crossing together (sensor `*`) is the room's too, like a lot's.
      for alert in open where alert.sensor.hasPrefix("lot/") || (alert.sensor == "*" && alert.room != "-") {
        lotAlertsByRoom["\(alert.site)/\(alert.room)", default: []].append(alert)
      }
      return FacilityStatus(
        sensors: sensors, lotsByRoom: lotsByRoom, lotAlertsByRoom: lotAlertsByRoom,
        siteAlerts: open.filter { $0.room == "-" })
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
        // The binary form since it was introduced; JSON from collectors before it.
        states[key] = try SensorRuleState(binary: blob) ?? decoder.decode(SensorRuleState.self, from: blob)
      }
      return states
    }
  }
}
