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
    let (whereClause, arguments) = Self.whereClause(filter)
    // With --since, `+opened_ms` keeps SQLite from walking the whole `alerts_by_opened` index just to skip a sort:
    // it reads the window through `alerts_by_resolved` and sorts those few rows instead.
    let order = filter.since == nil ? "opened_ms, id" : "+opened_ms, id"
    try read { db in
      let rows = try Row.fetchCursor(
        db, sql: "SELECT \(AlertRows.columns) FROM alerts \(whereClause) ORDER BY \(order)", arguments: arguments)
      while let row = try rows.next() { try body(AlertRows.record(row)) }
    }
  }

  /// The filter as SQL. "Open at any moment since" is `resolved_ms IS NULL OR resolved_ms >= since`: two ranges of
  /// the `alerts_by_resolved` index, so a recent window reads only the alerts in it, not the whole history.
  static func whereClause(_ filter: AlertFilter) -> (String, StatementArguments) {
    var clauses: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    if let since = filter.since {
      clauses.append("(resolved_ms IS NULL OR resolved_ms >= ?)")
      arguments.append(since.milliseconds)
    }
    if let until = filter.until {
      clauses.append("opened_ms <= ?")
      arguments.append(until.milliseconds)
    }
    for (column, value) in [("site", filter.site), ("room", filter.room), ("sensor", filter.sensor)] {
      if let value {
        clauses.append("\(column) = ?")
        arguments.append(value)
      }
    }
    if let lot = filter.lot {
      clauses.append("EXISTS (SELECT 1 FROM json_each(alerts.lots) WHERE value = ?)")
      arguments.append(lot)
    }
    if let severity = filter.severity {
      clauses.append("severity = ?")
      arguments.append(severity.rawValue)
    }
    if let state = filter.state {
      clauses.append("state = ?")
      arguments.append(state.rawValue)
    }
    if let afterID = filter.afterID {
      clauses.append("id > ?")
      arguments.append(afterID)
    }
    let sql = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
    return (sql, StatementArguments(arguments))
  }

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
