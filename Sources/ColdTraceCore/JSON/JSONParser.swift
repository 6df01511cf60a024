/// A strict RFC 8259 JSON parser over raw bytes, for untrusted payloads.
///
/// Strict means: UTF-8 only (no byte order mark), no trailing data, no leading zeros, no comments or trailing commas,
/// no control characters in strings, no lone surrogates, no duplicate keys, only finite numbers, and a nesting limit.
/// Every refusal is a `JSONParseError` with the byte offset; the parser never traps on input.
///
/// Strings without escapes are validated and copied in one pass; numbers with at most 15–16 significant digits
/// convert without allocating.
public struct JSONParser {
  /// How deep arrays and objects may nest (the top-level container is depth 1).
  public static let defaultMaxDepth = 32

  let bytes: UnsafeRawBufferPointer
  let maxDepth: Int
  var index = 0
  /// Reused for strings with escapes.
  var scratch: [UInt8] = []

  init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  /// Parses one JSON value that fills all of `bytes` (whitespace around it allowed).
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth
  ) throws(JSONParseError) -> JSONValue {
    var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
    return try parser.parseDocument()
  }

  /// Parses one JSON value that fills all of `bytes`.
  public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
    let result = bytes.withUnsafeBytes { buffer in
      Result { () throws(JSONParseError) in try parse(buffer, maxDepth: maxDepth) }
    }
    return try result.get()
  }

  /// Parses one JSON value from the UTF-8 of `text`.
  public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
    var text = text
    let result = text.withUTF8 { buffer in
      Result { () throws(JSONParseError) in try parse(UnsafeRawBufferPointer(buffer), maxDepth: maxDepth) }
    }
    return try result.get()
  }

  // MARK: - Structure

  mutating func parseDocument() throws(JSONParseError) -> JSONValue {
    skipWhitespace()
    if index == bytes.count {
      throw error(.malformed, bytes.isEmpty ? "empty input; expected a JSON value" : "expected a JSON value")
    }
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
      throw error(.malformed, "a byte order mark is not allowed before JSON text")
    }
    let value = try parseValue(depth: 0)
    skipWhitespace()
    guard index == bytes.count else {
      throw error(.malformed, "unexpected \(describeByte(at: index)) after the JSON value")
    }
    return value
  }

  mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
    guard index < bytes.count else { throw error(.malformed, "unexpected end of input; expected a value") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
    case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "N"), UInt8(ascii: "I"):
      return .number(try parseNumber())
    default:
      throw try unexpectedByte(expected: "a value")
    }
  }

  mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
    try checkDepth(depth)
    index += 1
    skipWhitespace()
    var members: [JSONObject.Member] = []
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      return JSONObject(members)
    }
    members.reserveCapacity(8)
    var seenKeys: Set<String>? = nil
    while true {
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw try unexpectedByte(expected: "a string key")
      }
      let keyOffset = index
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw try unexpectedByte(expected: "':' after the key \(Excerpt.quoted(key))")
      }
      index += 1
      skipWhitespace()
      let value = try parseValue(depth: depth)
      if isDuplicate(key, in: members, seenKeys: &seenKeys) {
        throw JSONParseError(kind: .duplicateKey, offset: keyOffset, message: "duplicate key \(Excerpt.quoted(key))")
      }
      members.append(JSONObject.Member(key: key, value: value))
      skipWhitespace()
      guard index < bytes.count else { throw error(.malformed, "unexpected end of input; expected ',' or '}'") }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return JSONObject(members)
      }
      guard bytes[index] == UInt8(ascii: ",") else { throw try unexpectedByte(expected: "',' or '}'") }
      index += 1
      skipWhitespace()
    }
  }

  mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
    try checkDepth(depth)
    index += 1
    skipWhitespace()
    var elements: [JSONValue] = []
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      return elements
    }
    while true {
      elements.append(try parseValue(depth: depth))
      skipWhitespace()
      guard index < bytes.count else { throw error(.malformed, "unexpected end of input; expected ',' or ']'") }
      if bytes[index] == UInt8(ascii: "]") {
        index += 1
        return elements
      }
      guard bytes[index] == UInt8(ascii: ",") else { throw try unexpectedByte(expected: "',' or ']'") }
      index += 1
      skipWhitespace()
    }
  }

  /// Small objects are checked by a scan; past 16 members a set keeps large hostile objects linear.
  private func isDuplicate(_ key: String, in members: [JSONObject.Member], seenKeys: inout Set<String>?) -> Bool {
    if members.count < 16 {
      return members.contains { $0.key == key }
    }
    var keys = seenKeys ?? Set(members.lazy.map(\.key))
    seenKeys = nil  // keeps `keys` uniquely referenced, so inserting does not copy the set
    let inserted = keys.insert(key).inserted
    seenKeys = keys
    return !inserted
  }

  private func checkDepth(_ depth: Int) throws(JSONParseError) {
    if depth > maxDepth {
      throw error(.tooDeep, "arrays and objects are nested deeper than \(maxDepth) levels")
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
    guard startsWith(literal, at: index) else { throw try unexpectedByte(expected: "a value") }
    index += literal.utf8CodeUnitCount
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }

  // MARK: - Errors

  func error(_ kind: JSONParseError.Kind, _ message: String, at offset: Int? = nil) -> JSONParseError {
    JSONParseError(kind: kind, offset: offset ?? index, message: message)
  }

  /// The error for a byte that cannot start what was expected; invalid UTF-8 is reported as such.
  func unexpectedByte(expected: String) throws(JSONParseError) -> JSONParseError {
    guard index < bytes.count else { return error(.malformed, "unexpected end of input; expected \(expected)") }
    if bytes[index] >= 0x80 { _ = try validateUTF8Sequence(at: index) }
    return error(.malformed, "unexpected \(describeByte(at: index)); expected \(expected)")
  }

  /// `character 'x'`, `byte 0x01`, or `character U+00E9` for what sits at `offset`.
  func describeByte(at offset: Int) -> String {
    let byte = bytes[offset]
    if byte >= 0x20 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
    if byte < 0x80 { return "byte 0x\(hex(byte))" }
    guard let end = try? validateUTF8Sequence(at: offset),
      let scalar = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
        .unicodeScalars.first
    else { return "byte 0x\(hex(byte))" }
    let digits = String(scalar.value, radix: 16, uppercase: true)
    return "character U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return byte < 0x10 ? "0" + digits : digits
  }
}
