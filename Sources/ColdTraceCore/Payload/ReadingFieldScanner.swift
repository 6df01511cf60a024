/// The fields of a single-sample reading payload, read straight from the bytes.
struct ReadingFields {
  var version: JSONValue?
  var agent: JSONValue?
  var floor: JSONValue?
  var sample = SampleFields()
}

/// A sample's fields as JSON values (a JSON `null` counts as absent), for `SampleDecoder`.
struct SampleFields {
  var seq: JSONValue?
  var ts: JSONValue?
  var tempC: JSONValue?
  var rhPct: JSONValue?
  var error: JSONValue?
}

/// The collector's fast path for the payload nearly every message carries: one flat object with only the fields SPEC
/// names for a single sample (`v`, `agent`, `seq`, `ts`, `temp_c`, `rh_pct`, `error`, `floor`), keys in any order.
///
/// It matches keys as bytes and builds no object, so a reading costs about half of what the general parse does (see
/// benchmarks/collector-ingest.sh). Anything else (a `samples` batch, a key it does not know, a duplicate key, an
/// escaped key, malformed JSON) returns `nil`, and `ReadingDecoder` takes its general path, which gives the exact
/// rejection. Values are parsed by `JSONParser` itself, and the fields are checked by the same code either way.
extension JSONParser {
  static func scanSingleSample(_ bytes: UnsafeRawBufferPointer) -> ReadingFields? {
    var parser = JSONParser(bytes: bytes, maxDepth: defaultMaxDepth)
    return try? parser.scanSingleSample()
  }

  private mutating func scanSingleSample() throws(JSONParseError) -> ReadingFields? {
    skipWhitespace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
    index += 1
    var fields = ReadingFields()
    var seen: UInt8 = 0
    skipWhitespace()
    guard index < bytes.count, bytes[index] != UInt8(ascii: "}") else { return nil }
    while true {
      guard let field = try scanKey(), seen & (1 << field.rawValue) == 0 else { return nil }
      seen |= 1 << field.rawValue
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
      index += 1
      skipWhitespace()
      var value: JSONValue? = try parseValue(depth: 1)
      if case .null? = value { value = nil }
      switch field {
      case .version: fields.version = value
      case .agent: fields.agent = value
      case .floor: fields.floor = value
      case .seq: fields.sample.seq = value
      case .ts: fields.sample.ts = value
      case .tempC: fields.sample.tempC = value
      case .rhPct: fields.sample.rhPct = value
      case .error: fields.sample.error = value
      }
      skipWhitespace()
      guard index < bytes.count else { return nil }
      if bytes[index] == UInt8(ascii: "}") { break }
      guard bytes[index] == UInt8(ascii: ",") else { return nil }
      index += 1
      skipWhitespace()
    }
    index += 1
    skipWhitespace()
    return index == bytes.count ? fields : nil
  }

  private enum Field: UInt8, CaseIterable {
    case version, agent, floor, seq, ts, tempC, rhPct, error

    var name: String {
      switch self {
      case .version: "v"
      case .agent: "agent"
      case .floor: "floor"
      case .seq: "seq"
      case .ts: "ts"
      case .tempC: "temp_c"
      case .rhPct: "rh_pct"
      case .error: "error"
      }
    }

    /// Each field by its name's bytes packed little-endian into an integer (every name is at most 8 bytes).
    static let byPackedName: [UInt64: Field] = Dictionary(
      uniqueKeysWithValues: allCases.map { field in
        (field.name.utf8.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, field)
      })
  }

  /// A key without escapes that names a known field; `nil` for anything else.
  private mutating func scanKey() throws(JSONParseError) -> Field? {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
    let start = index + 1
    var end = start
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
    guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
    index = end + 1
    // A key of up to 8 bytes read as one little-endian integer, compared with each field's name read the same way.
    guard end - start <= 8 else { return nil }
    var packed: UInt64 = 0
    for offset in (start..<end).reversed() { packed = packed << 8 | UInt64(bytes[offset]) }
    // Same bytes and same length: a name padded with NUL bytes packs to the same integer.
    guard let field = Field.byPackedName[packed], field.name.utf8.count == end - start else { return nil }
    return field
  }
}
