import ColdTraceCore
import GRDB

/// Reading alerts back from their rows.
enum AlertRows {
  static let columns = """
    id, kind, severity, state, site, room, sensor, product, lots, opened_ms, resolved_ms, acked_ms, acked_by, note,
    limit_value, peak, message, silenced
    """

  /// An alert from a row of `columns`, read by position (in `columns`' order): by name, GRDB looks every column up
  /// in a dictionary, which showed in listings of thousands of alerts.
  static func record(_ row: Row) -> AlertRecord {
    AlertRecord(
      id: row[0],
      kind: AlertKind(rawValue: row[1]) ?? .sensorFault,
      severity: Severity(rawValue: row[2]) ?? .critical,
      state: AlertState(rawValue: row[3]) ?? .open,
      site: row[4], room: row[5], sensor: row[6],
      lots: decodeLots(row[8]),
      product: row[7],
      openedAt: Timestamp(milliseconds: row[9]),
      resolvedAt: (row[10] as Int64?).map(Timestamp.init(milliseconds:)),
      ackedAt: (row[11] as Int64?).map(Timestamp.init(milliseconds:)),
      ackedBy: row[12], note: row[13],
      limit: row[14], peak: row[15], message: row[16], silenced: row[17])
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
