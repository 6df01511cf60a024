import ColdTraceCore

/// Acknowledging an alert on PostgreSQL: one call of `coldtrace_acknowledge` (migration 5), which checks the login
/// role may acknowledge the alert's site, updates the alert and appends its journal line, in one transaction.
public enum PostgresAcknowledgement {
  /// What one acknowledgement committed: the alert's state after it, and its journal line (chain and id).
  public struct Recorded: Sendable, Equatable {
    public let state: AlertState
    public let chain: Int32
    public let eventID: Int64
    public let line: String
  }

  /// The schema version that has the function.
  public static let schemaVersion = 5

  /// Acknowledges alert `alertID` as the connection's login role. Refusals are `AcknowledgementRefusal`s (one line,
  /// bad input); anything else is the server's error.
  public static func acknowledge(
    alertID: Int64, by person: String, note: String?, on connection: PostgresConnection
  ) throws -> Recorded {
    let row: PostgresRow
    do {
      row = try connection.transaction {
        try connection.execute(
          "SELECT chain, event_id, state, line FROM coldtrace_acknowledge($1, $2, $3)",
          [.int(alertID), .text(person), .string(note)]
        ).rows[0]
      }
    } catch let error as PostgresError where error.kind == .statement {
      switch error.sqlState {
      case "CT404", "CT403", "22023": throw AcknowledgementRefusal(error.message)
      case "42501":
        let role = (try? connection.execute("SELECT session_user").rows[0].string(0)) ?? "this role"
        throw AcknowledgementRefusal(
          "role \(role) may not acknowledge alerts: it was granted read-only access "
            + "(coldtrace access grant \(role) --site … --ack)")
      default: throw error
      }
    }
    return Recorded(
      state: AlertState(rawValue: try row.string(2)) ?? .acked, chain: Int32(try row.int64(0)),
      eventID: try row.int64(1), line: try row.string(3))
  }
}

/// An acknowledgement the database refused: no such alert (or one of a site this role may not see), a site this role
/// may only read, a role without the right to acknowledge, or a bad name or note. Bad input, one line.
public struct AcknowledgementRefusal: Error, CustomStringConvertible, Equatable {
  public let description: String
  init(_ description: String) { self.description = description }
}
