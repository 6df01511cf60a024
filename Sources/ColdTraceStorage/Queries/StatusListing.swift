import ColdTraceCore

/// `coldtrace status`' queries, one text for both stores (`QueryExecutor`).
public enum StatusListing {
  /// Every active probe (retired ones are no longer watched), in the room it hangs in at `now` by its room history,
  /// ordered by site, room and sensor, with its latest reading, its temperatures over the last `trendWindowSeconds`
  /// before that reading, its open alerts (wherever they opened) and its calibration; and the lots in each room at
  /// `now`.
  ///
  /// Each probe costs a few index range scans, whatever the size of its history.
  public static func facilityStatus<Executor: QueryExecutor>(
    now: Timestamp, trendWindowSeconds: Double = 3600, on executor: Executor
  ) throws -> FacilityStatus {
    let dialect = executor.dialect
    var open: [AlertRecord] = []
    try executor.forEachRow(
      sql: "SELECT \(AlertRows.columns) FROM alerts WHERE state <> 'resolved' ORDER BY opened_ms, id", arguments: []
    ) { open.append(try AlertRows.record(fields: $0)) }
    // By probe: an alert follows its probe to another room. Agent alerts (room "-") are no probe's.
    var openByProbe: [ProbeKey: [AlertRecord]] = [:]
    for alert in open where alert.room != "-" {
      openByProbe[ProbeKey(site: alert.site, sensor: alert.sensor), default: []].append(alert)
    }
    let calibrations = try Self.calibrations(on: executor)
    // Each probe with its room at `now` (its history's, else its row's) and its readings of the day before `now`.
    var probes: [(id: Int64, key: SensorKey, agent: String?, readingsLastDay: Int)] = []
    try executor.forEachRow(
      sql: """
        SELECT s.id, s.site, COALESCE((SELECT pr.room FROM probe_rooms pr WHERE pr.source_id = s.id
          AND pr.from_ms <= ?1 ORDER BY pr.from_ms DESC LIMIT 1), s.room), s.sensor, s.agent,
          (SELECT COUNT(*) FROM readings r WHERE r.source_id = s.id AND r.ts_ms > ?2 AND r.ts_ms <= ?1)
        FROM sources s
        WHERE NOT EXISTS (SELECT 1 FROM probe_retirements rt WHERE rt.source_id = s.id)
        """, arguments: [.integer(now.milliseconds), .integer(now.milliseconds - 86_400_000)]
    ) { row in
      probes.append(
        (
          try row.int64(0), SensorKey(site: try row.string(1), room: try row.string(2), sensor: try row.string(3)),
          row.optionalString(4), Int(try row.int64(5))
        ))
    }
    var sensors: [SensorStatus] = []
    for probe in probes {
      let latest = try Self.latest(ofSource: probe.id, on: executor)
      var recent: [(ts: Timestamp, tempC: Double)] = []
      if let latest {
        let from = latest.ts.adding(seconds: -trendWindowSeconds).milliseconds
        try executor.forEachRow(
          sql: """
            SELECT ts_ms, temp_mc FROM readings
            WHERE source_id = ? AND ts_ms >= ? AND ts_ms <= ? AND temp_mc IS NOT NULL ORDER BY ts_ms, seq
            """, arguments: [.integer(probe.id), .integer(from), .integer(latest.ts.milliseconds)]
        ) { row in
          recent.append((Timestamp(milliseconds: try row.int64(0)), StoredSample.value(try row.optionalInt64(1)) ?? 0))
        }
      }
      sensors.append(
        SensorStatus(
          key: probe.key, agent: probe.agent, latest: latest, readingsLastDay: probe.readingsLastDay,
          recentTemperatures: recent,
          openAlerts: openByProbe[ProbeKey(site: probe.key.site, sensor: probe.key.sensor)] ?? [],
          calibration: calibrations[probe.id]))
    }
    sensors.sort { ($0.key.site, $0.key.room, $0.key.sensor) < ($1.key.site, $1.key.room, $1.key.sensor) }
    var lotsByRoom: [String: [LotPresence]] = [:]
    try executor.forEachRow(
      sql: """
        SELECT p.site, p.room, l.id, l.product, l.market FROM lot_placements p JOIN lots l ON l.id = p.lot_id
        WHERE p.from_ms <= ?1 AND (p.to_ms IS NULL OR p.to_ms > ?1) AND (l.closed_ms IS NULL OR l.closed_ms > ?1)
        ORDER BY p.from_ms, \(dialect.bytewise("l.id"))
        """, arguments: [.integer(now.milliseconds)]
    ) { row in
      lotsByRoom["\(try row.string(0))/\(try row.string(1))", default: []].append(
        LotPresence(lot: try row.string(2), product: try row.string(3), market: row.optionalString(4)))
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

  /// A probe's latest reading (by event time, then sequence).
  static func latest<Executor: QueryExecutor>(ofSource source: Int64, on executor: Executor) throws -> Sample? {
    var latest: Sample?
    try executor.forEachRow(
      sql: """
        SELECT \(StoredSample.columns()) FROM readings WHERE source_id = ? ORDER BY ts_ms DESC, seq DESC LIMIT 1
        """, arguments: [.integer(source)]
    ) { latest = try StoredSample.sample(fields: $0, at: 0) }
    return latest
  }

  /// The calibration in force for each probe that has one: the one with the latest calibration date (the latest
  /// recorded among equals).
  static func calibrations<Executor: QueryExecutor>(on executor: Executor) throws -> [Int64: ProbeCalibration] {
    var calibrations: [Int64: ProbeCalibration] = [:]
    try executor.forEachRow(
      sql: """
        SELECT source_id, certificate, calibrated_ms, due_ms, by_name FROM probe_calibrations
        ORDER BY source_id, calibrated_ms, id
        """, arguments: []
    ) { row in
      calibrations[try row.int64(0)] = ProbeCalibration(
        certificate: try row.string(1), calibratedAt: Timestamp(milliseconds: try row.int64(2)),
        due: Timestamp(milliseconds: try row.int64(3)), by: try row.string(4))
    }
    return calibrations
  }

  /// Where each probe is mounted, as its agent announced it (`probe_placements`).
  public static func announcedPlacements<Executor: QueryExecutor>(on executor: Executor) throws
    -> [ProbeKey: Placement]
  {
    var placements: [ProbeKey: Placement] = [:]
    try executor.forEachRow(sql: "SELECT site, sensor, placement FROM probe_placements", arguments: []) { row in
      if let placement = Placement(rawValue: try row.string(2)) {
        placements[ProbeKey(site: try row.string(0), sensor: try row.string(1))] = placement
      }
    }
    return placements
  }

  /// Per site, how many probes wait in `pending_probes` (not registered, not rejected): what `status` shows instead
  /// of listing them.
  public static func pendingProbeCounts<Executor: QueryExecutor>(on executor: Executor) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    try executor.forEachRow(
      sql: """
        SELECT p.site, COUNT(*) FROM pending_probes p
        WHERE NOT EXISTS (SELECT 1 FROM probe_registry r WHERE r.site = p.site AND r.sensor = p.sensor)
        GROUP BY p.site
        """, arguments: []
    ) { row in counts[try row.string(0)] = Int(try row.int64(1)) }
    return counts
  }

  /// Each agent's install as its status last announced it, by site and agent (byte order).
  public static func agentIncarnations<Executor: QueryExecutor>(on executor: Executor) throws -> [AgentIncarnation] {
    let dialect = executor.dialect
    var incarnations: [AgentIncarnation] = []
    try executor.forEachRow(
      sql: """
        SELECT site, agent, incarnation, since_ms, previous FROM agent_incarnations
        ORDER BY \(dialect.bytewise("site")), \(dialect.bytewise("agent"))
        """, arguments: []
    ) { row in
      incarnations.append(
        AgentIncarnation(
          site: try row.string(0), agent: try row.string(1), incarnation: try row.string(2),
          since: Timestamp(milliseconds: try row.int64(3)), previous: row.optionalString(4)))
    }
    return incarnations
  }

  /// Every site broker's link state recorded, by site (byte order).
  public static func siteBridges<Executor: QueryExecutor>(on executor: Executor) throws -> [SiteBridgeState] {
    var bridges: [SiteBridgeState] = []
    try executor.forEachRow(
      sql: "SELECT site, up, since_ms, seen_ms FROM site_bridges ORDER BY \(executor.dialect.bytewise("site"))",
      arguments: []
    ) { row in
      bridges.append(
        SiteBridgeState(
          site: try row.string(0), up: try row.optionalBool(1) ?? false,
          since: Timestamp(milliseconds: try row.int64(2)), seen: Timestamp(milliseconds: try row.int64(3))))
    }
    return bridges
  }

  /// The spans of `site/room` (a defrost, a door opening) that overlap `from`…`to` (either `nil`: no bound), oldest
  /// first.
  public static func roomSpans<Executor: QueryExecutor>(
    site: String, room: String, from: Timestamp?, to: Timestamp?, on executor: Executor
  ) throws -> [RoomSpan] {
    try RoomSpanRows.fetch(executor, site: site, room: room, from: from, to: to)
  }
}
