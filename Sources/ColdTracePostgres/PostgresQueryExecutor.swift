import ColdTraceStorage

/// A PostgreSQL connection runs the shell commands' shared queries (`QueryExecutor`): the same SQL text as on
/// SQLite, its `?` and `?N` parameters rewritten to `$N`. Rows are read through a cursor, `fetchSize` at a time, so a
/// listing of any length starts at once and holds one batch in memory, as SQLite's cursor does.
extension PostgresConnection: QueryExecutor {
  public var dialect: SQLDialect { .postgres }

  /// Rows fetched per round trip.
  static let fetchSize = 2000

  public func forEachRow(sql: String, arguments: [QueryValue], _ body: (PostgresRow) throws -> Void) throws {
    let parameters: [PostgresValue] = arguments.map { value in
      switch value {
      case .null: .null
      case .integer(let integer): .int(integer)
      case .real(let real): .double(real)
      case .text(let text): .text(text)
      }
    }
    // A cursor lives in a transaction: the caller's, or one of its own that ends with the rows.
    let cursor = "coldtrace_rows_\(UInt32.random(in: 0...UInt32.max))"
    func read() throws {
      try execute("DECLARE \(cursor) NO SCROLL CURSOR FOR " + Self.numberedParameters(sql), parameters)
      while true {
        let batch = try execute("FETCH FORWARD \(Self.fetchSize) FROM \(cursor)")
        for row in batch.rows { try body(row) }
        if batch.rows.count < Self.fetchSize { break }
      }
      try execute("CLOSE \(cursor)")
    }
    if isInTransaction { try read() } else { try transaction(read) }
  }

  /// `sql` with SQLite's parameters (`?`, numbered in order, or `?N`) as PostgreSQL's `$N`. Quoted text, quoted
  /// identifiers and comments are left as they are.
  static func numberedParameters(_ sql: String) -> String {
    var output = ""
    output.reserveCapacity(sql.utf8.count + 8)
    var next = 1
    var quote: Character? = nil
    var comment = false
    var characters = sql.makeIterator()
    var pending: Character? = nil
    while let character = pending ?? characters.next() {
      pending = nil
      if comment {
        output.append(character)
        if character == "\n" { comment = false }
        continue
      }
      if let open = quote {
        output.append(character)
        if character == open { quote = nil }
        continue
      }
      switch character {
      case "'", "\"":
        quote = character
        output.append(character)
      case "-":
        output.append(character)
        if let following = characters.next() {
          if following == "-" {
            comment = true
            output.append(following)
          } else {
            pending = following
          }
        }
      case "?":
        var digits = ""
        while let following = characters.next() {
          guard following.isASCII, following.isNumber else {
            pending = following
            break
          }
          digits.append(following)
        }
        if digits.isEmpty {
          output += "$\(next)"
          next += 1
        } else {
          output += "$" + digits
        }
      default:
        output.append(character)
      }
    }
    return output
  }
}

extension PostgresRow: QueryRow {}
