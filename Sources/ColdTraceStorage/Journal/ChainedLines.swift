import ColdTraceCore
import GRDB

extension IngestTransaction {
  /// Appends one line to the journal's hash chain (the `alert_events` table, which the journal file follows): its
  /// `prev` is the hash of the line before. `object` renders the line's JSON object, without `prev`, for the line's
  /// event id. `alertID` is `nil` for lines about no alert (`config_changed`).
  func appendChainedLine(
    event: String, alertID: Int64?, at: Timestamp, object: (_ eventID: Int64) -> String
  ) throws -> (id: Int64, line: String) {
    let previous = try Row.fetchOne(
      db.cachedStatement(sql: "SELECT id, line FROM alert_events ORDER BY id DESC LIMIT 1"))
    let nextID = (previous?["id"] as Int64? ?? 0) + 1
    let chained = previous.map { JournalChain.hash($0["line"]) } ?? JournalChain.genesis
    let line = "{\"prev\":\"\(chained)\"," + object(nextID).dropFirst()
    try db.cachedStatement(sql: "INSERT INTO alert_events (id, alert_id, event, at_ms, line) VALUES (?, ?, ?, ?, ?)")
      .execute(arguments: [nextID, alertID, event, at.milliseconds, line])
    return (nextID, line)
  }

  /// The configuration the last `config_changed` line recorded, if any.
  public func lastRecordedConfiguration() throws -> ConfigurationSnapshot? {
    let line = try String.fetchOne(
      db, sql: "SELECT line FROM alert_events WHERE event = 'config_changed' ORDER BY id DESC LIMIT 1")
    return line.flatMap(ConfigurationSnapshot.parse(line:))
  }

  /// Appends a `config_changed` line when `snapshot` differs from the last recorded configuration (or none was
  /// recorded yet); returns the line, or `nil` when nothing changed.
  @discardableResult
  public func recordConfiguration(_ snapshot: ConfigurationSnapshot, at: Timestamp) throws -> String? {
    let earlier = try lastRecordedConfiguration()
    guard earlier != snapshot else { return nil }
    let changes = snapshot.changes(from: earlier)
    return try appendChainedLine(event: "config_changed", alertID: nil, at: at) { id in
      "{\"event\":\"config_changed\",\"event_id\":\(id),\"at\":\(JSONText.quoted(at.rfc3339)),"
        + snapshot.jsonFields(changes: changes) + "}"
    }.line
  }
}
