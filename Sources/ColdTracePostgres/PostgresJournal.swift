import ColdTraceStorage

/// Reading and checking the journal's chains in PostgreSQL (one per slot, `SlotTransaction.appendJournalLine`).
public enum PostgresJournal {
  /// A chain's lines, oldest first.
  public static func lines(chain: Int32, on connection: PostgresConnection) throws -> [JournalLine] {
    try connection.execute("SELECT id, line FROM journal_lines WHERE chain = $1 ORDER BY id", [.int(chain)]).rows.map {
      JournalLine(eventID: try $0.int64(0), line: try $0.string(1))
    }
  }

  /// Checks a chain as `coldtrace journal verify` checks a file (`JournalChain.verify`): every line's `prev` is the
  /// hash of the line before, the first line's is 64 zeros, ids run from 1 without a gap, and the head row names the
  /// last line and its hash. Returns the number of lines; throws where the chain breaks.
  ///
  /// The lines and the head row are read in one snapshot (`inSnapshot`), so an acknowledgement or a collector's line
  /// committed between the two reads is not taken for a changed chain. `afterReadingLines` runs between them (tests).
  @discardableResult
  package static func verify(
    chain: Int32, on connection: PostgresConnection, afterReadingLines: () throws -> Void
  ) throws -> Int {
    try inSnapshot(connection) { try check(chain: chain, on: connection, afterReadingLines: afterReadingLines) }
  }

  @discardableResult
  public static func verify(chain: Int32, on connection: PostgresConnection) throws -> Int {
    try verify(chain: chain, on: connection, afterReadingLines: {})
  }

  /// Runs `body` in one `REPEATABLE READ READ ONLY` transaction, so every statement of it sees the database as it
  /// stood at the first; inside a transaction the caller opened already, in that one.
  static func inSnapshot<T>(_ connection: PostgresConnection, _ body: () throws -> T) throws -> T {
    if connection.isInTransaction { return try body() }
    try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    let value: T
    do {
      value = try body()
    } catch {
      if connection.isOpen { _ = try? connection.execute("ROLLBACK") }
      throw error
    }
    try connection.execute("COMMIT")
    return value
  }

  static func check(chain: Int32, on connection: PostgresConnection, afterReadingLines: () throws -> Void) throws
    -> Int
  {
    let lines = try lines(chain: chain, on: connection)
    try afterReadingLines()
    let name = "journal chain \(chain)"
    for (position, line) in lines.enumerated() where line.eventID != Int64(position + 1) {
      throw ChainBreak(
        chain: chain, line: position + 1,
        reason: "id \(line.eventID) where \(position + 1) was expected: a line is missing")
    }
    if let first = lines.first, JournalChain.declaredPrevious(first.line[...]) != JournalChain.genesis {
      throw ChainBreak(chain: chain, line: 1, reason: "the first line's \"prev\" is not 64 zeros")
    }
    let text = lines.map(\.line).joined(separator: "\n")
    let head: String
    switch JournalChain.verify(files: [(name, text)]) {
    case .failure(let broken): throw ChainBreak(chain: chain, line: broken.line, reason: broken.reason)
    case .success(let checked):
      guard checked.torn.isEmpty else {
        throw ChainBreak(chain: chain, line: 0, reason: "lines that are no JSON object: \(checked.torn)")
      }
      head = checked.head
    }
    let stored = try connection.execute(
      "SELECT last_id, last_hash FROM journal_heads WHERE chain = $1", [.int(chain)]
    ).single()
    let storedID = try stored?.int64(0) ?? 0
    let storedHash = try stored?.string(1) ?? JournalChain.genesis
    guard storedID == Int64(lines.count), storedHash == head else {
      throw ChainBreak(
        chain: chain, line: lines.count,
        reason: "the head row names line \(storedID) hashing to \(storedHash.prefix(12))…, but the chain ends at line "
          + "\(lines.count) hashing to \(head.prefix(12))…: the newest lines were changed or removed")
    }
    return lines.count
  }
}

/// Where a chain in PostgreSQL breaks: the chain (slot), the line (its id), and why.
public struct ChainBreak: Error, CustomStringConvertible, Equatable {
  public let chain: Int32
  public let line: Int
  public let reason: String
  public var description: String { "journal chain \(chain), line \(line): \(reason)" }
}
