/// A parsed JSON document (RFC 8259), as produced by `JSONParser`.
///
/// Numbers are `Double`s and always finite when they come from the parser. Objects keep their members in document
/// order; the parser guarantees their keys are unique.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// A short name of the value's JSON type for messages: `null`, `boolean`, `number`, `string`, `array`, `object`.
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .number: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}

/// A JSON object: its members in document order, with lookup by key.
public struct JSONObject: Equatable, Sendable, ExpressibleByDictionaryLiteral {
  /// One `"key": value` pair.
  public struct Member: Equatable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  public var members: [Member]

  public init(_ members: [Member] = []) { self.members = members }

  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    members = elements.map { Member(key: $0.0, value: $0.1) }
  }

  /// The value of the first member named `key`, or `nil` if there is none. A linear scan: objects are small.
  public subscript(key: String) -> JSONValue? {
    for member in members where member.key == key { return member.value }
    return nil
  }

  public var count: Int { members.count }
  public var isEmpty: Bool { members.isEmpty }
}
