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
    // The time window first (?1, ?2, folded into each stay's bounds so the readings key is searched with one lower
    // and one upper bound), then the filters.
    var clauses: [String] = []
    var arguments: [any DatabaseValueConvertible] = [
      filter.since?.milliseconds ?? Int64.min, filter.until.map { $0.milliseconds + 1 } ?? Int64.max,
    ]
    for (column, value) in [("s.site", filter.site), ("st.room", filter.room), ("s.sensor", filter.sensor)] {
      if let value {
        clauses.append("\(column) = ?\(arguments.count + 1)")
        arguments.append(value)
      }
    }
    let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
    // CROSS JOIN keeps the readings innermost: each stay reads its probe's readings by the (source, time) key.
    let sql = """
      WITH \(ProbeLifecycleSchema.stays)
      SELECT s.site, st.room, s.sensor, s.agent, \(StoredSample.columns(alias: "r"))
      FROM stays st JOIN sources s ON s.id = st.source_id
      CROSS JOIN readings r
        ON r.source_id = st.source_id AND r.ts_ms >= MAX(st.from_ms, ?1) AND r.ts_ms < MIN(st.to_ms, ?2)
      \(whereClause)
      ORDER BY r.ts_ms, s.site, s.sensor, r.seq
      """
    return try read { db in
      try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
        StoredReading(
          key: SensorKey(site: row[0], room: row[1], sensor: row[2]), agent: row[3],
          sample: StoredSample.sample(row, at: 4))
      }
    }
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
