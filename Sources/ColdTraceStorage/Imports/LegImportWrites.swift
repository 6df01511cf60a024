import ColdTraceCore
import GRDB

/// A leg to import: the parsed file and what is recorded about it.
public struct LegImportRequest: Sendable {
  public var lot: String
  public var leg: String
  public var logger: String?
  public var fileName: String
  public var fileSHA256: String
  public var importedBy: String
  public var importedAt: Timestamp
  public var readings: [ImportedReading]

  public init(
    lot: String, leg: String, logger: String?, fileName: String, fileSHA256: String, importedBy: String,
    importedAt: Timestamp, readings: [ImportedReading]
  ) {
    self.lot = lot
    self.leg = leg
    self.logger = logger
    self.fileName = fileName
    self.fileSHA256 = fileSHA256
    self.importedBy = importedBy
    self.importedAt = importedAt
    self.readings = readings
  }
}

/// What an import did: stored the leg, or found the same file already imported for the lot (nothing changed).
public enum LegImportOutcome: Sendable, Equatable {
  case imported(rows: Int)
  case alreadyImported(leg: String, rows: Int, importedAt: Timestamp)
}

/// A refused import: unknown lot, a leg name already used by another file, or readings that overlap another leg.
public struct LegImportError: Error, Sendable, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}

extension WriteTransaction {
  /// Stores a leg and its readings, journalled as `leg_imported`, in the caller's transaction: all or nothing.
  /// Importing a file the lot already has (same SHA-256) changes nothing, whatever leg name is given again; a leg name
  /// the lot already has from another file, or readings overlapping another leg of the lot, are refused.
  public func importLeg(_ request: LegImportRequest) throws -> LegImportOutcome {
    guard try Int.fetchOne(db, sql: "SELECT 1 FROM lots WHERE id = ?", arguments: [request.lot]) != nil else {
      throw LegImportError("no lot \(request.lot) (see `coldtrace lot list`)")
    }
    if let row = try Row.fetchOne(
      db, sql: "SELECT leg, rows, imported_ms FROM leg_imports WHERE lot_id = ? AND file_sha256 = ?",
      arguments: [request.lot, request.fileSHA256])
    {
      return .alreadyImported(leg: row[0], rows: row[1], importedAt: Timestamp(milliseconds: row[2]))
    }
    if let row = try Row.fetchOne(
      db, sql: "SELECT file_name, file_sha256 FROM leg_imports WHERE lot_id = ? AND leg = ?",
      arguments: [request.lot, request.leg])
    {
      let (name, hash): (String, String) = (row[0], row[1])
      throw LegImportError(
        "lot \(request.lot) already has leg \(request.leg), from \(name) (sha256 \(hash.prefix(12))…); "
          + "name this one differently")
    }
    guard let first = request.readings.first?.time, let last = request.readings.last?.time else {
      throw LegImportError("\(request.fileName) has no readings")
    }
    // Legs may touch (one logger's last reading at the minute the next one's first is taken: a handover), not overlap.
    if let row = try Row.fetchOne(
      db,
      sql: "SELECT leg, from_ms, to_ms FROM leg_imports WHERE lot_id = ? AND from_ms < ? AND to_ms > ? LIMIT 1",
      arguments: [request.lot, last.milliseconds, first.milliseconds])
    {
      let (leg, from, to): (String, Int64, Int64) = (row[0], row[1], row[2])
      throw LegImportError(
        "\(request.fileName) covers \(first.rfc3339) to \(last.rfc3339), which overlaps leg \(leg) of lot "
          + "\(request.lot) (\(Timestamp(milliseconds: from).rfc3339) to \(Timestamp(milliseconds: to).rfc3339))")
    }
    try db.execute(
      sql: """
        INSERT INTO leg_imports (lot_id, leg, logger, file_name, file_sha256, imported_by, imported_ms, rows, from_ms,
          to_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        request.lot, request.leg, request.logger, request.fileName, request.fileSHA256, request.importedBy,
        request.importedAt.milliseconds, request.readings.count, first.milliseconds, last.milliseconds,
      ])
    let importID = db.lastInsertedRowID
    let insert = try db.cachedStatement(
      sql: "INSERT INTO leg_readings (import_id, ts_ms, temp_c, rh_pct) VALUES (?, ?, ?, ?)")
    for reading in request.readings {
      try insert.execute(arguments: [importID, reading.time.milliseconds, reading.temperature, reading.humidity])
    }
    _ = try appendJournalLine(event: "leg_imported", alertID: nil, lotID: request.lot, at: request.importedAt) {
      eventID in
      JournalFields.line(event: "leg_imported", eventID: eventID, at: request.importedAt) { json in
        json.string("lot", request.lot)
        json.string("leg", request.leg)
        json.string("logger", request.logger)
        json.string("file", request.fileName)
        json.string("sha256", request.fileSHA256)
        json.integer("rows", Int64(request.readings.count))
        json.string("from", first.rfc3339)
        json.string("to", last.rfc3339)
        json.string("by", request.importedBy)
      }
    }
    return .imported(rows: request.readings.count)
  }
}

/// The imported legs of a lot, for its report.
enum LegImportRows {
  static func legs(_ db: Database, lot: String) throws -> [ImportedLeg] {
    let readings = try db.cachedStatement(
      sql: "SELECT ts_ms, temp_c, rh_pct FROM leg_readings WHERE import_id = ? ORDER BY ts_ms")
    var legs: [ImportedLeg] = []
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT id, leg, logger, file_name, file_sha256, imported_by, imported_ms, from_ms, to_ms FROM leg_imports
        WHERE lot_id = ? ORDER BY from_ms, leg
        """, arguments: [lot])
    {
      let name: String = row[1]
      var series = ProbeSeries(
        site: ImportedLeg.site, room: name, sensor: name, placement: .air, fromMilliseconds: row[7],
        toMilliseconds: row[8])
      let cursor = try Row.fetchCursor(readings, arguments: [row[0] as Int64])
      while let reading = try cursor.next() {
        series.append(milliseconds: reading[0], temperature: reading[1], humidity: reading[2])
      }
      legs.append(
        ImportedLeg(
          name: name, logger: row[2], fileName: row[3], fileSHA256: row[4], importedBy: row[5],
          importedAt: Timestamp(milliseconds: row[6]), series: series))
    }
    return legs
  }
}
