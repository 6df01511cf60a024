import ColdTraceCore
import GRDB

/// Which alerts `coldtrace alerts` shows.
public struct AlertFilter: Sendable {
  public var since: Timestamp?
  public var until: Timestamp?
  public var site: String?
  public var room: String?
  public var sensor: String?
  public var lot: String?
  public var severity: Severity?
  public var state: AlertState?
  public var afterID: Int64?
  public init() {}
}

extension SQLiteStore {
  /// Alerts matching the filter, oldest first. An alert matches a time window if it was open at any moment in it.
  public func alerts(_ filter: AlertFilter) throws -> [AlertRecord] {
    var alerts: [AlertRecord] = []
    try forEachAlert(filter) { alerts.append($0) }
    return alerts
  }

  /// Calls `body` with each alert matching the filter, oldest first, as rows are read: output starts at once and
  /// memory stays flat however many alerts match.
  public func forEachAlert(_ filter: AlertFilter, _ body: (AlertRecord) throws -> Void) throws {
    try read { db in try AlertListing.forEach(filter, on: db, body) }
  }
}

/// `coldtrace alerts`' query, one text for both stores (`QueryExecutor`).
public enum AlertListing {
  /// Calls `body` with each alert matching the filter, oldest first. An alert matches a time window if it was open at
  /// any moment in it.
  public static func forEach<Executor: QueryExecutor>(
    _ filter: AlertFilter, on executor: Executor, _ body: (AlertRecord) throws -> Void
  ) throws {
    let (whereClause, arguments) = Self.whereClause(filter, dialect: executor.dialect)
    // With --since, `+opened_ms` keeps SQLite from walking the whole `alerts_by_opened` index just to skip a sort:
    // it reads the window through `alerts_by_resolved` and sorts those few rows instead.
    let order = filter.since == nil || executor.dialect != .sqlite ? "opened_ms, id" : "+opened_ms, id"
    try executor.forEachRow(
      sql: "SELECT \(AlertRows.columns) FROM alerts \(whereClause) ORDER BY \(order)", arguments: arguments
    ) { row in try body(try AlertRows.record(fields: row)) }
  }

  /// The filter as SQL. "Open at any moment since" is `resolved_ms IS NULL OR resolved_ms >= since`: two ranges of
  /// the `alerts_by_resolved` index, so a recent window reads only the alerts in it, not the whole history.
  static func whereClause(_ filter: AlertFilter, dialect: SQLDialect) -> (String, [QueryValue]) {
    var clauses: [String] = []
    var arguments: [QueryValue] = []
    if let since = filter.since {
      clauses.append("(resolved_ms IS NULL OR resolved_ms >= ?)")
      arguments.append(.integer(since.milliseconds))
    }
    if let until = filter.until {
      clauses.append("opened_ms <= ?")
      arguments.append(.integer(until.milliseconds))
    }
    for (column, value) in [("site", filter.site), ("room", filter.room), ("sensor", filter.sensor)] {
      if let value {
        clauses.append("\(column) = ?")
        arguments.append(.text(value))
      }
    }
    if let lot = filter.lot {
      clauses.append(dialect.jsonArray("alerts.lots", contains: "?"))
      arguments.append(.text(lot))
    }
    if let severity = filter.severity {
      clauses.append("severity = ?")
      arguments.append(.text(severity.rawValue))
    }
    if let state = filter.state {
      clauses.append("state = ?")
      arguments.append(.text(state.rawValue))
    }
    if let afterID = filter.afterID {
      clauses.append("id > ?")
      arguments.append(.integer(afterID))
    }
    let sql = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
    return (sql, arguments)
  }
}

extension SQLiteStore {
  public func alert(id: Int64) throws -> AlertRecord? {
    try read { db in try AlertRows.alert(db, id: id) }
  }

  /// Journal lines of alert events with an id above `afterID`, in order (what `coldtrace alerts --follow` prints;
  /// lot changes and treatment completions are left out).
  public func alertEventLines(after afterID: Int64) throws -> [(id: Int64, line: String)] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT id, line FROM alert_events WHERE id > ? AND alert_id IS NOT NULL ORDER BY id",
        arguments: [afterID]
      ).map { ($0["id"], $0["line"]) }
    }
  }

  /// The stored journal line of one event, if the database has it.
  public func journalLine(id: Int64) throws -> String? {
    try read { db in try String.fetchOne(db, sql: "SELECT line FROM alert_events WHERE id = ?", arguments: [id]) }
  }

  /// Every journal line with an id above `afterID`, in order: alert events, lot changes and treatment completions,
  /// one hash chain (what the journal file carries).

  public func journalLines(after afterID: Int64) throws -> [(id: Int64, line: String)] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT id, line FROM alert_events WHERE id > ? ORDER BY id", arguments: [afterID])
        .map { ($0["id"], $0["line"]) }
    }
  }
}
