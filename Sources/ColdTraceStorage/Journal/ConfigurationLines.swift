import ColdTraceCore
import GRDB

extension WriteTransaction {
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
    return try appendJournalLine(event: "config_changed", alertID: nil, lotID: nil, at: at) { id in
      JournalFields.line(event: "config_changed", eventID: id, at: at) {
        snapshot.writeJSONFields(changes: changes, to: &$0)
      }
    }.line
  }
}
