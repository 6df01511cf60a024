import ColdTraceCore
import GRDB

/// Reading alerts back from their rows.
enum AlertRows {
  static let columns = """
    id, kind, severity, state, site, room, sensor, product, lots, opened_ms, resolved_ms, acked_ms, acked_by, note,
    limit_value, peak, message, silenced
    """

  /// An alert from a row of `columns`, read by position (in `columns`' order): by name, GRDB looks every column up
  /// in a dictionary, which showed in listings of thousands of alerts. The same code reads SQLite's and PostgreSQL's
  /// rows (`QueryRow`).
  static func record<Fields: QueryRow>(fields row: Fields) throws -> AlertRecord {
    AlertRecord(
      id: try row.int64(0),
      kind: AlertKind(rawValue: try row.string(1)) ?? .sensorFault,
      severity: Severity(rawValue: try row.string(2)) ?? .critical,
      state: AlertState(rawValue: try row.string(3)) ?? .open,
      site: try row.string(4), room: try row.string(5), sensor: try row.string(6),
      lots: decodeLots(row.optionalString(8)),
      product: row.optionalString(7),
      openedAt: Timestamp(milliseconds: try row.int64(9)),
      resolvedAt: try row.optionalInt64(10).map(Timestamp.init(milliseconds:)),
      ackedAt: try row.optionalInt64(11).map(Timestamp.init(milliseconds:)),
      ackedBy: row.optionalString(12), note: row.optionalString(13),
      limit: try row.optionalDouble(14), peak: try row.optionalDouble(15), message: try row.string(16),
      silenced: row.optionalString(17))
  }

  /// `record` of a GRDB row, whose reads never throw (a NULL in a required column traps in GRDB itself).
  static func record(_ row: Row) -> AlertRecord {
    do {
      return try record(fields: row)
    } catch {
      preconditionFailure("a GRDB row read threw: \(error)")
    }
  }

  static func alert(_ db: Database, id: Int64) throws -> AlertRecord? {
    try Row.fetchOne(db, sql: "SELECT \(columns) FROM alerts WHERE id = ?", arguments: [id]).map(record)
  }

  /// The probe's open alert of that kind, whatever room it was raised in (a probe that moved keeps its alert); for a
  /// group's key (sensor `*`: a room's or a site's alert), the one of that room.
  static func openAlert(_ db: Database, key: SensorKey, kind: AlertKind) throws -> AlertRecord? {
    try Row.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT \(columns) FROM alerts
          WHERE site = ? AND sensor = ? AND kind = ? AND state != 'resolved' AND (sensor != '*' OR room = ?)
          ORDER BY opened_ms DESC LIMIT 1
          """),
      arguments: [key.site, key.sensor, kind.rawValue, key.room]
    ).map(record)
  }

  static func encodeLots(_ lots: [String]) -> String {
    "[" + lots.map(JSONText.quoted).joined(separator: ",") + "]"
  }

  /// The lot ids of a `lots` column (a JSON array of strings); most alerts name none. The package's own JSON parser,
  /// not Foundation's decoder: listing thousands of alerts spent most of its time setting decoders up.
  static func decodeLots(_ text: String?) -> [String] {
    guard let text, text != "[]", case .array(let values)? = try? JSONParser.parse(text) else { return [] }
    return values.compactMap { value in
      if case .string(let lot) = value { return lot }
      return nil
    }
  }
}
