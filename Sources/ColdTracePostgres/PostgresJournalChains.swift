/// Every journal chain of a PostgreSQL database checked at once (`coldtrace journal verify --db postgres://…`): each
/// slot's chain (0 and up) and each chain copied from SQLite by `coldtrace migrate` (-1 and down).
public enum PostgresJournalChains {
  public struct Checked: Sendable, Equatable {
    public let chain: Int32
    public let lines: Int
    public let head: String
    /// The SQLite database the chain was copied from, for an imported chain.
    public let importedFrom: String?
  }

  /// Verifies every chain that has a head row or a line, lowest number first; throws the first `ChainBreak`. All in
  /// one snapshot, so lines committed meanwhile (an acknowledgement, a collector's) are not taken for a break.
  public static func verifyAll(on connection: PostgresConnection) throws -> [Checked] {
    try verifyAll(on: connection, afterReadingLines: { _ in })
  }

  /// `verifyAll`, with `afterReadingLines` run between reading a chain's lines and its head row (tests).
  package static func verifyAll(on connection: PostgresConnection, afterReadingLines: (Int32) throws -> Void) throws
    -> [Checked]
  {
    try PostgresJournal.inSnapshot(connection) {
      let chains = try connection.execute(
        "SELECT chain FROM journal_heads UNION SELECT DISTINCT chain FROM journal_lines ORDER BY chain"
      ).rows.map { Int32(try $0.int64(0)) }
      var checked: [Checked] = []
      for chain in chains {
        let lines = try PostgresJournal.check(
          chain: chain, on: connection, afterReadingLines: { try afterReadingLines(chain) })
        let head = try connection.execute("SELECT last_hash FROM journal_heads WHERE chain = $1", [.int(chain)])
          .single()?.string(0)
        let source = try connection.execute("SELECT source FROM journal_imports WHERE chain = $1", [.int(chain)])
          .single()?.string(0)
        checked.append(Checked(chain: chain, lines: lines, head: head ?? "", importedFrom: source))
      }
      return checked
    }
  }
}
