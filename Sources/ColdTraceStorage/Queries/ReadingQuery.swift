import ColdTraceCore
import GRDB

/// A stored sample with the probe it came from.
public struct StoredReading: Sendable, Equatable {
  public var key: SensorKey
  public var agent: String?
  public var sample: Sample
}

/// Which readings `coldtrace readings` shows.
public struct ReadingFilter: Sendable {
  public var site: String?
  public var room: String?
  public var sensor: String?
  public var since: Timestamp?
  public var until: Timestamp?
  public init() {}
}

/// Counts by quarantine reason, and the stored total.
public struct IngestCounts: Sendable, Equatable {
  public var readings: Int
  public var quarantinedByReason: [String: Int]
}

extension SQLiteStore {
  /// The stored samples, oldest first (by event time, then sequence), each in the room its probe hung in at its
  /// time (the probe's room history), so a probe that moved leaves its old readings in the old room.
  public func readings(_ filter: ReadingFilter) throws -> [StoredReading] {
    try read { db in try ReadingListing.readings(filter, on: db, roomHistory: true) }
  }
  public func counts() throws -> IngestCounts {
    try read { db in
      let readings = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM readings") ?? 0
      var byReason: [String: Int] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT reason, COUNT(*) AS n FROM quarantine GROUP BY reason") {
        byReason[row["reason"]] = row["n"]
      }
      return IngestCounts(readings: readings, quarantinedByReason: byReason)
    }
  }
}

/// `coldtrace readings`' query, one text for both stores (`QueryExecutor`).
public enum ReadingListing {
  /// The stored samples matching `filter`, oldest first (by event time, then site, sensor and sequence). With
  /// `roomHistory` (the `probe_rooms` table), each reading is in the room its probe hung in at its time, and a probe
  /// with no history row (written to PostgreSQL by something that keeps none) in its current room; without it, every
  /// reading in its probe's current room.
  public static func readings<Executor: QueryExecutor>(
    _ filter: ReadingFilter, on executor: Executor, roomHistory: Bool
  ) throws -> [StoredReading] {
    let dialect = executor.dialect
    // The time window first (?1, ?2, folded into each stay's bounds so the readings key is searched with one lower
    // and one upper bound), then the filters.
    var clauses: [String] = []
    var arguments: [QueryValue] = [
      .integer(filter.since?.milliseconds ?? Int64.min),
      .integer(filter.until.map { $0.milliseconds + 1 } ?? Int64.max),
    ]
    for (column, value) in [("s.site", filter.site), ("st.room", filter.room), ("s.sensor", filter.sensor)] {
      if let value {
        clauses.append("\(column) = ?\(arguments.count + 1)")
        arguments.append(.text(value))
      }
    }
    let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
    let stays = roomHistory ? historyElseCurrentRoomStays : currentRoomStays
    // CROSS JOIN keeps the readings innermost: each stay reads its probe's readings by the (source, time) key.
    let sql = """
      WITH \(stays)
      SELECT s.site, st.room, s.sensor, s.agent, \(StoredSample.columns(alias: "r"))
      FROM stays st JOIN sources s ON s.id = st.source_id
      \(dialect.innermostJoin) readings r
        ON r.source_id = st.source_id AND r.ts_ms >= \(dialect.greatest("st.from_ms", "?1"))
        AND r.ts_ms < \(dialect.least("st.to_ms", "?2"))
      \(whereClause)
      ORDER BY r.ts_ms, \(dialect.bytewise("s.site")), \(dialect.bytewise("s.sensor")), r.seq
      """
    var readings: [StoredReading] = []
    try executor.forEachRow(sql: sql, arguments: arguments) { row in
      readings.append(
        StoredReading(
          key: SensorKey(site: try row.string(0), room: try row.string(1), sensor: try row.string(2)),
          agent: row.optionalString(3), sample: try StoredSample.sample(fields: row, at: 4)))
    }
    return readings
  }

  /// The probes' stays by their room history (`ProbeLifecycleSchema.stays`), and for a probe without any history row
  /// one stay in its current room for all time. (SQLite records a probe's first room when it makes the probe, so
  /// there the second part is empty.)
  static let historyElseCurrentRoomStays = """
    stays AS (
      SELECT source_id, room, from_ms,
        COALESCE(LEAD(from_ms) OVER (PARTITION BY source_id ORDER BY from_ms), 9223372036854775807) AS to_ms
      FROM probe_rooms
      UNION ALL
      SELECT id AS source_id, room, CAST(-9223372036854775807 - 1 AS bigint) AS from_ms,
        CAST(9223372036854775807 AS bigint) AS to_ms
      FROM sources s WHERE NOT EXISTS (SELECT 1 FROM probe_rooms p WHERE p.source_id = s.id)
    )
    """

  /// Each probe's one stay, in its current room, for all time: `stays` where there is no room history.
  static let currentRoomStays = """
    stays AS (
      SELECT id AS source_id, room, CAST(-9223372036854775807 - 1 AS bigint) AS from_ms,
        CAST(9223372036854775807 AS bigint) AS to_ms
      FROM sources
    )
    """
}
