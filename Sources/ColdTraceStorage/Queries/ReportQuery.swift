import ColdTraceCore
import GRDB

extension SQLiteStore {
  /// Everything `coldtrace report` needs for one lot over [its creation, `until`) — `until` defaults to its close, or
  /// `now` while it is open — read in one transaction: every probe of the rooms it was placed in, during each
  /// placement, with its placement from `placements` (the collector's view; a probe not in it is in the air), the
  /// defrost and door spans of those rooms, the alerts that name it, and the integrity seal over that data at
  /// `sealVersion` (`--verify` recomputes a file's seal at the version it was made with). `nil` when there is no such
  /// lot.
  ///
  /// Readings stream from one prepared statement per probe and placement (the table's time-ordered key) into flat
  /// arrays; sensor-fault rows without values are left out, and so are inputs (a defrost or door contact: its rows
  /// carry a signal, no value), which are no probe.
  public func reportInput(
    lot id: String, until: Timestamp? = nil, now: Timestamp, placements: [ProbeKey: Placement] = [:],
    sealVersion: Int = ReportSeal.currentVersion
  ) throws -> LotReportInput? {
    try read { db in
      guard let lot = try LotRows.lot(db, id: id) else { return nil }
      let from = lot.placements.first?.from ?? lot.createdAt
      let to = max(from, until ?? lot.closedAt ?? now)
      var placementDigest = ReportDigest()
      placementDigest.append(lot.id)
      placementDigest.append(lot.product)
      placementDigest.append(lot.market ?? "")
      placementDigest.append(from.milliseconds)
      placementDigest.append(to.milliseconds)
      var readingDigest = ReportDigest()
      var probeDigest = ReportDigest()
      var spanDigest = ReportDigest()
      var series: [ProbeSeries] = []
      var spans: [StayRoomSpan] = []
      // The probes' stays in the placement's room that overlap it, clipped to it: a probe that moved in or out
      // counts only while it hung there (its room history), a retired one only until its retirement.
      let probes = try db.cachedStatement(
        sql: ProbeLifecycleSchema.probeStaysInRoom)
      let readings = try db.cachedStatement(
        sql: """
          SELECT ts_ms, temp_mc, rh_mpct, time_quality FROM readings
          WHERE source_id = ? AND ts_ms >= ? AND ts_ms < ? AND (temp_mc IS NOT NULL OR rh_mpct IS NOT NULL)
          ORDER BY ts_ms
          """)
      for placement in lot.placements {
        let start = placement.from.milliseconds
        let end = min(placement.to?.milliseconds ?? to.milliseconds, to.milliseconds)
        guard end > start else { continue }
        placementDigest.append(placement.site)
        placementDigest.append(placement.room)
        placementDigest.append(start)
        placementDigest.append(end)
        for probe in try Row.fetchAll(probes, arguments: [start, end, placement.site, placement.room]) {
          let source: Int64 = probe[0]
          if try Self.isInput(db, source: source) { continue }
          let sensor: String = probe[1]
          let (stayStart, stayEnd): (Int64, Int64) = (probe[2], probe[3])
          let mounted = placements[ProbeKey(site: placement.site, sensor: sensor)] ?? .air
          var one = ProbeSeries(
            site: placement.site, room: placement.room, sensor: sensor, placement: mounted,
            fromMilliseconds: stayStart, toMilliseconds: stayEnd)
          readingDigest.append(one.site)
          readingDigest.append(one.sensor)
          readingDigest.append(stayStart)
          readingDigest.append(stayEnd)
          probeDigest.append(one.site)
          probeDigest.append(one.room)
          probeDigest.append(one.sensor)
          probeDigest.append(stayStart)
          probeDigest.append(mounted.rawValue)
          let rows = try Row.fetchCursor(readings, arguments: [source, stayStart, stayEnd])
          while let row = try rows.next() {
            let time: Int64 = row[0]
            let temperature = StoredSample.value(row[1])
            let humidity = StoredSample.value(row[2])
            let quality = TimeQuality(storedCode: row[3])
            one.append(milliseconds: time, temperature: temperature, humidity: humidity, timeQuality: quality)
            readingDigest.append(time)
            readingDigest.append(temperature)
            readingDigest.append(humidity)
            // Sealed when there is one, so every reading of a lot without any seals as before.
            if let quality { readingDigest.append(quality.storedCode) }
          }
          series.append(one)
        }
        let stayEnd = Timestamp(milliseconds: end)
        for var span in try RoomSpanRows.fetch(
          db, site: placement.site, room: placement.room, from: placement.from, to: stayEnd)
        where span.start < stayEnd && (span.end ?? stayEnd) > placement.from {
          span.end = min(span.end ?? stayEnd, stayEnd)
          spans.append(StayRoomSpan(site: placement.site, room: placement.room, span: span))
          spanDigest.append(placement.site)
          spanDigest.append(placement.room)
          spanDigest.append(span.signal.rawValue)
          spanDigest.append(span.source.rawValue)
          spanDigest.append(span.sensor ?? "")
          spanDigest.append(span.start.milliseconds)
          spanDigest.append(span.end?.milliseconds ?? end)
        }
      }
      // The calibrations the report states are sealed with the placements; a lot whose probes have none keeps the
      // seal it had before calibrations were recorded.
      let calibrations = try calibrations(of: series, at: to, db)
      for (probe, calibration) in calibrations.sorted(by: { $0.key < $1.key }) {
        placementDigest.append(probe)
        placementDigest.append(calibration.certificate)
        placementDigest.append(calibration.calibratedAt.milliseconds)
        placementDigest.append(calibration.due.milliseconds)
      }
      // Imported legs are sealed by their files' hashes and periods; a lot without any keeps the seal it had.
      let legs = try LegImportRows.legs(db, lot: lot.id)
      for leg in legs {
        placementDigest.append(leg.name)
        placementDigest.append(leg.fileSHA256)
        placementDigest.append(leg.series.fromMilliseconds)
        placementDigest.append(leg.series.toMilliseconds)
      }
      let digests = (
        placements: placementDigest.sha256, readings: readingDigest.sha256, probes: probeDigest.sha256,
        spans: spanDigest.sha256
      )
      var seal = ReportSeal(
        version: sealVersion, lot: lot.id, from: from, to: to, readings: series.reduce(0) { $0 + $1.count },
        placementsSHA256: digests.placements, readingsSHA256: digests.readings, probesSHA256: digests.probes,
        spansSHA256: digests.spans,
        sha256: JournalChain.hash(
          ReportSeal.overallInput(
            version: sealVersion, placements: digests.placements, readings: digests.readings,
            probes: digests.probes, spans: digests.spans)))
      if let head = try Row.fetchOne(db, sql: "SELECT id, line FROM alert_events ORDER BY id DESC LIMIT 1") {
        seal.journalEventID = head[0]
        seal.journalSHA256 = JournalChain.hash(head[1])
      }
      let alerts = try Row.fetchAll(
        db,
        sql: """
          SELECT \(AlertRows.columns) FROM alerts
          WHERE EXISTS (SELECT 1 FROM json_each(alerts.lots) WHERE value = ?) AND opened_ms < ?
          ORDER BY opened_ms, id
          """,
        arguments: [lot.id, to.milliseconds]
      ).map(AlertRows.record)
      var input = LotReportInput(
        lot: lot, from: from, to: to, series: series, alerts: alerts, spans: spans, seal: seal)
      input.calibrations = calibrations
      input.lateReadings = try LateReadingRows.fetch(db, series: series)
      input.legs = legs
      return input
    }
  }

  /// Whether `source` is an input (a defrost or door contact) rather than a probe: its newest row that is no fault
  /// carries a signal (a sample never mixes a signal with values, and either kind of source may report faults).
  static func isInput(_ db: Database, source: Int64) throws -> Bool {
    try Bool.fetchOne(
      db,
      sql: """
        SELECT defrost IS NOT NULL OR door_open IS NOT NULL FROM readings WHERE source_id = ? AND error IS NULL
        ORDER BY ts_ms DESC LIMIT 1
        """,
      arguments: [source]) ?? false
  }

  /// The calibration in force at `time` (the latest calibrated by then) of each probe of `series`, by `site/sensor`.
  func calibrations(of series: [ProbeSeries], at time: Timestamp, _ db: Database) throws
    -> [String: ProbeCalibration]
  {
    let statement = try db.cachedStatement(
      sql: """
        SELECT c.certificate, c.calibrated_ms, c.due_ms, c.by_name FROM probe_calibrations c
        JOIN sources s ON s.id = c.source_id
        WHERE s.site = ? AND s.sensor = ? AND c.calibrated_ms <= ? ORDER BY c.calibrated_ms DESC, c.id DESC LIMIT 1
        """)
    var found: [String: ProbeCalibration] = [:]
    for one in series where found["\(one.site)/\(one.sensor)"] == nil {
      if let row = try Row.fetchOne(statement, arguments: [one.site, one.sensor, time.milliseconds]) {
        found["\(one.site)/\(one.sensor)"] = ProbeCalibration(
          certificate: row[0], calibratedAt: Timestamp(milliseconds: row[1]), due: Timestamp(milliseconds: row[2]),
          by: row[3])
      }
    }
    return found
  }

  /// Whether the alert journal still holds event `eventID` with a line hashing to `sha256`, and the chain from the
  /// first stored event up to it is unbroken: `nil` when it does, else the reason in words.
  public func journalDiscrepancy(eventID: Int64, sha256: String) throws -> String? {
    try read { db in
      guard
        let stored = try String.fetchOne(db, sql: "SELECT line FROM alert_events WHERE id = ?", arguments: [eventID])
      else { return "alert journal event \(eventID) is no longer in the database" }
      if JournalChain.hash(stored) != sha256 {
        return "alert journal event \(eventID) was changed since the report (its line hashes differently)"
      }
      let lines = try String.fetchAll(
        db, sql: "SELECT line FROM alert_events WHERE id <= ? ORDER BY id", arguments: [eventID])
      if case .failure(let broken) = JournalChain.verify(files: [("database", lines.joined(separator: "\n"))]) {
        return "alert journal chain is broken up to event \(eventID): \(broken.reason)"
      }
      return nil
    }
  }
}
