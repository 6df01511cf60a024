/// The rows a statement returned, copied out of libpq's result (which is freed at once), so a result is a plain value.
/// Values are PostgreSQL's text form; `PostgresRow` reads them as Swift types.
public struct PostgresResult: Sendable {
  public let columns: [String]
  public let rows: [PostgresRow]
  /// How many rows an INSERT, UPDATE or DELETE changed (`PQcmdTuples`), 0 for other statements.
  public let rowsAffected: Int
  /// The command tag, e.g. `INSERT 0 3` or `ROLLBACK`.
  public let commandTag: String

  /// The only row, or `nil` when there is none; more than one is an error in the caller's statement.
  public func single() throws -> PostgresRow? {
    guard rows.count <= 1 else {
      throw PostgresError(.statement, message: "expected at most one row, got \(rows.count)")
    }
    return rows.first
  }
}

/// One row: its values by column position, `nil` for NULL. The typed reads throw a one-line error naming the column
/// for a NULL where a value is required, or text that is not of the type asked for.
public struct PostgresRow: Sendable, Equatable {
  public let columns: [String]
  public let values: [String?]

  public subscript(_ index: Int) -> String? { values[index] }

  public func string(_ index: Int) throws -> String { try required(index, "text") }
  public func optionalString(_ index: Int) -> String? { values[index] }

  public func int64(_ index: Int) throws -> Int64 { try parse(index, "an integer", Int64.init) }
  public func optionalInt64(_ index: Int) throws -> Int64? {
    try values[index] == nil ? nil : int64(index)
  }

  public func double(_ index: Int) throws -> Double { try parse(index, "a number", Self.parseDouble) }
  public func optionalDouble(_ index: Int) throws -> Double? {
    try values[index] == nil ? nil : double(index)
  }

  public func bool(_ index: Int) throws -> Bool {
    try parse(index, "a boolean") { $0 == "t" ? true : ($0 == "f" ? false : nil) }
  }
  public func optionalBool(_ index: Int) throws -> Bool? {
    try values[index] == nil ? nil : bool(index)
  }

  /// A `bytea` in its hex text form (`\x0a1b…`, the server's default output).
  public func bytes(_ index: Int) throws -> [UInt8] { try parse(index, "bytea in hex form", Self.parseHex) }

  private func required(_ index: Int, _ what: String) throws -> String {
    guard let value = values[index] else {
      throw PostgresError(.statement, message: "column \(index) (\(columns[index])) is NULL, expected \(what)")
    }
    return value
  }

  private func parse<T>(_ index: Int, _ what: String, _ convert: (String) -> T?) throws -> T {
    let text = try required(index, what)
    guard let value = convert(text) else {
      throw PostgresError(
        .statement,
        message: "column \(index) (\(columns[index])) holds \(text.prefix(40).debugDescription), expected \(what)")
    }
    return value
  }

  private static func parseDouble(_ text: String) -> Double? {
    switch text {
    case "NaN": .nan
    case "Infinity": .infinity
    case "-Infinity": -.infinity
    default: Double(text)
    }
  }

  private static func parseHex(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count >= 2, digits[0] == UInt8(ascii: "\\"), digits[1] == UInt8(ascii: "x"), digits.count % 2 == 0
    else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2 - 1)
    var index = 2
    while index < digits.count {
      guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    return bytes
  }

  private static func nibble(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
