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
  /// The stored samples, oldest first (by event time, then sequence).
  public func readings(_ filter: ReadingFilter) throws -> [StoredReading] {
    var clauses: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    for (column, value) in [("s.site", filter.site), ("s.room", filter.room), ("s.sensor", filter.sensor)] {
      if let value {
        clauses.append("\(column) = ?")
        arguments.append(value)
      }
    }
    if let since = filter.since {
      clauses.append("r.ts_ms >= ?")
      arguments.append(since.milliseconds)
    }
    if let until = filter.until {
      clauses.append("r.ts_ms <= ?")
      arguments.append(until.milliseconds)
    }
    let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
    let sql = """
      SELECT s.site, s.room, s.sensor, s.agent, \(StoredSample.columns(alias: "r"))
      FROM readings r JOIN sources s ON s.id = r.source_id \(whereClause)
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
