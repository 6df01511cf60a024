import GRDB

/// The seam that lets one query text run on both stores: a GRDB `Database` (SQLite) and a PostgreSQL connection
/// (ColdTracePostgres) each run SQL with positional parameters and hand its rows to a body, read by column position.
///
/// A shared query writes its parameters as `?` (numbered in order) or `?1`, `?2`, … (SQLite's own forms; the
/// PostgreSQL executor rewrites them to `$1`, `$2`, …), never both in one statement. Where the engines' SQL differs,
/// the query asks `dialect` for the fragment (`SQLDialect`), so each difference lives in one place.
public protocol QueryExecutor {
  associatedtype ResultRow: QueryRow
  var dialect: SQLDialect { get }
  /// Runs `sql` with `arguments` and calls `body` with each row, in order.
  func forEachRow(sql: String, arguments: [QueryValue], _ body: (ResultRow) throws -> Void) throws
}

/// A row read by column position. A NULL where a value is required, or a value of another type, throws.
public protocol QueryRow {
  func int64(_ index: Int) throws -> Int64
  func optionalInt64(_ index: Int) throws -> Int64?
  func optionalDouble(_ index: Int) throws -> Double?
  func string(_ index: Int) throws -> String
  func optionalString(_ index: Int) -> String?
  /// SQLite stores booleans as 0/1, PostgreSQL as `boolean`.
  func optionalBool(_ index: Int) throws -> Bool?
}

/// A statement parameter, bound apart from the SQL text on both engines.
public enum QueryValue: Sendable, Equatable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
}

/// Which engine's SQL a query is written for, and the fragments that differ between them.
public enum SQLDialect: Sendable, Equatable {
  case sqlite
  case postgres

  /// The larger of two values (SQLite's two-argument `MAX`, PostgreSQL's `GREATEST`).
  public func greatest(_ a: String, _ b: String) -> String {
    self == .sqlite ? "MAX(\(a), \(b))" : "GREATEST(\(a), \(b))"
  }

  /// The smaller of two values.
  public func least(_ a: String, _ b: String) -> String {
    self == .sqlite ? "MIN(\(a), \(b))" : "LEAST(\(a), \(b))"
  }

  /// A text expression for ORDER BY, compared byte by byte as SQLite does (PostgreSQL would use the database's
  /// locale, where `-` and `_` may be ignored).
  public func bytewise(_ expression: String) -> String {
    self == .sqlite ? expression : "\(expression) COLLATE \"C\""
  }

  /// A join whose right side is read innermost: SQLite's `CROSS JOIN` is its planner's "keep this order" (and takes
  /// an `ON`); PostgreSQL's planner chooses the order itself and allows `ON` only on a plain `JOIN`.
  public var innermostJoin: String { self == .sqlite ? "CROSS JOIN" : "JOIN" }

  /// Whether the JSON array of strings in `column` (an alert's `lots`) holds the text of parameter `parameter`.
  public func jsonArray(_ column: String, contains parameter: String) -> String {
    switch self {
    case .sqlite: "EXISTS (SELECT 1 FROM json_each(\(column)) WHERE value = \(parameter))"
    // `@>`, not the `?` operator: `?` is a parameter in the shared text.
    case .postgres: "(\(column))::jsonb @> jsonb_build_array(\(parameter)::text)"
    }
  }
}

extension Database: QueryExecutor {
  public var dialect: SQLDialect { .sqlite }

  /// The statement is prepared once per connection and text (GRDB's statement cache): `status` runs the same few
  /// texts once per probe. So `body` must not run the same text again while the rows are read.
  public func forEachRow(sql: String, arguments: [QueryValue], _ body: (Row) throws -> Void) throws {
    let values: [(any DatabaseValueConvertible)?] = arguments.map { value in
      switch value {
      case .null: nil
      case .integer(let integer): integer
      case .real(let real): real
      case .text(let text): text
      }
    }
    let rows = try Row.fetchCursor(cachedStatement(sql: sql), arguments: StatementArguments(values))
    while let row = try rows.next() { try body(row) }
  }
}

extension Row: QueryRow {
  public func int64(_ index: Int) throws -> Int64 { self[index] }
  public func optionalInt64(_ index: Int) throws -> Int64? { self[index] }
  public func optionalDouble(_ index: Int) throws -> Double? { self[index] }
  public func string(_ index: Int) throws -> String { self[index] }
  public func optionalString(_ index: Int) -> String? { self[index] }
  public func optionalBool(_ index: Int) throws -> Bool? { self[index] }
}
