import GRDB

/// The tables of migration `v12-probe-lifecycle`: where each probe hung over time, which probes are retired, and
/// their calibration records (docs/protocol.md, "Probe lifecycle").
///
/// - `probe_rooms`: one row per room change of a probe, `from_ms` the first instant it hung there; a probe's first
///   row starts at the smallest integer, so every reading belongs to exactly one room. `sources.room` stays the room
///   the probe's latest reading topic named (what the collector compares each reading with), while every query by
///   room reads this history, so a probe that moves leaves its old readings in the old room. A room change is rare:
///   one row when it happens, nothing per reading.
/// - `probe_retirements`: a retired probe (and its successor when it was replaced); it never raises `offline` again.
/// - `probe_calibrations`: every calibration recorded, the one with the latest calibration date in force.
enum ProbeLifecycleSchema {
  /// The `from_ms` of a probe's first room: before any reading it can have.
  static let beginning = Int64.min

  static func migrate(_ db: Database) throws {
    // The key's columns come first: SQLite 3.40's integrity_check reports "NULL value in probe_rooms.room" for a
    // WITHOUT ROWID table whose NOT NULL column sits between its key's columns.
    try db.execute(
      sql: """
        CREATE TABLE probe_rooms (
          source_id INTEGER NOT NULL REFERENCES sources(id),
          from_ms INTEGER NOT NULL,
          room TEXT NOT NULL,
          PRIMARY KEY (source_id, from_ms)
        ) WITHOUT ROWID;
        CREATE TABLE probe_retirements (
          source_id INTEGER PRIMARY KEY REFERENCES sources(id),
          retired_ms INTEGER NOT NULL,
          reason TEXT NOT NULL,
          by_name TEXT NOT NULL,
          successor TEXT
        );
        CREATE TABLE probe_calibrations (
          id INTEGER PRIMARY KEY,
          source_id INTEGER NOT NULL REFERENCES sources(id),
          certificate TEXT NOT NULL,
          calibrated_ms INTEGER NOT NULL,
          due_ms INTEGER NOT NULL,
          by_name TEXT NOT NULL
        );
        CREATE INDEX probe_calibrations_by_source ON probe_calibrations(source_id, calibrated_ms);
        """)
    // What was known before: each probe hung in its current room all along (the history starts here).
    try db.execute(
      sql: "INSERT INTO probe_rooms (source_id, room, from_ms) SELECT id, room, ? FROM sources",
      arguments: [beginning])
  }

  /// Each probe's stays in a room as `(source_id, room, from_ms, to_ms)`, `to_ms` exclusive (the largest integer for
  /// the stay that lasts): a common table expression for the queries by room, which join readings on
  /// `ts_ms >= from_ms AND ts_ms < to_ms` so each reading falls in the room the probe hung in at its time, and each
  /// stay reads the readings table by its (source, time) key.
  static let stays = """
    stays AS (
      SELECT source_id, room, from_ms,
        COALESCE(LEAD(from_ms) OVER (PARTITION BY source_id ORDER BY from_ms), 9223372036854775807) AS to_ms
      FROM probe_rooms
    )
    """

  /// The stays that count for a lot (reports, a lot's catch-up): as `stays`, but ending when the probe was retired,
  /// so a retired probe that still reports (left on a desk, still in the agent's config) adds nothing to a lot's
  /// record. A stay that starts after the retirement ends before it starts, and matches no reading.
  static let lotStays = """
    stays AS (
      SELECT p.source_id, p.room, p.from_ms,
        MIN(
          COALESCE(LEAD(p.from_ms) OVER (PARTITION BY p.source_id ORDER BY p.from_ms), 9223372036854775807),
          COALESCE(r.retired_ms, 9223372036854775807)) AS to_ms
      FROM probe_rooms p LEFT JOIN probe_retirements r ON r.source_id = p.source_id
    )
    """

  /// The probes' stays in a room (`?3` site, `?4` room) that overlap a period (`?1` from, `?2` to, milliseconds),
  /// clipped to it, per probe in time order: source id, sensor, from, to. A probe that moved in or out counts only
  /// while it hung there, a retired one only until its retirement (lot and room reports).
  static let probeStaysInRoom = """
    WITH \(lotStays)
    SELECT st.source_id, s.sensor, MAX(st.from_ms, ?1), MIN(st.to_ms, ?2) FROM stays st
    JOIN sources s ON s.id = st.source_id
    WHERE s.site = ?3 AND st.room = ?4 AND st.from_ms < ?2 AND st.to_ms > ?1 AND st.to_ms > st.from_ms
    ORDER BY s.sensor, st.from_ms
    """
}
