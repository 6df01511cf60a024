import ColdTraceCore
import GRDB

/// Lots and where they have been: `coldtrace lot add/move/close/list/show`, and the collector's question "which lots
/// were in this room at this time?".
extension SQLiteStore {
  /// Registers a new lot in a room from `at` (see `WriteTransaction.addLot`).
  public func addLot(
    _ id: String, product: String, market: String?, site: String, room: String, at: Timestamp
  ) throws -> Lot {
    try write { tx in try tx.addLot(id, product: product, market: market, site: site, room: room, at: at) }
  }

  /// Moves an open lot to another room at `at` (see `WriteTransaction.moveLot`).
  public func moveLot(_ id: String, site: String, room: String, at: Timestamp) throws -> Lot {
    try write { tx in try tx.moveLot(id, site: site, room: room, at: at) }
  }

  /// Closes a lot at `at` (see `WriteTransaction.closeLot`).
  public func closeLot(_ id: String, at: Timestamp) throws -> Lot {
    try write { tx in try tx.closeLot(id, at: at).lot }
  }

  public func lots() throws -> [Lot] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT id FROM lots ORDER BY created_ms, id").compactMap {
        try LotRows.lot(db, id: $0)
      }
    }
  }

  public func lot(_ id: String) throws -> Lot? {
    try read { db in try LotRows.lot(db, id: id) }
  }

  /// Every room holding lots at `time`, keyed "site/room", each with its lots as `WriteTransaction.lots(inRoom:at:)`
  /// lists them: one query for the collector's room limits, whatever the number of rooms.
  public func lotsByRoom(at time: Timestamp) throws -> [String: [(id: String, product: String)]] {
    try read { db in
      var rooms: [String: [(id: String, product: String)]] = [:]
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT p.site, p.room, l.id, l.product FROM lot_placements p JOIN lots l ON l.id = p.lot_id
          WHERE p.from_ms <= ? AND (p.to_ms IS NULL OR p.to_ms > ?) ORDER BY p.from_ms, l.id
          """,
        arguments: [time.milliseconds, time.milliseconds])
      for row in rows {
        let site: String = row[0]
        let room: String = row[1]
        rooms["\(site)/\(room)", default: []].append((row[2], row[3]))
      }
      return rooms
    }
  }
}

extension WriteTransaction {
  /// The placements in a room that overlap `from...to`, to answer `lots(inRoom:at:)` for many samples with one
  /// query (a `samples` batch).
  public func occupancy(ofRoom site: String, _ room: String, from: Timestamp, to: Timestamp) throws -> RoomOccupancy {
    RoomOccupancy(
      placements: try Row.fetchAll(
        db.cachedStatement(
          sql: """
            SELECT l.id, l.product, p.from_ms, p.to_ms FROM lot_placements p JOIN lots l ON l.id = p.lot_id
            WHERE p.site = ? AND p.room = ? AND p.from_ms <= ? AND (p.to_ms IS NULL OR p.to_ms > ?)
            ORDER BY p.from_ms, l.id
            """),
        arguments: [site, room, to.milliseconds, from.milliseconds]
      ).map { RoomOccupancy.Placement(id: $0["id"], product: $0["product"], fromMs: $0["from_ms"], toMs: $0["to_ms"]) })
  }

  /// The lots in a room at `time`, with their products, oldest placement first.
  public func lots(inRoom site: String, _ room: String, at time: Timestamp) throws -> [(id: String, product: String)] {
    try Row.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT l.id, l.product FROM lot_placements p JOIN lots l ON l.id = p.lot_id
          WHERE p.site = ? AND p.room = ? AND p.from_ms <= ? AND (p.to_ms IS NULL OR p.to_ms > ?)
          ORDER BY p.from_ms, l.id
          """),
      arguments: [site, room, time.milliseconds, time.milliseconds]
    ).map { ($0["id"], $0["product"]) }
  }
}

/// Reading lots back from their rows.
enum LotRows {
  static func lot(_ db: Database, id: String) throws -> Lot? {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM lots WHERE id = ?", arguments: [id]) else { return nil }
    let placements = try Row.fetchAll(
      db, sql: "SELECT site, room, from_ms, to_ms FROM lot_placements WHERE lot_id = ? ORDER BY from_ms, rowid",
      arguments: [id]
    ).map { placement in
      Lot.Placement(
        site: placement["site"], room: placement["room"], from: Timestamp(milliseconds: placement["from_ms"]),
        to: (placement["to_ms"] as Int64?).map(Timestamp.init(milliseconds:)))
    }
    return Lot(
      id: row["id"], product: row["product"], market: row["market"],
      createdAt: Timestamp(milliseconds: row["created_ms"]),
      closedAt: (row["closed_ms"] as Int64?).map(Timestamp.init(milliseconds:)), placements: placements)
  }

  static func openLot(_ db: Database, id: String) throws -> Lot {
    guard let lot = try lot(db, id: id) else { throw LotError("no lot \(id) (see `coldtrace lot list`)") }
    if let closed = lot.closedAt { throw LotError("lot \(id) was closed at \(closed.rfc3339)") }
    return lot
  }
}

/// Which lots were in one room over a span of time, in placement order (as `lots(inRoom:at:)` orders them).
public struct RoomOccupancy: Sendable {
  struct Placement: Sendable {
    var id: String
    var product: String
    var fromMs: Int64
    var toMs: Int64?
  }

  let placements: [Placement]

  /// The lots in the room at `time`, exactly as `WriteTransaction.lots(inRoom:at:)` lists them.
  public func lots(at time: Timestamp) -> [(id: String, product: String)] {
    let ms = time.milliseconds
    return placements.filter { $0.fromMs <= ms && ($0.toMs.map { ms < $0 } ?? true) }.map { ($0.id, $0.product) }
  }
}
