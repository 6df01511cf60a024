/// The collector's fast path for the payloads agents send: one flat object with only the fields the protocol names
/// (`v`, `agent`, `floor`, `inc`, `sent`, and a sample's `seq`, `ts`, `temp_c`, `rh_pct`, `error`, `defrost`,
/// `door_open`, `time_quality`), or a
/// `samples` array of such
/// sample objects; keys in any order.
///
/// It reads the bytes straight into a `DecodedReading`: keys matched as bytes, numbers into `Double`s, an RFC 3339
/// `ts` parsed in place, no `JSONValue` in between. It returns a reading only when the decoder accepts the payload,
/// and then the same reading. Anything else returns `nil` and `ReadingDecoder` takes its general path, which gives
/// the reading or the exact rejection: a key it does not know, a duplicate or escaped key, a `null` batch, malformed
/// JSON, and every payload the decoder refuses (a value of the wrong type or out of range, a missing `ts`, ...).
/// The checks are the decoder's own (`SampleDecoder`'s rules), so the two paths cannot drift on what they accept.
extension JSONParser {
  static func scanAcceptedReading(
    _ bytes: UnsafeRawBufferPointer, key: SensorKey, limit: FutureLimit
  ) -> DecodedReading? {
    var parser = JSONParser(bytes: bytes, maxDepth: defaultMaxDepth)
    parser.skipWhitespace()
    guard let reading = parser.scanEnvelope(key: key, limit: limit) else { return nil }
    parser.skipWhitespace()
    guard parser.index == bytes.count else { return nil }
    return reading
  }

  private mutating func scanEnvelope(key: SensorKey, limit: FutureLimit) -> DecodedReading? {
    var hasVersion = false
    var agent: String? = nil
    var floor: Int64? = nil
    var incarnation: String? = nil
    var sent: Timestamp? = nil
    var single = ScannedSample()
    var batch: [Sample]? = nil
    let scanned = scanMembers(sampleOnly: false) { parser, field in
      switch field {
      case .version:
        guard let version = parser.scanNumber(), version == 1 else { return false }
        hasVersion = true
      case .agent:
        guard parser.scanNull() || parser.scanAgent(into: &agent) else { return false }
      case .floor:
        guard parser.scanNull() || parser.scanSequence(into: &floor) else { return false }
      case .incarnation:
        guard parser.scanNull() || parser.scanIncarnation(into: &incarnation) else { return false }
      case .sent:
        guard parser.scanNull() || parser.scanTime(into: &sent) else { return false }
      case .samples:
        batch = parser.scanSamples(limit: limit)
        return batch != nil
      case .seq, .ts, .tempC, .rhPct, .error, .defrost, .doorOpen, .timeQuality:
        return parser.scanSampleField(field, into: &single)
      }
      return true
    }
    guard scanned, hasVersion else { return nil }
    if let batch {
      guard single.isEmpty else { return nil }
      return DecodedReading(
        key: key, agent: agent, samples: batch, isBatch: true, floor: floor, incarnation: incarnation, sent: sent)
    }
    guard let sample = single.accepted(limit: limit) else { return nil }
    return DecodedReading(
      key: key, agent: agent, samples: [sample], isBatch: false, floor: floor, incarnation: incarnation, sent: sent)
  }

  /// A non-empty `samples` array of sample objects the decoder accepts, numbered all or none and in increasing order.
  private mutating func scanSamples(limit: FutureLimit) -> [Sample]? {
    guard bytes[index] == UInt8(ascii: "[") else { return nil }
    index += 1
    var samples: [Sample] = []
    while true {
      skipWhitespace()
      var fields = ScannedSample()
      let scanned = scanMembers(sampleOnly: true) { parser, field in parser.scanSampleField(field, into: &fields) }
      guard scanned, samples.count < ReadingDecoder.maxBatchSamples, let sample = fields.accepted(limit: limit)
      else { return nil }
      if let previous = samples.last, !SampleDecoder.follows(sample.seq, previous.seq) { return nil }
      samples.append(sample)
      skipWhitespace()
      guard index < bytes.count else { return nil }
      if bytes[index] == UInt8(ascii: "]") { break }
      guard bytes[index] == UInt8(ascii: ",") else { return nil }
      index += 1
    }
    index += 1
    return samples
  }

  /// An object's members from its opening brace, each key once, each value read by `value` (which returns whether it
  /// took it); `false` for an empty object, an unknown, escaped or duplicate key, a non-sample key in a sample
  /// (`sampleOnly`), or malformed structure.
  private mutating func scanMembers(
    sampleOnly: Bool, _ value: (inout JSONParser, ReadingField) -> Bool
  ) -> Bool {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
    index += 1
    var seen: UInt16 = 0
    skipWhitespace()
    while true {
      guard let field = scanKey(), seen & (1 << field.rawValue) == 0 else { return false }
      seen |= 1 << field.rawValue
      if sampleOnly && !field.isSampleField { return false }
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
      index += 1
      skipWhitespace()
      guard index < bytes.count, value(&self, field) else { return false }
      skipWhitespace()
      guard index < bytes.count else { return false }
      if bytes[index] == UInt8(ascii: "}") { break }
      guard bytes[index] == UInt8(ascii: ",") else { return false }
      index += 1
      skipWhitespace()
    }
    index += 1
    return true
  }

  /// One sample field's value into `sample`; `false` for a value the decoder refuses or leaves to the general path.
  private mutating func scanSampleField(_ field: ReadingField, into sample: inout ScannedSample) -> Bool {
    if scanNull() { return field != .ts }  // null is an absent field, and a sample needs its ts
    switch field {
    case .seq: return scanSequence(into: &sample.seq)
    case .ts: return scanTime(into: &sample.ts)
    case .timeQuality:
      if startsWith("\"corrected\"", at: index) {
        index += 11
        sample.timeQuality = .corrected
      } else if startsWith("\"unsynced\"", at: index) {
        index += 10
        sample.timeQuality = .unsynced
      } else {
        return false
      }
    case .tempC:
      guard let number = scanNumber(), ReadingDecoder.temperatureRange.contains(number) else { return false }
      sample.tempC = number
    case .rhPct:
      guard let number = scanNumber(), ReadingDecoder.humidityRange.contains(number) else { return false }
      sample.rhPct = number
    case .error:
      guard bytes[index] == UInt8(ascii: "\""), let text = try? parseString(), SampleDecoder.acceptsError(text)
      else { return false }
      sample.error = text
    case .defrost: return scanBool(into: &sample.defrost)
    case .doorOpen: return scanBool(into: &sample.doorOpen)
    case .version, .agent, .floor, .incarnation, .sent, .samples: return false
    }
    return true
  }

  /// A time as `ts` takes it (an RFC 3339 string, or Unix seconds) the decoder accepts; `false` for anything else.
  private mutating func scanTime(into time: inout Timestamp?) -> Bool {
    if let parsed = scanTimestamp() {
      time = parsed
      return true
    }
    guard let seconds = scanNumber(), let parsed = SampleDecoder.timestamp(unixSeconds: seconds) else { return false }
    time = parsed
    return true
  }

  /// A JSON `null` (an absent field), consumed; `false` (nothing consumed) for anything else.
  private mutating func scanNull() -> Bool {
    guard startsWith("null", at: index) else { return false }
    index += 4
    return true
  }

  /// A JSON `true` or `false` (a room signal), consumed; `false` (nothing consumed) for anything else.
  private mutating func scanBool(into signal: inout Bool?) -> Bool {
    if startsWith("true", at: index) {
      index += 4
      signal = true
    } else if startsWith("false", at: index) {
      index += 5
      signal = false
    } else {
      return false
    }
    return true
  }

  /// A number, or `nil` for anything else (another type, malformed, not finite).
  private mutating func scanNumber() -> Double? {
    let byte = bytes[index]
    guard byte == UInt8(ascii: "-") || byte &- UInt8(ascii: "0") < 10 else { return nil }
    return try? parseNumber()
  }

  /// A sequence number (`seq` or `floor`) the decoder accepts.
  private mutating func scanSequence(into sequence: inout Int64?) -> Bool {
    guard let number = scanNumber(), let accepted = SampleDecoder.sequence(number) else { return false }
    sequence = accepted
    return true
  }

  /// A valid agent id.
  private mutating func scanAgent(into agent: inout String?) -> Bool {
    guard bytes[index] == UInt8(ascii: "\""), let text = try? parseString(), Identifier.isValid(text, as: .agent)
    else { return false }
    agent = text
    return true
  }

  /// A valid incarnation (`inc`), read from the bytes in place (its characters need no escapes).
  private mutating func scanIncarnation(into incarnation: inout String?) -> Bool {
    guard bytes[index] == UInt8(ascii: "\"") else { return false }
    let start = index + 1
    var end = start
    while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
    guard end < bytes.count else { return false }
    let text = UnsafeBufferPointer(rebasing: bytes.assumingMemoryBound(to: UInt8.self)[start..<end])
    guard Incarnation.isValid(bytes: text) else { return false }
    incarnation = String(decoding: text, as: UTF8.self)
    index = end + 1
    return true
  }

  /// A string value of printable ASCII without escapes that `SampleDecoder` accepts as a sample's `ts` (an RFC 3339
  /// time within the years it prints), read from the bytes in place, from its opening quote; `nil` (and nothing
  /// consumed) for anything else.
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

  /// A key without escapes that names a known field; `nil` for anything else.
  private mutating func scanKey() -> ReadingField? {
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
  private func field(named range: Range<Int>) -> ReadingField? {
    let start = range.lowerBound
    switch range.count {
    case 1: return startsWith("v", at: start) ? .version : nil
    case 2: return startsWith("ts", at: start) ? .ts : nil
    case 3:
      if startsWith("seq", at: start) { return .seq }
      return startsWith("inc", at: start) ? .incarnation : nil
    case 4: return startsWith("sent", at: start) ? .sent : nil
    case 5:
      if startsWith("agent", at: start) { return .agent }
      if startsWith("floor", at: start) { return .floor }
      return startsWith("error", at: start) ? .error : nil
    case 6:
      if startsWith("temp_c", at: start) { return .tempC }
      return startsWith("rh_pct", at: start) ? .rhPct : nil
    case 7:
      if startsWith("defrost", at: start) { return .defrost }
      return startsWith("samples", at: start) ? .samples : nil
    case 9: return startsWith("door_open", at: start) ? .doorOpen : nil
    case 12: return startsWith("time_quality", at: start) ? .timeQuality : nil
    default: return nil
    }
  }
}
