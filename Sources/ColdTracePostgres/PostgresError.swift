import Foundation

/// A failure talking to PostgreSQL, in one line: a bad URL, a server that cannot be reached, a lost connection, or a
/// statement the server refused (with its SQLSTATE, e.g. `23505` for a unique violation).
public struct PostgresError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// The database URL is not one libpq accepts.
    case badURL
    /// The server could not be reached, or refused the connection (authentication, no such database).
    case cannotConnect
    /// The connection broke (the server ended the session, the network dropped).
    case connectionLost
    /// The server refused a statement; `sqlState` says why.
    case statement
    /// A write transaction of a collector slot whose epoch has moved on: another owner took the slot
    /// (`SlotWriter`, SQLSTATE `CT409`).
    case fenced
  }

  /// The SQLSTATE of the fencing check (`coldtrace_fence`): the slot has another owner now.
  public static let fencedState = "CT409"

  public let kind: Kind
  /// The server's five-character SQLSTATE, when the server answered.
  public let sqlState: String?
  /// What went wrong, in one line.
  public let message: String

  public init(_ kind: Kind, sqlState: String? = nil, message: String) {
    self.kind = kind
    self.sqlState = sqlState
    self.message = Self.oneLine(message)
  }

  public var description: String {
    switch kind {
    case .statement, .fenced: "PostgreSQL error \(sqlState ?? "?????"): \(message)"
    default: message
    }
  }

  /// libpq's messages span lines (a hint on a tab-indented second line) and end with a newline: joined with "; ".
  static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      .joined(separator: "; ")
  }
}
