import ColdTraceCore
import Foundation
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

  static func decodeLots(_ text: String?) -> [String] {
    guard let text, let data = text.data(using: .utf8) else { return [] }
    return (try? JSONDecoder().decode([String].self, from: data)) ?? []
  }
}
