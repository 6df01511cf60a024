import Testing

@testable import ColdTraceCore

/// The topic, clock and helpers the reading decoder tests share.
enum ReadingFixture {
  static let topic = "coldtrace/v1/reading/hongxuan/cold2/cold2-door"
  static let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-door")
  /// 2026-11-29T03:40:00Z, the collector's clock in these tests.
  static let now = Timestamp(milliseconds: 1_795_923_600_000)

  static func decode(_ payload: [UInt8], topic: String = topic) -> Result<DecodedReading, PayloadRejection> {
    ReadingDecoder.decode(topic: topic, payload: payload, now: now)
  }

  static func decode(_ json: String, topic: String = topic) -> Result<DecodedReading, PayloadRejection> {
    decode(Array(json.utf8), topic: topic)
  }

  static func rejection(_ json: String, topic: String = topic) -> PayloadRejection? {
    if case .failure(let rejection) = decode(json, topic: topic) { return rejection }
    return nil
  }
}

/// One payload that must be refused for exactly one reason, with the exact detail line where it matters.
struct RejectionCase: Sendable, CustomTestStringConvertible {
  var reason: RejectionReason
  var payload: [UInt8]
  var topic: String
  var detail: String? = nil

  var testDescription: String { reason.rawValue }

  init(_ reason: RejectionReason, _ json: String, topic: String = ReadingFixture.topic, detail: String? = nil) {
    self.init(reason, Array(json.utf8), topic: topic, detail: detail)
  }

  init(_ reason: RejectionReason, _ payload: [UInt8], topic: String = ReadingFixture.topic, detail: String? = nil) {
    self.reason = reason
    self.payload = payload
    self.topic = topic
    self.detail = detail
  }

  static let all: [RejectionCase] = [
    RejectionCase(.malformedJSON, #"{"v":1,"ts":"2026-11-29T03:40:00Z","temp_c":4"#),
    RejectionCase(
      .wrongType, #"{"v":1,"ts":"2026-11-29T03:40:00Z","temp_c":"3.4"}"#,
      detail: "temp_c must be a number, got string"),
    RejectionCase(
      .missingField, #"{"v":1,"temp_c":3.4}"#, detail: "ts is missing; every sample needs its event time"),
    RejectionCase(
      .unknownVersion, #"{"v":2,"ts":"2026-11-29T03:40:00Z","temp_c":4}"#,
      detail: "v 2 is not supported; this collector reads v 1"),
    RejectionCase(
      .nonFinite, #"{"v":1,"ts":"2026-11-29T03:40:00Z","temp_c":1e999}"#,
      detail: "number 1e999 is too large for a 64-bit float (at byte 44)"),
    RejectionCase(
      .tempOutOfRange,
      #"{"v":1,"samples":[{"ts":1795923500,"temp_c":4},{"ts":1795923540,"temp_c":5},{"ts":1795923580,"temp_c":91.5}]}"#,
      detail: "temp_c 91.5 is outside -80..85 °C (samples[2])"),
    RejectionCase(
      .rhOutOfRange, #"{"v":1,"ts":"2026-11-29T03:40:00Z","rh_pct":100.5}"#,
      detail: "rh_pct 100.5 is outside 0..100 %"),
    RejectionCase(
      .futureTimestamp, #"{"v":1,"ts":"2026-11-29T03:45:01Z","temp_c":4}"#,
      detail: "ts 2026-11-29T03:45:01.000Z is 301 s ahead of the collector clock (2026-11-29T03:40:00.000Z); "
        + "the limit is 300 s; check the agent's clock"),
    RejectionCase(
      .badTimestamp, #"{"v":1,"ts":"2026-11-29 03:40","temp_c":4}"#,
      detail: #"ts "2026-11-29 03:40" is not an RFC 3339 time with a zone, like 2026-11-29T03:40:00Z"#),
    RejectionCase(
      .invalidID, #"{"v":1,"agent":"hx edge","ts":"2026-11-29T03:40:00Z","temp_c":4}"#,
      detail: #"invalid agent id "hx edge": a space is not allowed; only letters, digits, '.', '_' and '-' are allowed"#
    ),
    RejectionCase(
      .tooLarge, [UInt8](repeating: UInt8(ascii: " "), count: 256 * 1024 + 1),
      detail: "payload is 262145 bytes; the limit is 262144 (256 KiB)"),
    RejectionCase(
      .noValues, #"{"v":1,"seq":7,"ts":"2026-11-29T03:40:00Z","temp_c":null}"#,
      detail: "the sample has none of temp_c, rh_pct, error, defrost or door_open"),
    RejectionCase(
      .wrongType, #"{"v":1,"seq":7,"ts":"2026-11-29T03:40:00Z","defrost":1}"#,
      detail: "defrost must be true or false, got number"),
    RejectionCase(
      .wrongType, #"{"v":1,"ts":"2026-11-29T03:40:00Z","temp_c":4.1,"defrost":false}"#,
      detail: "a sample carries a probe's temp_c, rh_pct or error, or an input's defrost or door_open, not both"),
    RejectionCase(
      .wrongType, #"{"v":1,"samples":[{"ts":1795923500,"door_open":"open"}]}"#,
      detail: "door_open must be true or false, got string (samples[0])"),
    RejectionCase(
      .badTopic, #"{"v":1,"ts":"2026-11-29T03:40:00Z","temp_c":4}"#, topic: "coldtrace/v1/reading/hongxuan/cold2",
      detail: #"topic "coldtrace/v1/reading/hongxuan/cold2" has 5 levels; expected 6: "#
        + "coldtrace/v1/reading/<site>/<room>/<sensor>"),
    RejectionCase(
      .duplicateKey, #"{"v":1,"ts":"2026-11-29T03:40:00Z","temp_c":4,"temp_c":40}"#,
      detail: #"duplicate key "temp_c" (at byte 46)"#),
    RejectionCase(
      .tooDeep,
      #"{"v":1,"ts":1795923600,"temp_c":4,"x":"# + String(repeating: "[", count: 32)
        + String(repeating: "]", count: 32) + "}"),
    RejectionCase(
      .invalidUTF8, Array(#"{"v":1,"ts":1795923600,"error":"probe "#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)),
    RejectionCase(
      .badSequence, #"{"v":1,"seq":1.5,"ts":"2026-11-29T03:40:00Z","temp_c":4}"#,
      detail: "seq 1.5 is not a whole number ≥ 0"),
    RejectionCase(
      .badIncarnation, #"{"v":1,"inc":"a b","seq":1,"ts":"2026-11-29T03:40:00Z","temp_c":4}"#,
      detail: #"inc "a b" has a character outside A-Z a-z 0-9 . _ -"#),
  ]
}

@Suite("Reading decoder")
struct ReadingDecoderTests {
  @Test("every rejection reason has a case below")
  func everyReasonCovered() {
    // `seq_reused` is the store's reason (a number stored with other content), and `unknown_probe`,
    // `site_probe_limit` and `site_rate_limit` the probe registry's, never the decoder's; the sources' reasons are
    // the mapping's.
    #expect(
      Set(RejectionCase.all.map(\.reason))
        == Set(RejectionReason.allCases.filter { !$0.isSourceMapping })
        .subtracting([.seqReused, .unknownProbe, .siteProbeLimit, .siteRateLimit]))
  }

  @Test("refuses each kind of bad payload for its own reason", arguments: RejectionCase.all)
  func refuses(_ example: RejectionCase) {
    let result = ReadingFixture.decode(example.payload, topic: example.topic)
    guard case .failure(let rejection) = result else {
      Issue.record("accepted: \(result)")
      return
    }
    #expect(rejection.reason == example.reason, "\(rejection)")
    if let detail = example.detail { #expect(rejection.detail == detail) }
  }

  // MARK: - Accepted shapes

  @Test("round-trips one sample through the encoder")
  func singleRoundTrip() throws {
    let sample = Sample(seq: 1842, ts: Timestamp(milliseconds: 1_795_923_599_123), tempC: 3.42, rhPct: 91.8)
    let payload = ReadingEncoder.encode(agent: "hx-edge-1", sample: sample)
    let decoded = try ReadingFixture.decode(payload).get()
    #expect(decoded == DecodedReading(key: ReadingFixture.key, agent: "hx-edge-1", samples: [sample], isBatch: false))
  }

  @Test("round-trips a batch with faults and partial values through the encoder")
  func batchRoundTrip() throws {
    let start = Timestamp(milliseconds: 1_795_900_000_000)
    let samples = [
      Sample(seq: 1843, ts: start, tempC: 3.5),
      Sample(seq: 1844, ts: start.adding(seconds: 60), rhPct: 0),
      Sample(seq: 1845, ts: start.adding(seconds: 120), error: "CRC failed 3 times; check the cable"),
      Sample(seq: 1900, ts: start.adding(seconds: 180), tempC: -80, rhPct: 100, error: "humidity probe \"stuck\""),
      Sample(seq: 1901, ts: start.adding(seconds: 240), defrost: true),
      Sample(seq: 1902, ts: start.adding(seconds: 300), defrost: false, doorOpen: true),
    ]
    let payload = ReadingEncoder.encodeBatch(agent: "hx-edge-1", samples: samples)
    let decoded = try ReadingFixture.decode(payload).get()
    #expect(decoded == DecodedReading(key: ReadingFixture.key, agent: "hx-edge-1", samples: samples, isBatch: true))
  }

  @Test("accepts a hand-typed mosquitto_pub payload without seq or agent")
  func thirdPartyPayload() throws {
    let decoded = try ReadingFixture.decode(#"{"v":1,"ts":"2026-11-29T10:40:00+07:00","temp_c":4}"#).get()
    #expect(
      decoded
        == DecodedReading(
          key: ReadingFixture.key, agent: nil, samples: [Sample(seq: nil, ts: ReadingFixture.now, tempC: 4)],
          isBatch: false))
  }

  @Test("reads ts as Unix seconds, to the millisecond")
  func unixSeconds() throws {
    let whole = try ReadingFixture.decode(#"{"v":1,"ts":1795923600,"temp_c":4}"#).get()
    #expect(whole.samples.map(\.ts) == [ReadingFixture.now])
    let fractional = try ReadingFixture.decode(#"{"v":1,"ts":1795923599.123,"rh_pct":55.5}"#).get()
    #expect(fractional.samples.map(\.ts) == [Timestamp(milliseconds: 1_795_923_599_123)])
    let early = try ReadingFixture.decode(#"{"v":1,"ts":-1.5,"rh_pct":55.5}"#).get()
    #expect(early.samples.map(\.ts) == [Timestamp(milliseconds: -1500)])
  }

  @Test("treats null as absent and ignores fields it does not know")
  func nullsAndUnknownFields() throws {
    let payload = #"""
      {"v":1,"agent":null,"firmware":"2.1.0","seq":null,"ts":"2026-11-29T03:40:00Z","temp_c":null,"rh_pct":55,
       "error":null,"samples":null,"probe":{"bus":"w1","id":[40,3,22]}}
      """#
    let decoded = try ReadingFixture.decode(payload).get()
    #expect(
      decoded
        == DecodedReading(
          key: ReadingFixture.key, agent: nil, samples: [Sample(seq: nil, ts: ReadingFixture.now, rhPct: 55)],
          isBatch: false))
  }

  @Test("accepts a version written as 1.0 and a seq written as 1842.0")
  func integralNumbers() throws {
    let decoded = try ReadingFixture.decode(#"{"v":1.0,"seq":1842.0,"ts":1795923600,"temp_c":4}"#).get()
    #expect(decoded.samples.map(\.seq) == [1842])
  }

  // MARK: - Shape and types

  @Test(
    "names the field of the wrong type",
    arguments: [
      ("[1,2]", "a reading payload must be a JSON object, got array"),
      (#"{"v":"1","ts":1,"temp_c":4}"#, "v must be the number 1, got string"),
      (#"{"v":1,"agent":7,"ts":1,"temp_c":4}"#, "agent must be a string, got number"),
      (#"{"v":1,"seq":"7","ts":1,"temp_c":4}"#, "seq must be a number, got string"),
      (#"{"v":1,"ts":true,"temp_c":4}"#, "ts must be an RFC 3339 string or a number of Unix seconds, got boolean"),
      (#"{"v":1,"ts":1,"rh_pct":[50]}"#, "rh_pct must be a number, got array"),
      (#"{"v":1,"ts":1,"error":{"code":3}}"#, "error must be a string describing the sensor fault, got object"),
      (#"{"v":1,"samples":{"ts":1,"temp_c":4}}"#, "samples must be an array, got object"),
      (#"{"v":1,"samples":[{"ts":1,"temp_c":4},3]}"#, "samples[1] must be an object, got number"),
      (
        #"{"v":1,"temp_c":4,"samples":[{"ts":1,"temp_c":4}]}"#,
        "temp_c is outside samples; a payload carries either one sample or a samples array, not both"
      ),
      (#"{"v":1,"samples":[{"ts":1,"temp_c":"4"}]}"#, "temp_c must be a number, got string (samples[0])"),
    ])
  func wrongTypes(_ json: String, _ detail: String) {
    #expect(ReadingFixture.rejection(json) == PayloadRejection(.wrongType, detail))
  }

  @Test("requires v and refuses empty batches")
  func requiredParts() {
    let missing = PayloadRejection(.missingField, #"v is missing; a reading payload starts with "v":1"#)
    #expect(ReadingFixture.rejection(#"{"ts":1,"temp_c":4}"#) == missing)
    #expect(ReadingFixture.rejection(#"{"v":null,"ts":1,"temp_c":4}"#) == missing)
    #expect(
      ReadingFixture.rejection(#"{"v":1,"samples":[]}"#)
        == PayloadRejection(.noValues, "samples is empty; a batch carries at least one sample"))
    #expect(
      ReadingFixture.rejection(#"{"v":1,"samples":[{"ts":1}]}"#)?.detail
        == "the sample has none of temp_c, rh_pct, error, defrost or door_open (samples[0])")
  }

  @Test("reports ts mistakes precisely")
  func timestampDetails() {
    #expect(
      ReadingFixture.rejection(#"{"v":1,"ts":1795923600000,"temp_c":4}"#)
        == PayloadRejection(
          .badTimestamp, "ts 1795923600000 as Unix seconds is outside the years 0000–9999 (milliseconds, perhaps?)"))
    #expect(ReadingFixture.rejection(#"{"v":1,"ts":"2026-11-29T03:40:00","temp_c":4}"#)?.reason == .badTimestamp)
    #expect(
      ReadingFixture.rejection(#"{"v":1,"samples":[{"ts":1,"temp_c":4},{"temp_c":4}]}"#)?.detail
        == "ts is missing; every sample needs its event time (samples[1])")
  }

  @Test("refuses a whole batch when one sample is bad")
  func wholeBatchRefused() {
    let json =
      #"{"v":1,"samples":[{"seq":1,"ts":1,"temp_c":4},{"seq":2,"ts":2,"temp_c":4},{"seq":3,"ts":3,"temp_c":99}]}"#
    #expect(
      ReadingFixture.rejection(json)
        == PayloadRejection(.tempOutOfRange, "temp_c 99 is outside -80..85 °C (samples[2])"))
  }

  @Test("maps each JSON failure to its own reason")
  func jsonFailureMapping() {
    #expect(ReadingFixture.rejection("")?.reason == .malformedJSON)
    #expect(ReadingFixture.rejection(#"{"v":1,"ts":NaN,"temp_c":4}"#)?.reason == .nonFinite)
    #expect(ReadingFixture.rejection(#"{"v":1,"ts":1,"temp_c":-Infinity}"#)?.reason == .nonFinite)
    #expect(ReadingFixture.rejection(#"{"v":1,"ts":1,"error":"\uDEAD"}"#)?.reason == .invalidUTF8)
  }

  @Test("decodes straight from a raw buffer")
  func rawBuffer() throws {
    let bytes = Array(#"{"v":1,"ts":1795923600,"temp_c":4}"#.utf8)
    let result = bytes.withUnsafeBytes {
      ReadingDecoder.decode(topic: ReadingFixture.topic, payload: $0, now: ReadingFixture.now)
    }
    #expect(try result.get().samples == [Sample(seq: nil, ts: ReadingFixture.now, tempC: 4)])
  }
}
