import ColdTraceCore
import GRDB

/// Reading alerts back from their rows.
enum AlertRows {
  static let columns = """
    id, kind, severity, state, site, room, sensor, product, lots, opened_ms, resolved_ms, acked_ms, acked_by, note,
    limit_value, peak, message
    """

  static func record(_ row: Row) -> AlertRecord {
    AlertRecord(
      id: row["id"],
      kind: AlertKind(rawValue: row["kind"]) ?? .sensorFault,
      severity: Severity(rawValue: row["severity"]) ?? .critical,
      state: AlertState(rawValue: row["state"]) ?? .open,
      site: row["site"], room: row["room"], sensor: row["sensor"],
      lots: decodeLots(row["lots"]),
      product: row["product"],
      openedAt: Timestamp(milliseconds: row["opened_ms"]),
      resolvedAt: (row["resolved_ms"] as Int64?).map(Timestamp.init(milliseconds:)),
      ackedAt: (row["acked_ms"] as Int64?).map(Timestamp.init(milliseconds:)),
      ackedBy: row["acked_by"], note: row["note"],
      limit: row["limit_value"], peak: row["peak"], message: row["message"])
  }

  static func alert(_ db: Database, id: Int64) throws -> AlertRecord? {
    try Row.fetchOne(db, sql: "SELECT \(columns) FROM alerts WHERE id = ?", arguments: [id]).map(record)
  }

  /// The probe's open alert of that kind, whatever room it was raised in (a probe that moved keeps its alert).
  static func openAlert(_ db: Database, key: SensorKey, kind: AlertKind) throws -> AlertRecord? {
    try Row.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT \(columns) FROM alerts
          WHERE site = ? AND sensor = ? AND kind = ? AND state != 'resolved'
          ORDER BY opened_ms DESC LIMIT 1
          """),
      arguments: [key.site, key.sensor, kind.rawValue]
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
