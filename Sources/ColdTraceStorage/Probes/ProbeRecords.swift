import ColdTraceCore
import GRDB

/// One probe as `coldtrace probe list` shows it: where it hangs now, its agent, its latest reading, whether it is
/// retired, and its calibration in force.
public struct ProbeRecord: Sendable, Equatable {
  public var probe: ProbeKey
  /// The room it hangs in now, by its room history.
  public var room: String
  public var agent: String?
  public var lastReading: Timestamp?
  public var retirement: ProbeRetirement?
  /// The probe it replaced, when it is some retired probe's successor.
  public var predecessor: String?
  public var calibration: ProbeCalibration?
}

/// Why and when a probe was retired, by whom, and the probe that replaced it.
public struct ProbeRetirement: Sendable, Equatable {
  public var at: Timestamp
  public var reason: String
  public var by: String
  public var successor: String?
}

extension WriteTransaction {
  /// A known probe's id, or `nil`.
  public func sourceID(site: String, sensor: String) throws -> Int64? {
    try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT id FROM sources WHERE site = ? AND sensor = ?"), arguments: [site, sensor])
  }

  /// The retirement of a probe, or `nil` while it is active.
  public func retirement(ofSource source: Int64) throws -> ProbeRetirement? {
    try Row.fetchOne(
      db.cachedStatement(
        sql: "SELECT retired_ms, reason, by_name, successor FROM probe_retirements WHERE source_id = ?"),
      arguments: [source]
    ).map { ProbeRetirement(at: Timestamp(milliseconds: $0[0]), reason: $0[1], by: $0[2], successor: $0[3]) }
  }

  /// The calibration in force for a probe: the one with the latest calibration date (the latest recorded among
  /// equals), or `nil` when none is on record.
  public func calibration(ofSource source: Int64) throws -> ProbeCalibration? {
    try Row.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT certificate, calibrated_ms, due_ms, by_name FROM probe_calibrations WHERE source_id = ?
          ORDER BY calibrated_ms DESC, id DESC LIMIT 1
          """),
      arguments: [source]
    ).map {
      ProbeCalibration(
        certificate: $0[0], calibratedAt: Timestamp(milliseconds: $0[1]), due: Timestamp(milliseconds: $0[2]),
        by: $0[3])
    }
  }

  /// Every probe of `site` (all sites when `nil`), ordered by site and sensor, as it stands at `now`; retired ones
  /// only when `retired` is true.
  public func probeRecords(site: String?, retired: Bool, now: Timestamp) throws -> [ProbeRecord] {
    var predecessors: [ProbeKey: String] = [:]
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT s.site, s.sensor, r.successor FROM probe_retirements r JOIN sources s ON s.id = r.source_id
        WHERE r.successor IS NOT NULL
        """)
    {
      predecessors[ProbeKey(site: row[0], sensor: row[2])] = row[1]
    }
    let latest = try db.cachedStatement(sql: "SELECT MAX(ts_ms) FROM readings WHERE source_id = ?")
    var records: [ProbeRecord] = []
    for row in try Row.fetchAll(
      db,
      sql: "SELECT id, site, sensor, room, agent FROM sources WHERE ?1 IS NULL OR site = ?1 ORDER BY site, sensor",
      arguments: [site])
    {
      let id: Int64 = row[0]
      let retirement = try retirement(ofSource: id)
      if retirement != nil && !retired { continue }
      let probe = ProbeKey(site: row[1], sensor: row[2])
      records.append(
        ProbeRecord(
          probe: probe, room: try room(ofSource: id, at: now) ?? row[3], agent: row[4],
          lastReading: try Int64.fetchOne(latest, arguments: [id]).map(Timestamp.init(milliseconds:)),
          retirement: retirement, predecessor: predecessors[probe], calibration: try calibration(ofSource: id)))
    }
    return records
  }

  /// The calibration in force for every active probe that has one, with the room it hangs in now (by its latest
  /// reading's topic, where its alerts are raised): what the `calibration_due` rule looks at.
  public func activeCalibrations() throws -> [(key: SensorKey, source: Int64, calibration: ProbeCalibration)] {
    var result: [(key: SensorKey, source: Int64, calibration: ProbeCalibration)] = []
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT s.id, s.site, s.room, s.sensor FROM sources s
        WHERE EXISTS (SELECT 1 FROM probe_calibrations c WHERE c.source_id = s.id)
          AND NOT EXISTS (SELECT 1 FROM probe_retirements r WHERE r.source_id = s.id)
        ORDER BY s.site, s.sensor
        """)
    {
      let id: Int64 = row[0]
      guard let calibration = try calibration(ofSource: id) else { continue }
      result.append((SensorKey(site: row[1], room: row[2], sensor: row[3]), id, calibration))
    }
    return result
  }
}

extension SQLiteStore {
  /// Every retired probe and when it was retired (a small table: the collector reads it on every timer round).
  public func retiredProbes() throws -> [ProbeKey: Timestamp] {
    try read { db in
      var retired: [ProbeKey: Timestamp] = [:]
      for row in try Row.fetchAll(
        db,
        sql: "SELECT s.site, s.sensor, r.retired_ms FROM probe_retirements r JOIN sources s ON s.id = r.source_id")
      {
        retired[ProbeKey(site: row[0], sensor: row[1])] = Timestamp(milliseconds: row[2])
      }
      return retired
    }
  }

  /// `coldtrace probe list`: see `WriteTransaction.probeRecords`.
  public func probeRecords(site: String?, retired: Bool, now: Timestamp) throws -> [ProbeRecord] {
    try read { db in try WriteTransaction(db: db).probeRecords(site: site, retired: retired, now: now) }
  }
}
