import ColdTraceCore
import GRDB

/// An imported leg of a lot as `coldtrace lot show` lists it: its period, logger, file and how many readings, without
/// the readings themselves (the lot report loads those, `LegImportRows`).
public struct ImportedLegSummary: Sendable, Equatable {
  /// The operator's name for the leg, e.g. `farm-packhouse`.
  public var name: String
  /// The logger's model and serial number, if the import named it.
  public var logger: String?
  /// The imported file's name (without its directory) and the SHA-256 of its bytes, in hex.
  public var fileName: String
  public var fileSHA256: String
  public var importedBy: String
  public var importedAt: Timestamp
  /// The logger's first and last reading, and how many there are.
  public var from: Timestamp
  public var to: Timestamp
  public var readings: Int
}

extension ImportedLegSummary: ImportedLegFields {
  public var readingCount: Int { readings }
}

extension SQLiteStore {
  /// The imported legs of `lot`, first to last (`coldtrace import`).
  public func importedLegSummaries(lot: String) throws -> [ImportedLegSummary] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT leg, logger, file_name, file_sha256, imported_by, imported_ms, from_ms, to_ms, rows FROM leg_imports
          WHERE lot_id = ? ORDER BY from_ms, leg
          """, arguments: [lot]
      ).map { row in
        ImportedLegSummary(
          name: row[0], logger: row[1], fileName: row[2], fileSHA256: row[3], importedBy: row[4],
          importedAt: Timestamp(milliseconds: row[5]), from: Timestamp(milliseconds: row[6]),
          to: Timestamp(milliseconds: row[7]), readings: row[8])
      }
    }
  }
}
