import ColdTraceCore
import GRDB

extension SQLiteStore {
  /// The rooms of `site` that some probe ever hung in (its room history), in name order: empty for an unknown site.
  public func rooms(ofSite site: String) throws -> [String] {
    try read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT DISTINCT p.room FROM probe_rooms p JOIN sources s ON s.id = p.source_id WHERE s.site = ? ORDER BY p.room
          """, arguments: [site])
    }
  }

  /// Everything `coldtrace report room` needs for `rooms` of `site` over [`from`, `to`), read in one transaction: each
  /// probe's readings while it hung in one of the rooms (its room history; a retired probe until its retirement), with
  /// its placement from `placements` (a probe not in it is in the air), the calibrations in force at `to`, the rooms'
  /// alerts open at some time in the period, and a seal over that data. Inputs (defrost and door contacts) and
  /// sensor-fault rows without values are left out, as in the lot report.
  public func roomReportInput(
    site: String, rooms: [String], scope: String, from: Timestamp, to: Timestamp,
    placements: [ProbeKey: Placement] = [:]
  ) throws -> RoomReportInput {
    try read { db in
      var readingDigest = ReportDigest()
      readingDigest.append(scope)
      readingDigest.append(from.milliseconds)
      readingDigest.append(to.milliseconds)
      let probes = try db.cachedStatement(
        sql: ProbeLifecycleSchema.probeStaysInRoom)
      let readings = try db.cachedStatement(
        sql: """
          SELECT ts_ms, temp_mc, rh_mpct, time_quality FROM readings
          WHERE source_id = ? AND ts_ms >= ? AND ts_ms < ? AND (temp_mc IS NOT NULL OR rh_mpct IS NOT NULL)
          ORDER BY ts_ms
          """)
      var series: [ProbeSeries] = []
      for room in rooms {
        for probe in try Row.fetchAll(probes, arguments: [from.milliseconds, to.milliseconds, site, room]) {
          let source: Int64 = probe[0]
          if try Self.isInput(db, source: source) { continue }
          let sensor: String = probe[1]
          let (start, end): (Int64, Int64) = (probe[2], probe[3])
          var one = ProbeSeries(
            site: site, room: room, sensor: sensor, placement: placements[ProbeKey(site: site, sensor: sensor)] ?? .air,
            fromMilliseconds: start, toMilliseconds: end)
          readingDigest.append(room)
          readingDigest.append(sensor)
          readingDigest.append(one.placement.rawValue)
          let rows = try Row.fetchCursor(readings, arguments: [source, start, end])
          while let row = try rows.next() {
            let time: Int64 = row[0]
            let temperature = StoredSample.value(row[1])
            let humidity = StoredSample.value(row[2])
            one.append(
              milliseconds: time, temperature: temperature, humidity: humidity,
              timeQuality: TimeQuality(storedCode: row[3]))
            readingDigest.append(time)
            readingDigest.append(temperature)
            readingDigest.append(humidity)
          }
          series.append(one)
        }
      }
      let calibrations = try calibrations(of: series, at: to, db)
      var recordDigest = ReportDigest()
      for (probe, calibration) in calibrations.sorted(by: { $0.key < $1.key }) {
        recordDigest.append(probe)
        recordDigest.append(calibration.certificate)
        recordDigest.append(calibration.calibratedAt.milliseconds)
        recordDigest.append(calibration.due.milliseconds)
      }
      let alerts = try Row.fetchAll(
        db,
        sql: """
          SELECT \(AlertRows.columns) FROM alerts
          WHERE site = ? AND room IN (SELECT value FROM json_each(?)) AND opened_ms < ?
            AND (resolved_ms IS NULL OR resolved_ms >= ?)
          ORDER BY opened_ms, id
          """,
        arguments: [site, AlertRows.encodeLots(rooms), to.milliseconds, from.milliseconds]
      ).map(AlertRows.record)
      for alert in alerts {
        recordDigest.append(alert.id)
        recordDigest.append(alert.state.rawValue)
        recordDigest.append(alert.ackedAt?.milliseconds ?? 0)
        recordDigest.append(alert.ackedBy ?? "")
      }
      let digests = (records: recordDigest.sha256, readings: readingDigest.sha256)
      // The seal names a room as `room:<site>/<room>`, a site as `site:<site>`: no lot id has a `:` or a `/`.
      var seal = ReportSeal(
        lot: (scope.contains("/") ? "room:" : "site:") + scope, from: from, to: to,
        readings: series.reduce(0) { $0 + $1.count },
        placementsSHA256: digests.records, readingsSHA256: digests.readings, probesSHA256: "", spansSHA256: "",
        sha256: JournalChain.hash(digests.records + digests.readings))
      if let head = try Row.fetchOne(db, sql: "SELECT id, line FROM alert_events ORDER BY id DESC LIMIT 1") {
        seal.journalEventID = head[0]
        seal.journalSHA256 = JournalChain.hash(head[1])
      }
      return RoomReportInput(
        site: site, rooms: rooms, scope: scope, from: from, to: to, series: series, calibrations: calibrations,
        alerts: alerts, seal: seal)
    }
  }
}
