/// A parameter of a statement (`$1`, `$2`, …), always sent apart from the SQL text (`PQexecParams`): values are never
/// spliced into a statement. Everything but `bytes` travels in PostgreSQL's text form; the server parses it by the
/// parameter's type (write `$1::bigint[]` where the type is not clear from the statement).
public enum PostgresValue: Sendable, Equatable {
  case null
  case text(String)
  /// Binary, for `bytea`.
  case bytes([UInt8])

  public static func int(_ value: Int64?) -> PostgresValue { value.map { .text(String($0)) } ?? .null }
  public static func int(_ value: Int) -> PostgresValue { .text(String(value)) }
  public static func int(_ value: Int32) -> PostgresValue { .text(String(value)) }
  public static func double(_ value: Double?) -> PostgresValue {
    // Swift prints the shortest text that reads back as the same Double; PostgreSQL reads it exactly.
    value.map { .text($0.isFinite ? String($0) : ($0.isNaN ? "NaN" : ($0 > 0 ? "Infinity" : "-Infinity"))) } ?? .null
  }
  public static func bool(_ value: Bool?) -> PostgresValue { value.map { .text($0 ? "t" : "f") } ?? .null }
  public static func string(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }

  /// An array parameter (`$1::bigint[]`, for `unnest`): one value per element, `nil` for NULL.
  public static func intArray<T: BinaryInteger>(_ values: [T?]) -> PostgresValue {
    .text(arrayText(values.map { $0.map { String($0) } }, quoted: false))
  }
  public static func intArray<T: BinaryInteger>(_ values: [T]) -> PostgresValue {
    .text(arrayText(values.map { String($0) }, quoted: false))
  }
  public static func boolArray(_ values: [Bool?]) -> PostgresValue {
    .text(arrayText(values.map { $0.map { $0 ? "t" : "f" } }, quoted: false))
  }
  public static func textArray(_ values: [String?]) -> PostgresValue { .text(arrayText(values, quoted: true)) }

  /// PostgreSQL's array text form `{a,b,NULL}`; text elements are double-quoted with `"` and `\` escaped, so an
  /// element reading `NULL`, holding a comma or a brace is kept as it is.
  static func arrayText(_ elements: [String?], quoted: Bool) -> String {
    var text = "{"
    for (index, element) in elements.enumerated() {
      if index > 0 { text += "," }
      guard let element else {
        text += "NULL"
        continue
      }
      guard quoted else {
        text += element
        continue
      }
      text += "\""
      for character in element {
        if character == "\"" || character == "\\" { text += "\\" }
        text.append(character)
      }
      text += "\""
    }
    return text + "}"
  }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
  public init(stringLiteral value: String) { self = .text(value) }
  public init(integerLiteral value: Int64) { self = .text(String(value)) }
  public init(nilLiteral: ()) { self = .null }
}
