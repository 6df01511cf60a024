import ColdTraceCore
import GRDB

extension WriteTransaction {
  /// Appends one line to the journal table, chained to the line before it: `render` gets the line's `event_id` and
  /// returns a JSON object starting with `{"event":…`; the stored line is that object with `"prev"` (the SHA-256 of
  /// the previous line) first. Alert events carry `alertID`; lot changes and treatment completions carry `lotID`.
  /// `AlertJournal` copies the lines to the journal file in id order.
  func appendJournalLine(
    event: String, alertID: Int64?, lotID: String?, at: Timestamp, render: (Int64) -> String
  ) throws -> (eventID: Int64, line: String) {
    let previous = try Row.fetchOne(
      db.cachedStatement(sql: "SELECT id, line FROM alert_events ORDER BY id DESC LIMIT 1"))
    let nextID = (previous?["id"] as Int64? ?? 0) + 1
    let chained = previous.map { JournalChain.hash($0["line"]) } ?? JournalChain.genesis
    let rendered = render(nextID)
    let line = JSONObjectWriter.object(capacity: rendered.utf8.count + 80) { json in
      json.string("prev", chained)
      json.members(of: rendered)
    }
    try db.cachedStatement(
      sql: "INSERT INTO alert_events (id, alert_id, lot_id, event, at_ms, line) VALUES (?, ?, ?, ?, ?, ?)"
    ).execute(arguments: [nextID, alertID, lotID, event, at.milliseconds, line])
    journal.lines.append(JournalLine(eventID: nextID, line: line))
    return (nextID, line)
  }
}

/// One line of the alert journal as committed: its `event_id` and its text (without the newline).
public struct JournalLine: Sendable, Equatable {
  public let eventID: Int64
  public let line: String

  public init(eventID: Int64, line: String) {
    self.eventID = eventID
    self.line = line
  }
}

/// The journal lines one transaction appended, in order (`WriteTransaction.journal`).
final class CommittedJournalLines {
  var lines: [JournalLine] = []
}
