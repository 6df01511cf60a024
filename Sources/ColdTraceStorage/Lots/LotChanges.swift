import ColdTraceCore
import GRDB

/// Lot changes inside a write transaction, each journalled as a line of the alert journal's hash chain (`lot_added`,
/// `lot_moved`, `lot_closed`), so the per-lot rules of the same transaction see the change (`lot add --at` in the
/// past evaluates the stored readings in one go).
extension WriteTransaction {
  /// Registers a new lot in a room from `at`.
  public func addLot(
    _ id: String, product: String, market: String?, site: String, room: String, at: Timestamp
  ) throws -> Lot {
    if try Int.fetchOne(db, sql: "SELECT 1 FROM lots WHERE id = ?", arguments: [id]) != nil {
      throw LotError("lot \(id) already exists (use `coldtrace lot move` to change its room)")
    }
    try db.execute(
      sql: "INSERT INTO lots (id, product, market, created_ms) VALUES (?, ?, ?, ?)",
      arguments: [id, product, market, at.milliseconds])
    try db.execute(
      sql: "INSERT INTO lot_placements (lot_id, site, room, from_ms) VALUES (?, ?, ?, ?)",
      arguments: [id, site, room, at.milliseconds])
    let lot = try LotRows.lot(db, id: id)!
    try recordLotLine("lot_added", lot: lot, at: at, extra: [("site", site), ("room", room)])
    return lot
  }

  /// Moves an open lot to another room at `at` (not before it entered its current room).
  public func moveLot(_ id: String, site: String, room: String, at: Timestamp) throws -> Lot {
    let lot = try LotRows.openLot(db, id: id)
    guard let current = lot.currentPlacement else { throw LotError("lot \(id) is in no room") }
    guard at > current.from else {
      throw LotError(
        "lot \(id) entered \(current.site)/\(current.room) at \(current.from.rfc3339); a move must come after that")
    }
    if current.site == site && current.room == room {
      throw LotError("lot \(id) is already in \(site)/\(room)")
    }
    try db.execute(
      sql: "UPDATE lot_placements SET to_ms = ? WHERE lot_id = ? AND to_ms IS NULL", arguments: [at.milliseconds, id])
    try db.execute(
      sql: "INSERT INTO lot_placements (lot_id, site, room, from_ms) VALUES (?, ?, ?, ?)",
      arguments: [id, site, room, at.milliseconds])
    let moved = try LotRows.lot(db, id: id)!
    try recordLotLine(
      "lot_moved", lot: moved, at: at,
      extra: [("site", site), ("room", room), ("from_site", current.site), ("from_room", current.room)])
    return moved
  }

  /// Closes a lot at `at` (it left the facility): its placement ends, no reading applies to it after that, and its
  /// open lot alerts (`budget`, `treatment`) resolve, their events returned for publishing.
  public func closeLot(_ id: String, at: Timestamp) throws -> (lot: Lot, resolved: [RecordedEvent]) {
    let lot = try LotRows.openLot(db, id: id)
    if let current = lot.currentPlacement, at < current.from {
      throw LotError("lot \(id) entered its room at \(current.from.rfc3339); it cannot close before that")
    }
    try db.execute(
      sql: "UPDATE lot_placements SET to_ms = ? WHERE lot_id = ? AND to_ms IS NULL", arguments: [at.milliseconds, id])
    try db.execute(sql: "UPDATE lots SET closed_ms = ? WHERE id = ?", arguments: [at.milliseconds, id])
    let closed = try LotRows.lot(db, id: id)!
    try recordLotLine("lot_closed", lot: closed, at: at, extra: [])
    var resolved: [RecordedEvent] = []
    for alert in try openLotAlerts(id) {
      let event = AlertEvent(
        type: .resolved, key: SensorKey(site: alert.site, room: alert.room, sensor: alert.sensor), kind: alert.kind,
        severity: alert.severity, productID: alert.product ?? lot.product, at: max(at, alert.openedAt),
        limit: alert.limit, value: nil, peak: alert.peak,
        message: "lot \(id) closed at \(at.rfc3339); \(alert.message)")
      resolved.append(try apply(event))
    }
    return (closed, resolved)
  }

  /// A lot as it stands in this transaction, or `nil` if there is none with this id.
  public func lot(_ id: String) throws -> Lot? {
    try LotRows.lot(db, id: id)
  }

  /// The lot alerts (`budget`, `treatment`) still open for `lot`, wherever they were raised.
  func openLotAlerts(_ lot: String) throws -> [AlertRecord] {
    let sensors = LotEngine.alertSensors(lot: lot)
    let marks = sensors.map { _ in "?" }.joined(separator: ",")
    return try Row.fetchAll(
      db,
      sql: "SELECT \(AlertRows.columns) FROM alerts WHERE sensor IN (\(marks)) AND state != 'resolved' ORDER BY id",
      arguments: StatementArguments(sensors)
    ).map(AlertRows.record)
  }

  /// Journals a lot change: `{"prev":…,"event":"lot_added","event_id":…,"at":…,"lot":…,"product":…,"market":…,…}`.
  private func recordLotLine(_ event: String, lot: Lot, at: Timestamp, extra: [(String, String)]) throws {
    _ = try appendJournalLine(event: event, alertID: nil, lotID: lot.id, at: at) { eventID in
      JournalFields.line(event: event, eventID: eventID, at: at) { json in
        json.string("lot", lot.id)
        json.string("product", lot.product)
        json.string("market", lot.market)
        for (key, value) in extra { json.string(key, value) }
      }
    }
  }
}

/// JSON lines of the journal that are no alert event, with the same leading fields as alert lines.
enum JournalFields {
  static func line(
    event: String, eventID: Int64, at: Timestamp, _ fields: (inout JSONObjectWriter) -> Void
  ) -> String {
    JSONObjectWriter.object { json in
      json.string("event", event)
      json.integer("event_id", eventID)
      json.string("at", at.rfc3339)
      fields(&json)
    }
  }
}
