/// The fields of a reading payload, read straight from the bytes.
struct ReadingFields {
  var version: JSONValue?
  var agent: JSONValue?
  var floor: JSONValue?
  /// A single-sample payload's sample.
  var sample = SampleFields()
  /// A batch's samples, in order.
  var samples: [SampleFields]?
}

/// A sample's fields as JSON values (a JSON `null` counts as absent), for `SampleDecoder`.
struct SampleFields {
  var seq: JSONValue?
  var ts: JSONValue?
  /// `ts` read by the fast path: an RFC 3339 string, without escapes, of a time `SampleDecoder` accepts. Set instead
  /// of `ts`, whose `String` would cost an allocation per reading.
  var parsedTs: Timestamp?
  var tempC: JSONValue?
  var rhPct: JSONValue?
  var error: JSONValue?

  var isEmpty: Bool {
    seq == nil && ts == nil && parsedTs == nil && tempC == nil && rhPct == nil && error == nil
  }
}

/// The collector's fast path for the payloads agents send: one flat object with only the fields SPEC names (`v`,
/// `agent`, `floor`, and a sample's `seq`, `ts`, `temp_c`, `rh_pct`, `error`), or a `samples` array of such sample
/// objects; keys in any order.
///
/// It matches keys as bytes and builds no objects, which roughly halves the cost of decoding a reading (see
/// benchmarks/collector-ingest.sh). Anything else (a key it does not know, a duplicate key, an escaped key, a sample
/// field beside `samples`, an empty batch, malformed JSON) returns `nil`, and `ReadingDecoder` takes its general path,
/// which gives the exact rejection. Values are parsed by `JSONParser` itself at the depths the general parse uses, and
/// the fields are checked by the same code either way.
extension JSONParser {
  static func scanReading(_ bytes: UnsafeRawBufferPointer) -> ReadingFields? {
    var parser = JSONParser(bytes: bytes, maxDepth: defaultMaxDepth)
    guard let fields = try? parser.scanObject(depth: 1, sampleOnly: false) else { return nil }
    parser.skipWhitespace()
    guard parser.index == bytes.count else { return nil }
    if fields.samples != nil && !fields.sample.isEmpty { return nil }
    return fields
  }

  /// An object at `depth` (1 for the payload, 3 for a batch's sample), from its opening brace; `nil` for anything
  /// the fast path leaves to the general parse. A sample object (`sampleOnly`) takes only a sample's fields.
  private mutating func scanObject(depth: Int, sampleOnly: Bool) throws(JSONParseError) -> ReadingFields? {
    skipWhitespace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
    index += 1
    var fields = ReadingFields()
    var seen: UInt16 = 0
    skipWhitespace()
    guard index < bytes.count, bytes[index] != UInt8(ascii: "}") else { return nil }
    while true {
      guard let field = scanKey(), seen & (1 << field.rawValue) == 0 else { return nil }
      seen |= 1 << field.rawValue
      if sampleOnly && !field.isSampleField { return nil }
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
      index += 1
      skipWhitespace()
      if field == .samples {
        guard let samples = try scanSamples() else { return nil }
        fields.samples = samples
      } else if field == .ts, let parsed = scanTimestamp() {
        fields.sample.parsedTs = parsed
      } else {
        var value: JSONValue? = try parseValue(depth: depth)
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
        case .samples: break
        }
      }
      skipWhitespace()
      guard index < bytes.count else { return nil }
      if bytes[index] == UInt8(ascii: "}") { break }
      guard bytes[index] == UInt8(ascii: ",") else { return nil }
      index += 1
      skipWhitespace()
    }
    index += 1
    return fields
  }

  /// A string value of printable ASCII without escapes that `SampleDecoder` accepts as a sample's `ts` (an RFC 3339
  /// time within the years it prints), read from the bytes in place, from its opening quote; `nil` (and nothing
  /// consumed) for anything else, which `parseValue` then reads as the general parse does.
  private mutating func scanTimestamp() -> Timestamp? {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
    let start = index + 1
    var end = start
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
      bytes[end] >= 0x20, bytes[end] < 0x80
    {
      end += 1
    }
    guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
    let text = UnsafeBufferPointer(rebasing: bytes.assumingMemoryBound(to: UInt8.self)[start..<end])
    guard let ts = Timestamp.parseRFC3339(bytes: text), SampleDecoder.accepts(ts) else { return nil }
    index = end + 1
    return ts
  }

  /// A non-empty `samples` array of sample objects, from its opening bracket.
  private mutating func scanSamples() throws(JSONParseError) -> [SampleFields]? {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
    index += 1
    var samples: [SampleFields] = []
    while true {
      guard let sample = try scanObject(depth: 3, sampleOnly: true), samples.count < ReadingDecoder.maxBatchSamples
      else { return nil }
      samples.append(sample.sample)
      skipWhitespace()
      guard index < bytes.count else { return nil }
      if bytes[index] == UInt8(ascii: "]") { break }
      guard bytes[index] == UInt8(ascii: ",") else { return nil }
      index += 1
    }
    index += 1
    return samples
  }

  private enum Field: UInt8 {
    case version, agent, floor, samples, seq, ts, tempC, rhPct, error

    var isSampleField: Bool { rawValue >= Field.seq.rawValue }
  }

  /// A key without escapes that names a known field; `nil` for anything else.
  private mutating func scanKey() -> Field? {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
    let start = index + 1
    var end = start
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
    guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
    index = end + 1
    return field(named: start..<end)
  }

  /// The field the key at `range` names, by its length and then its bytes (`startsWith`): a couple of comparisons,
  /// no hashing and no table.
  private func field(named range: Range<Int>) -> Field? {
    let start = range.lowerBound
    switch range.count {
    case 1: return startsWith("v", at: start) ? .version : nil
    case 2: return startsWith("ts", at: start) ? .ts : nil
    case 3: return startsWith("seq", at: start) ? .seq : nil
    case 5:
      if startsWith("agent", at: start) { return .agent }
      if startsWith("floor", at: start) { return .floor }
      return startsWith("error", at: start) ? .error : nil
    case 6:
      if startsWith("temp_c", at: start) { return .tempC }
      return startsWith("rh_pct", at: start) ? .rhPct : nil
    case 7: return startsWith("samples", at: start) ? .samples : nil
    default: return nil
    }
  }
}
