import ColdTraceCore
import Foundation
import GRDB
import GRDBSQLite

/// ColdTrace's one kind of write transaction: the collector's ingest (sources, samples, quarantine, engine state,
/// alert events), the lot commands and the operator's `ack` all write through it (`SQLiteStore.write`). Every journal
/// line it appends is also kept in `journal`, so the caller can hand the committed lines on without reading them back.
public struct WriteTransaction {
  let db: Database
  let journal: CommittedJournalLines
  /// The collector's scheduled maintenance windows, judged with the silences stored in the database.
  let windows: [MaintenanceWindow]
  /// The collector's notification channels: which of them each recorded alert event is queued for.
  let routing: NotificationRouting?
  /// The zones alert messages show times in (`SQLiteStore.useTimeZones`); `nil`: UTC, as the rules wrote them.
  let timeZones: SiteTimeZones?

  init(
    db: Database, journal: CommittedJournalLines = CommittedJournalLines(), windows: [MaintenanceWindow] = [],
    routing: NotificationRouting? = nil, timeZones: SiteTimeZones? = nil
  ) {
    self.db = db
    self.journal = journal
    self.windows = windows
    self.routing = routing
    self.timeZones = timeZones
  }

  /// The integer id of a probe, created on first sight; its room and agent follow the latest message. A room that
  /// differs from the last one is also a move in the probe's room history (`probe_rooms`) from `from`, the earliest
  /// time of the message that says so (`nil`: just after the probe's newest stored reading), so its earlier readings
  /// stay in the room they were taken in.
  public func sourceID(for key: SensorKey, agent: String?, from: Timestamp? = nil) throws -> Int64 {
    let find = try db.cachedStatement(sql: "SELECT id, room, agent FROM sources WHERE site = ? AND sensor = ?")
    if let row = try Row.fetchOne(find, arguments: [key.site, key.sensor]) {
      // By position: GRDB looks a column up by name case-insensitively, lowercasing the name each time.
      let id: Int64 = row[0]
      let room: String = row[1]
      let knownAgent: String? = row[2]
      if room != key.room || (agent != nil && agent != knownAgent) {
        try db.cachedStatement(sql: "UPDATE sources SET room = ?, agent = COALESCE(?, agent) WHERE id = ?")
          .execute(arguments: [key.room, agent, id])
      }
      if room != key.room {
        try recordRoom(key.room, source: id, from: try from ?? afterLatestReading(of: id))
      }
      return id
    }
    try db.cachedStatement(sql: "INSERT INTO sources (site, sensor, room, agent) VALUES (?, ?, ?, ?)")
      .execute(arguments: [key.site, key.sensor, key.room, agent])
    let id = db.lastInsertedRowID
    try recordFirstRoom(key.room, source: id)
    return id
  }

  /// A known probe's id and current room.
  public func source(site: String, sensor: String) throws -> (id: Int64, room: String)? {
    try Row.fetchOne(
      db.cachedStatement(sql: "SELECT id, room FROM sources WHERE site = ? AND sensor = ?"), arguments: [site, sensor]
    ).map { ($0["id"], $0["room"]) }
  }

  /// A writer for samples known to be new (`NewSampleWriter`), for this transaction only.
  public func newSampleWriter() -> NewSampleWriter { NewSampleWriter(db: db) }

  /// Stores the samples that are not stored yet and returns exactly those, in order, as stored: temperature and
  /// humidity at 0.001 resolution (`StoredSample`), what every later read of them gives.
  ///
  /// One statement per row, so each row's change count says whether it was new (`NewSampleWriter.insertEach`).
  /// Samples known to be new take `NewSampleWriter`'s multi-row statements instead.
  public func insertNew(_ samples: [Sample], source: Int64) throws -> [Sample] {
    try newSampleWriter().insertEach(samples, source: source)
  }

  /// Keeps a rejected payload with the reason it was rejected: whole up to the largest payload the decoder accepts,
  /// and only its first 256 KiB beyond that (the detail says how large it was), so oversized junk cannot fill the disk.
  public func quarantine(topic: String, payload: UnsafeRawBufferPointer, rejection: PayloadRejection, at: Timestamp)
    throws
  {
    try quarantine(topic: topic, payload: payload, reason: rejection.reason.rawValue, detail: rejection.detail, at: at)
  }

  /// Keeps a message under any reason label (`ingest_failed` for one that decoded but could not be stored).
  public func quarantine(
    topic: String, payload: UnsafeRawBufferPointer, reason: String, detail: String, at: Timestamp
  ) throws {
    let kept = UnsafeRawBufferPointer(rebasing: payload.prefix(ReadingDecoder.maxPayloadBytes))
    var detail = detail
    if kept.count < payload.count { detail += " (first \(kept.count) of \(payload.count) bytes kept)" }
    try db.cachedStatement(
      sql: "INSERT INTO quarantine (received_ms, topic, reason, detail, payload) VALUES (?, ?, ?, ?, ?)"
    ).execute(arguments: [at.milliseconds, String(topic.prefix(1024)), reason, detail, Data(kept)])
  }

  public func saveWatermark(_ watermark: Int64, source: Int64) throws {
    try db.cachedStatement(sql: "UPDATE sources SET acked_seq = ? WHERE id = ?").execute(arguments: [watermark, source])
  }

  /// Saves a probe's engine state in its compact binary form (`SensorRuleState.binaryEncoded`).
  public func saveEngineState(_ state: SensorRuleState, source: Int64) throws {
    try db.cachedStatement(sql: "INSERT OR REPLACE INTO engine_state (source_id, state) VALUES (?, ?)")
      .execute(arguments: [source, Data(state.binaryEncoded())])
  }

  /// Applies one engine event to the alerts table (a new alert, an escalation, a resolution) and records it as an
  /// alert event; returns the alert as it now stands and the event's id. An event in an active silence or maintenance
  /// window at its own time is marked with it (`silenced`), and so not notified; an open alert it hides waits for the
  /// silence's end (`releaseSilencedAlerts`). `notify: false`: recorded and journalled but queued for no channel (a
  /// member of a room's alert, which is notified instead).
  public func apply(_ event: AlertEvent, lots: [String] = [], notify: Bool = true) throws -> RecordedEvent {
    var event = event
    if let zone = timeZones?.zone(ofSite: event.key.site) { event.message = zone.localizingTimes(in: event.message) }
    let key = event.key
    let silence = try silenceCovering(key, at: event.at)
    let pending = silence != nil && event.type != .resolved
    var alert: AlertRecord
    switch event.type {
    case .opened:
      alert = AlertRecord(
        id: 0, kind: event.kind, severity: event.severity, state: .open, site: key.site, room: key.room,
        sensor: key.sensor, lots: lots, product: event.productID, openedAt: event.at, limit: event.limit,
        peak: event.peak, message: event.message, silenced: silence)
      try db.cachedStatement(
        sql: """
          INSERT INTO alerts (kind, severity, state, site, room, sensor, product, lots, opened_ms, limit_value, peak,
            message, silenced, silence_pending)
          VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """
      ).execute(arguments: [
        event.kind.rawValue, event.severity.rawValue, key.site, key.room, key.sensor, event.productID,
        AlertRows.encodeLots(lots), event.at.milliseconds, event.limit, event.peak, event.message, silence, pending,
      ])
      alert.id = db.lastInsertedRowID
    case .escalated, .resolved:
      guard let open = try AlertRows.openAlert(db, key: key, kind: event.kind) else {
        throw StoreError("no open \(event.kind.rawValue) alert for \(key) to \(event.type.rawValue)")
      }
      alert = open
      alert.severity = max(alert.severity, event.severity)
      alert.lots += lots.filter { !alert.lots.contains($0) }
      alert.peak = event.peak ?? alert.peak
      alert.message = event.message
      alert.silenced = silence
      if event.type == .escalated {
        alert.limit = event.limit
      } else {
        alert.state = .resolved
        alert.resolvedAt = event.at
      }
      try db.cachedStatement(
        sql: """
          UPDATE alerts SET severity = ?, state = ?, resolved_ms = ?, limit_value = ?, peak = ?, message = ?, lots = ?,
            silenced = ?, silence_pending = ?
          WHERE id = ?
          """
      ).execute(arguments: [
        alert.severity.rawValue, alert.state.rawValue, alert.resolvedAt?.milliseconds, alert.limit, alert.peak,
        alert.message, AlertRows.encodeLots(alert.lots), silence, pending, alert.id,
      ])
    }
    var recorded = try recordEvent(event.type.rawValue, alert: alert, at: event.at, notify: notify && silence == nil)
    recorded.silencedBy = silence
    return recorded
  }

  /// Acknowledges an alert. An alert already resolved keeps its state and gains the acknowledgement.
  public func acknowledge(alertID: Int64, by person: String, note: String?, at: Timestamp) throws -> RecordedEvent {
    guard var alert = try AlertRows.alert(db, id: alertID) else {
      throw StoreError("no alert with id \(alertID)")
    }
    if alert.state == .open { alert.state = .acked }
    alert.ackedAt = at
    alert.ackedBy = person
    alert.note = note ?? alert.note
    try db.cachedStatement(sql: "UPDATE alerts SET state = ?, acked_ms = ?, acked_by = ?, note = ? WHERE id = ?")
      .execute(arguments: [alert.state.rawValue, at.milliseconds, person, alert.note, alertID])
    return try recordEvent("acked", alert: alert, at: at, notify: false)
  }

  /// Announces again every acknowledged alert still open `afterSeconds` after its acknowledgement or its last
  /// announcement (event `renotified`), so an alarm someone acknowledged and then forgot is not forgotten.
  public func renotifyDue(now: Timestamp, afterSeconds: Double) throws -> [RecordedEvent] {
    let cutoff = now.milliseconds - Int64(afterSeconds * 1000)
    let due = try Row.fetchAll(
      db,
      sql: """
        SELECT \(AlertRows.columns) FROM alerts
        WHERE state = 'acked' AND silence_pending = 0 AND COALESCE(renotified_ms, acked_ms) <= ? ORDER BY id
        """, arguments: [cutoff]
    ).map(AlertRows.record)
    var recorded: [RecordedEvent] = []
    for alert in due {
      try db.execute(sql: "UPDATE alerts SET renotified_ms = ? WHERE id = ?", arguments: [now.milliseconds, alert.id])
      recorded.append(try recordEvent("renotified", alert: alert, at: now))
    }
    return recorded
  }

  /// Journals an alert event and, when it is one people are told of (`notify`: not an acknowledgement, not held back
  /// by a silence), queues it in the notification outbox for every channel it is routed to, in this transaction.
  func recordEvent(_ name: String, alert: AlertRecord, at: Timestamp, notify: Bool = true) throws -> RecordedEvent {
    let (eventID, line) = try appendJournalLine(event: name, alertID: alert.id, lotID: nil, at: at) { eventID in
      alert.jsonLine(event: name, eventID: eventID, at: at)
    }
    let recorded = RecordedEvent(alert: alert, eventID: eventID, line: line)
    if notify { try queueNotifications(recorded, event: name) }
    return recorded
  }
}

/// An alert event as committed: the alert as it now stands, the event's id, and its journal line (hash-chained).
public struct RecordedEvent: Sendable, Equatable {
  public let alert: AlertRecord
  public let eventID: Int64
  public let line: String
  /// The silence or maintenance window that covered this event: it is journalled and published, not notified.
  public internal(set) var silencedBy: String? = nil
}
