import GRDB

/// Migration `v20-leg-imports` (docs/protocol.md, "Imported legs"): legs of a lot recorded by standalone loggers and
/// imported from their files, and their readings. A leg is one file: its SHA-256, name, who imported it and when and
/// how many rows it had are kept with it; its readings are its own (not rows of `readings`: no probe, no sequence,
/// never judged by the live rules).
enum LegImportSchema {
  static func migrate(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE leg_imports (
          id INTEGER PRIMARY KEY,
          lot_id TEXT NOT NULL REFERENCES lots(id),
          leg TEXT NOT NULL,
          logger TEXT,
          file_name TEXT NOT NULL,
          file_sha256 TEXT NOT NULL,
          imported_by TEXT NOT NULL,
          imported_ms INTEGER NOT NULL,
          rows INTEGER NOT NULL,
          from_ms INTEGER NOT NULL,
          to_ms INTEGER NOT NULL,
          UNIQUE (lot_id, leg),
          UNIQUE (lot_id, file_sha256)
        );
        CREATE TABLE leg_readings (
          import_id INTEGER NOT NULL REFERENCES leg_imports(id),
          ts_ms INTEGER NOT NULL,
          temp_c REAL NOT NULL,
          rh_pct REAL,
          PRIMARY KEY (import_id, ts_ms)
        ) WITHOUT ROWID;
        """)
  }
}
