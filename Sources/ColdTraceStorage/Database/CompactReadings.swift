import GRDB

/// The `readings` table since migration `v7-compact-readings`: about half the bytes per reading of v1.
///
/// - Keyed by `(source_id, ts_ms, seq)` in a `WITHOUT ROWID` table, so every time scan (status, reports, lot rules,
///   `coldtrace readings`) reads the table itself in time order and no separate time index is kept. A reading without
///   a sequence number stores `seq` = -1 (`StoredSample.noSequence`; real numbers are ≥ 0), which makes the primary
///   key also the protocol's key of such a reading: (site, sensor, ts).
/// - `readings_once_by_seq` keeps a (site, sensor, seq) stored once whatever its time, and finds the numbers above an
///   acknowledgement watermark after a restart.
/// - Temperature and humidity are integers in the sensors' own units, milli-°C (`temp_mc`) and milli-%RH (`rh_mpct`):
///   2–3 bytes instead of 8 for a REAL; see `StoredSample`.
/// - No `received_ms`: no query read it.
enum CompactReadings {
  static let createTable = """
    CREATE TABLE readings (
      source_id INTEGER NOT NULL REFERENCES sources(id),
      ts_ms INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      temp_mc INTEGER,
      rh_mpct INTEGER,
      error TEXT,
      PRIMARY KEY (source_id, ts_ms, seq)
    ) WITHOUT ROWID
    """
  /// A (site, sensor, seq) is stored once (docs/protocol.md). Queries using it say `seq >= 0` so SQLite can choose it.
  static let createSequenceIndex =
    "CREATE UNIQUE INDEX readings_once_by_seq ON readings(source_id, seq) WHERE seq >= 0"

  /// Copies every v1 reading into the compact table (in key order, values rounded to 0.001 in SQL as `StoredSample`
  /// rounds them in Swift) and replaces the old table and its three indexes. The freed pages stay in the file, on its
  /// free list, for the readings to come.
  static func migrate(_ db: Database) throws {
    try db.execute(sql: "ALTER TABLE readings RENAME TO readings_v1")
    try db.execute(sql: createTable)
    try db.execute(
      sql: """
        INSERT INTO readings (source_id, ts_ms, seq, temp_mc, rh_mpct, error)
        SELECT source_id, ts_ms, COALESCE(seq, \(StoredSample.noSequence)),
          CAST(round(temp_c * 1000) AS INTEGER), CAST(round(rh_pct * 1000) AS INTEGER), error
        FROM readings_v1 ORDER BY source_id, ts_ms, seq
        """)
    try db.execute(sql: "DROP TABLE readings_v1")
    try db.execute(sql: createSequenceIndex)
  }
}
