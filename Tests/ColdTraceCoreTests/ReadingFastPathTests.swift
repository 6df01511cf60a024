import Testing

@testable import ColdTraceCore

/// The collector's fast path (`JSONParser.scanAcceptedReading`) must decode exactly what the general path decodes,
/// or step aside: wherever it returns a reading, the general path accepts the payload and gives the same reading.
@Suite("Reading fast path")
struct ReadingFastPathTests {
  let ts = Timestamp(milliseconds: 1_795_923_600_000)
  let topic = "coldtrace/v1/reading/hx/cold1/probe-1"
  let key = SensorKey(site: "hx", room: "cold1", sensor: "probe-1")

  @Test("takes what the agent and coldtrace-sim send, and decodes it exactly as the general path does")
  func takesAgentPayloads() throws {
    let samples = [
      Sample(seq: 1842, ts: ts, tempC: 3.42, rhPct: 91.8), Sample(seq: 7, ts: ts, tempC: -0.5),
      Sample(seq: 8, ts: ts, error: "CRC \"failed\"\n3×"), Sample(seq: nil, ts: ts, rhPct: 0),
      Sample(seq: 9, ts: ts, defrost: true), Sample(seq: 10, ts: ts, doorOpen: false),
      Sample(seq: 11, ts: ts, defrost: false, doorOpen: true),
    ]
    for sample in samples {
      for floor in [nil, Int64(3)] {
        let payload = Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample, floor: floor).utf8)
        let fast = try #require(scan(payload, now: ts))
        #expect(fast == DecodedReading(key: key, agent: "hx-edge-1", samples: [sample], isBatch: false, floor: floor))
        expectAgrees(fast, with: payload, now: ts)
      }
    }
  }

  @Test("takes agents' batches, and decodes them exactly as the general path does")
  func takesBatches() throws {
    let samples = (1...50).map {
      Sample(seq: Int64($0), ts: ts.adding(seconds: Double($0) * 60), tempC: 3.5, rhPct: 90)
    }
    let payload = Array(ReadingEncoder.encodeBatch(agent: "hx-edge-1", samples: samples, floor: 1).utf8)
    let now = ts.adding(seconds: 3600)
    let fast = try #require(scan(payload, now: now))
    #expect(fast == DecodedReading(key: key, agent: "hx-edge-1", samples: samples, isBatch: true, floor: 1))
    expectAgrees(fast, with: payload, now: now)
  }

  @Test(
    "takes nulls as absent fields, numeric times, escapes in strings, whitespace and keys in any order",
    arguments: [
      #" { "rh_pct" : null , "ts" : 1795923600.5 , "temp_c" : -1e1 , "v" : 1.0 } "#,
      #"{"v":1,"agent":"hx\u002Dedge","seq":null,"ts":"2026-11-29 03:40:00.5+07:00","error":"\u00e9\t"}"#,
      #"{"samples":[{"ts":1,"error":"x"},{"temp_c":null,"ts":2,"rh_pct":0}],"v":1,"floor":0,"agent":null}"#,
    ])
  func takesTheRestOfTheGrammar(_ payload: String) throws {
    let bytes = Array(payload.utf8)
    let fast = try #require(scan(bytes, now: ts))
    expectAgrees(fast, with: bytes, now: ts)
  }

  @Test(
    "steps aside for unknown or escaped keys, malformed JSON, and every payload the decoder refuses",
    arguments: [
      // Left to the general path, which may accept them.
      #"{"v":1,"ts":1,"temp_c":1,"extra":2}"#, #"{"v":1,"t\u0073":1,"temp_c":1}"#,
      #"{"v":1,"samples":null,"ts":1,"temp_c":1}"#, #"{"v":1,"ts":"2026-11-29T03:40:00\u005A","temp_c":1}"#,
      // Malformed.
      #"{"v":1,"ts":1,"temp_c":1,"ts":2}"#, #"{"v":1,"ts":1,"temp_c":1"#, #"{"v":1,"ts":1,"temp_c":1}x"#,
      "\u{FEFF}{\"v\":1,\"ts\":1,\"temp_c\":1}", "{}", "[]", "", #"{"v":1,,"ts":1}"#, #"{"v":1,"ts":NaN}"#,
      #"{"v":1,"ts":1,"temp_c":01}"#, #"{"v":1,"samples":[{"ts":1,"temp_c":1},]}"#, "{\"v\u{0}\":1,\"ts\":1}",
      // Refused by the decoder.
      #"{"ts":1,"temp_c":1}"#, #"{"v":2,"ts":1,"temp_c":1}"#, #"{"v":"1","ts":1,"temp_c":1}"#,
      #"{"v":1,"temp_c":1}"#, #"{"v":1,"ts":null,"temp_c":1}"#, #"{"v":1,"ts":1}"#,
      #"{"v":1,"ts":1,"temp_c":null,"rh_pct":null}"#, #"{"v":1,"ts":1,"temp_c":85.5}"#,
      #"{"v":1,"ts":1,"rh_pct":-0.1}"#, #"{"v":1,"ts":1,"temp_c":"3"}"#, #"{"v":1,"ts":1,"error":""}"#,
      #"{"v":1,"ts":1,"error":3}"#, #"{"v":1,"ts":1e12,"temp_c":1}"#,
      #"{"v":1,"ts":"2026-13-01T00:00:00Z","temp_c":1}"#,
      #"{"v":1,"ts":"2026-11-29T03:50:01Z","temp_c":1}"#, #"{"v":1,"ts":1,"temp_c":1,"seq":1.5}"#,
      #"{"v":1,"ts":1,"temp_c":1,"seq":-1}"#, #"{"v":1,"ts":1,"temp_c":1,"seq":9007199254740992}"#,
      #"{"v":1,"ts":1,"temp_c":1,"floor":"0"}"#, #"{"v":1,"ts":1,"temp_c":1,"agent":"hx edge"}"#,
      #"{"v":1,"ts":1,"temp_c":1,"agent":""}"#, #"{"v":1,"ts":1,"temp_c":1,"agent":7}"#,
      #"{"v":1,"samples":[]}"#, #"{"v":1,"samples":[1]}"#, #"{"v":1,"samples":{}}"#,
      #"{"v":1,"ts":1,"samples":[{"ts":1,"temp_c":1}]}"#, #"{"v":1,"samples":[{"ts":1,"v":1}]}"#,
      #"{"v":1,"samples":[{"ts":1,"temp_c":1,"seq":2},{"ts":2,"temp_c":1,"seq":2}]}"#,
      #"{"v":1,"samples":[{"ts":1,"temp_c":1,"seq":2},{"ts":2,"temp_c":1}]}"#,
      #"{"v":1,"samples":[{"ts":1,"temp_c":1},{"ts":2,"temp_c":1,"seq":3}]}"#,
      #"{"v":1,"samples":[{"ts":1,"temp_c":1},{"ts":2,"temp_c":99}]}"#,
    ])
  func stepsAside(_ payload: String) {
    let now = ts.adding(seconds: 300)  // 03:45:00Z: a ts after 03:50:00Z is too far ahead
    #expect(scan(Array(payload.utf8), now: now) == nil)
  }

  @Test("steps aside for a batch over the sample limit")
  func stepsAsideForTooManySamples() {
    let samples = (0...ReadingDecoder.maxBatchSamples).map { Sample(seq: Int64($0), ts: ts, tempC: 1) }
    let payload = Array(ReadingEncoder.encodeBatch(agent: "a", samples: samples).utf8)
    #expect(scan(payload, now: ts) == nil)
  }

  @Test("agrees with the general path on 20,000 mutations of agent payloads")
  func agreesOnMutations() throws {
    var random = SplitMix64(seed: 8)
    let base = [
      ReadingEncoder.encode(agent: "hx-edge-1", sample: Sample(seq: 1842, ts: ts, tempC: 3.42, rhPct: 91.8)),
      ReadingEncoder.encode(agent: "a", sample: Sample(seq: nil, ts: ts, error: "e"), floor: 9),
      #" { "rh_pct" : null , "ts" : 1795923600.5 , "temp_c" : -1e1 , "v" : 1 } "#,
      ReadingEncoder.encodeBatch(
        agent: "a", samples: [Sample(seq: 1, ts: ts, tempC: 1), Sample(seq: 2, ts: ts, rhPct: 2)], floor: 1),
      #"{"samples" : [ {"ts":1,"error":"x"} , {"temp_c":null,"ts":2} ] ,"v":1}"#,
      ReadingEncoder.encodeBatch(
        agent: "a", samples: [Sample(seq: 1, ts: ts, defrost: true), Sample(seq: 2, ts: ts, doorOpen: false)]),
    ].map { Array($0.utf8) }
    let keys = "vtsagentseqtemp_crh_pcterrorfloordefrostdoor_open"
    let alphabet = Array(#"{}[]":,.-+eE0123456789 \nnulltruefalse"#.utf8) + Array(keys.utf8) + [0, 0x1F, 0xC3, 0xFF]
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
      let general = payload.withUnsafeBytes {
        ReadingDecoder.decodeWithoutFastPath(topic: topic, payload: $0, now: ts)
      }
      let fast = scan(payload, now: ts)
      if let fast {
        taken += 1
        #expect(general == .success(fast), "\(String(decoding: payload, as: UTF8.self))")
      } else if case .success = general, try hasTheAgentsShape(payload) {
        Issue.record("the fast path left an accepted payload aside: \(String(decoding: payload, as: UTF8.self))")
      }
    }
    #expect(taken > 500, "the mutations should leave many payloads on the fast path; \(taken) were")
  }

  /// Whether `payload` has only the keys the fast path knows, none escaped, and no escape anywhere else either.
  private func hasTheAgentsShape(_ payload: [UInt8]) throws -> Bool {
    guard !payload.contains(UInt8(ascii: "\\")), case .object(let object) = try JSONParser.parse(payload) else {
      return false
    }
    let sampleKeys: Set = ["seq", "ts", "temp_c", "rh_pct", "error", "defrost", "door_open"]
    let envelopeKeys = sampleKeys.union(["v", "agent", "floor", "samples"])
    guard object.members.allSatisfy({ envelopeKeys.contains($0.key) }) else { return false }
    guard let samples = object["samples"] else { return true }
    guard case .array(let elements) = samples else { return false }
    return elements.allSatisfy { element in
      guard case .object(let sample) = element else { return false }
      return sample.members.allSatisfy { sampleKeys.contains($0.key) }
    }
  }

  private func scan(_ payload: [UInt8], now: Timestamp) -> DecodedReading? {
    payload.withUnsafeBytes { JSONParser.scanAcceptedReading($0, key: key, limit: FutureLimit(now: now)) }
  }

  /// The general path accepts `payload` and decodes the reading the fast path did.
  private func expectAgrees(_ fast: DecodedReading, with payload: [UInt8], now: Timestamp) {
    let general = payload.withUnsafeBytes { ReadingDecoder.decodeWithoutFastPath(topic: topic, payload: $0, now: now) }
    #expect(general == .success(fast), "\(String(decoding: payload, as: UTF8.self))")
  }
}
