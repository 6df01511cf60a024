/// A value read from a TOML document. Dates and times are not among them: `TOMLReader` refuses them (ColdTrace's
/// configuration files write times as RFC 3339 strings).
public enum TOMLValue: Sendable, Equatable {
  case string(String)
  case integer(Int)
  case float(Double)
  case boolean(Bool)
  case array([TOMLValue])
  case table(TOMLTable)

  /// The text of a string value, else `nil`.
  public var string: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// The value of an integer, else `nil` (a float is not an integer).
  public var int: Int? {
    if case .integer(let number) = self { return number }
    return nil
  }

  /// The value of a float, else `nil` (an integer is not a float: callers that take both ask for each).
  public var double: Double? {
    if case .float(let number) = self { return number }
    return nil
  }

  /// The value of a boolean, else `nil`.
  public var bool: Bool? {
    if case .boolean(let flag) = self { return flag }
    return nil
  }

  /// The elements of an array, else `nil`.
  public var array: [TOMLValue]? {
    if case .array(let elements) = self { return elements }
    return nil
  }

  /// The table of a table (a `[header]` table, an inline table or one element of an array of tables), else `nil`.
  public var table: TOMLTable? {
    if case .table(let table) = self { return table }
    return nil
  }
}

/// A TOML table: keys and their values.
public struct TOMLTable: Sendable, Equatable {
  /// The table's entries by key.
  public let entries: [String: TOMLValue]

  public init(_ entries: [String: TOMLValue] = [:]) { self.entries = entries }

  /// The keys in byte order (the order TOMLKit's toml++ tables list them, so the first unknown key reported is the
  /// same).
  public var keys: [String] { entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

  public subscript(key: String) -> TOMLValue? { entries[key] }
}
