import Testing

@testable import ColdTraceCore

/// The collector's fast path (`JSONParser.scanReading`) must see exactly what the general parser sees, or step
/// aside: wherever it returns fields, the general parse is an object with only those keys and the same values, and
/// so is each sample of a batch.
@Suite("Reading field scanner (the decoder's fast path)")
struct ReadingFieldScannerTests {
  let ts = Timestamp(milliseconds: 1_795_923_600_000)

  @Test("takes what the agent and coldtrace-sim send, and decodes it exactly as the general path does")
  func takesAgentPayloads() throws {
    let samples = [
      Sample(seq: 1842, ts: ts, tempC: 3.42, rhPct: 91.8), Sample(seq: 7, ts: ts, tempC: -0.5),
      Sample(seq: 8, ts: ts, error: "CRC \"failed\"\n3×"), Sample(seq: nil, ts: ts, rhPct: 0),
    ]
    for sample in samples {
      for floor in [nil, Int64(3)] {
        let payload = Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample, floor: floor).utf8)
        let fields = try #require(payload.withUnsafeBytes { JSONParser.scanReading($0) })
        try expectAgrees(fields, with: payload)
        let decoded = try ReadingDecoder.decode(
          topic: "coldtrace/v1/reading/hx/cold1/probe-1", payload: payload, now: ts
        ).get()
        #expect(decoded.samples == [sample])
        #expect(decoded.agent == "hx-edge-1")
        #expect(decoded.floor == floor)
      }
    }
  }

  @Test("takes agents' batches, and decodes them exactly as the general path does")
  func takesBatches() throws {
    let samples = (1...50).map {
      Sample(seq: Int64($0), ts: ts.adding(seconds: Double($0) * 60), tempC: 3.5, rhPct: 90)
    }
    let payload = Array(ReadingEncoder.encodeBatch(agent: "hx-edge-1", samples: samples, floor: 1).utf8)
    let fields = try #require(payload.withUnsafeBytes { JSONParser.scanReading($0) })
    #expect(fields.samples?.count == 50)
    try expectAgrees(fields, with: payload)
    let decoded = try ReadingDecoder.decode(
      topic: "coldtrace/v1/reading/hx/cold1/probe-1", payload: payload, now: ts.adding(seconds: 3600)
    ).get()
    #expect(decoded.samples == samples)
    #expect(decoded.isBatch)
  }

  @Test(
    "steps aside for unknown or duplicate or escaped keys, sample fields beside a batch, and malformed JSON",
    arguments: [
      #"{"v":1,"samples":[]}"#, #"{"v":1,"ts":1,"samples":[{"ts":1,"temp_c":1}]}"#,
      #"{"v":1,"samples":[{"ts":1,"v":1}]}"#, #"{"v":1,"samples":[1]}"#, #"{"v":1,"samples":null}"#,
      #"{"v":1,"samples":[{"ts":1,"temp_c":1},]}"#, #"{"v":1,"ts":1,"temp_c":1,"extra":2}"#,
      #"{"v":1,"ts":1,"temp_c":1,"ts":2}"#, #"{"v":1,"t\u0073":1,"temp_c":1}"#, #"{"v":1,"ts":1,"temp_c":1"#,
      #"{"v":1,"ts":1,"temp_c":1}x"#, "\u{FEFF}{\"v\":1,\"ts\":1,\"temp_c\":1}", "{}", "[]", #"{"v":1,"ts":NaN}"#,
      #"{"v":1,,"ts":1}"#, "", "{\"v\u{0}\":1,\"ts\":1,\"temp_c\":1}",
    ])
  func stepsAside(_ payload: String) {
    #expect(Array(payload.utf8).withUnsafeBytes { JSONParser.scanReading($0) } == nil)
  }

  @Test(
    "reads a ts in place only when the decoder takes it; any other string is read as the general parse reads it",
    arguments: [
      (#""2026-11-29T03:40:00Z""#, true), (#""2026-11-29 03:40:00.5+07:00""#, true),
      (#""0000-01-01T00:30:00+01:00""#, false), (#""2026-13-01T00:00:00Z""#, false),
      (#""2026-11-29T03:40:00\u005A""#, false), ("\"2026-11-29T03:40:00Z\u{E9}\"", false), (#""""#, false),
    ])
  func readsTimestampsInPlace(_ ts: String, inPlace: Bool) throws {
    let payload = Array(#"{"v":1,"seq":4,"temp_c":2.5,"ts":"#.utf8) + Array(ts.utf8) + Array("}".utf8)
    let fields = try #require(payload.withUnsafeBytes { JSONParser.scanReading($0) })
    #expect((fields.sample.parsedTs != nil) == inPlace)
    try expectAgrees(fields, with: payload)
    let topic = "coldtrace/v1/reading/hx/cold1/probe-1"
    let now = Timestamp(milliseconds: 1_795_923_600_000)
    let fast = payload.withUnsafeBytes { ReadingDecoder.decode(topic: topic, payload: $0, now: now) }
    let general = payload.withUnsafeBytes { ReadingDecoder.decodeWithoutFastPath(topic: topic, payload: $0, now: now) }
    #expect(fast == general)
  }

  @Test("agrees with the general parser on 20,000 mutations of agent payloads")
  func agreesOnMutations() throws {
    var random = SplitMix64(seed: 8)
    let base = [
      ReadingEncoder.encode(agent: "hx-edge-1", sample: Sample(seq: 1842, ts: ts, tempC: 3.42, rhPct: 91.8)),
      ReadingEncoder.encode(agent: "a", sample: Sample(seq: nil, ts: ts, error: "e"), floor: 9),
      #" { "rh_pct" : null , "ts" : 1795923600.5 , "temp_c" : -1e1 , "v" : 1 } "#,
      ReadingEncoder.encodeBatch(
        agent: "a", samples: [Sample(seq: 1, ts: ts, tempC: 1), Sample(seq: 2, ts: ts, rhPct: 2)], floor: 1),
      #"{"samples" : [ {"ts":1,"error":"x"} , {"temp_c":null,"ts":2} ] ,"v":1}"#,
    ].map { Array($0.utf8) }
    let alphabet =
      Array(#"{}[]":,.-+eE0123456789 \nnulltruefalsevtsagentseqtemp_crh_pcterrorfloor"#.utf8) + [0, 0x1F, 0xC3, 0xFF]
    var taken = 0
    for round in 0..<20_000 {
      var payload = base[round % base.count]
      for _ in 0...Int(random.next() % 3) {
        let position = Int(random.next() % UInt64(payload.count + 1))
        let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
        switch random.next() % 3 {
        case 0 where position < payload.count: payload[position] = byte
        case 1 where position < payload.count: payload.remove(at: position)
        default: payload.insert(byte, at: position)
        }
      }
      guard let fields = payload.withUnsafeBytes({ JSONParser.scanReading($0) }) else { continue }
      taken += 1
      try expectAgrees(fields, with: payload)
    }
    #expect(taken > 1_000, "the mutations should leave many payloads on the fast path; \(taken) were")
  }

  /// The general parse of `payload` is an object whose members are exactly the scanned fields.
  private func expectAgrees(_ fields: ReadingFields, with payload: [UInt8]) throws {
    let document = try JSONParser.parse(payload)
    guard case .object(let object) = document else {
      Issue.record("the general parser read \(document.typeName) where the scanner read an object")
      return
    }
    let scanned: [String: JSONValue?] = [
      "v": fields.version, "agent": fields.agent, "floor": fields.floor, "seq": fields.sample.seq,
      "ts": fields.sample.ts, "temp_c": fields.sample.tempC, "rh_pct": fields.sample.rhPct,
      "error": fields.sample.error,
    ]
    for member in object.members {
      #expect(
        scanned.keys.contains(member.key) || member.key == "samples", "the scanner passed over the key \(member.key)")
    }
    for (key, value) in scanned {
      let general = object[key].flatMap { $0 == .null ? nil : $0 }
      if key == "ts", let parsed = fields.sample.parsedTs {
        expectTimestamp(parsed, scannedValue: value, general: general, place: "ts")
        continue
      }
      #expect(value == general, "\(key): scanner \(String(describing: value)), parser \(String(describing: general))")
    }
    guard let samples = fields.samples else {
      #expect(object["samples"] == nil || object["samples"] == .null, "the scanner passed over samples")
      return
    }
    guard case .array(let elements)? = object["samples"], elements.count == samples.count else {
      Issue.record(
        "the scanner read \(samples.count) samples where the general parser read \(String(describing: object["samples"]))"
      )
      return
    }
    for (sample, element) in zip(samples, elements) {
      guard case .object(let sampleObject) = element else {
        Issue.record("the scanner read a sample where the general parser read \(element.typeName)")
        continue
      }
      try expectAgrees(sample, with: sampleObject)
    }
  }

  private func expectAgrees(_ sample: SampleFields, with object: JSONObject) throws {
    let scanned: [String: JSONValue?] = [
      "seq": sample.seq, "ts": sample.ts, "temp_c": sample.tempC, "rh_pct": sample.rhPct, "error": sample.error,
    ]
    for member in object.members {
      #expect(scanned.keys.contains(member.key), "the scanner passed over the sample key \(member.key)")
    }
    for (key, value) in scanned {
      let general = object[key].flatMap { $0 == .null ? nil : $0 }
      if key == "ts", let parsed = sample.parsedTs {
        expectTimestamp(parsed, scannedValue: value, general: general, place: "samples[]: ts")
        continue
      }
      #expect(
        value == general,
        "samples[]: \(key): scanner \(String(describing: value)), parser \(String(describing: general))")
    }
  }

  /// A `ts` the scanner parsed in place: the general parser read a string that parses to the same time, and the
  /// scanner kept no `JSONValue` beside it.
  private func expectTimestamp(_ parsed: Timestamp, scannedValue: JSONValue?, general: JSONValue?, place: String) {
    #expect(scannedValue == nil, "\(place): both a parsed time and a value")
    guard case .string(let text)? = general else {
      Issue.record("\(place): scanner parsed \(parsed.rfc3339), parser \(String(describing: general))")
      return
    }
    #expect(Timestamp.parseRFC3339(text) == parsed, "\(place): scanner \(parsed.rfc3339), parser \(text)")
  }
}
