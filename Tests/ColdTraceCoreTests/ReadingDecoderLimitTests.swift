import Testing

@testable import ColdTraceCore

@Suite("Reading decoder limits and sequence numbers")
struct ReadingDecoderLimitTests {
  // MARK: - Limits

  @Test(
    "keeps temperature and humidity within their ranges, edges included",
    arguments: [
      ("temp_c", 85.0, nil), ("temp_c", 85.01, RejectionReason.tempOutOfRange), ("temp_c", -80.0, nil),
      ("temp_c", -80.01, .tempOutOfRange), ("rh_pct", 0.0, nil), ("rh_pct", -0.1, .rhOutOfRange),
      ("rh_pct", 100.0, nil), ("rh_pct", 100.01, .rhOutOfRange),
    ])
  func valueRanges(_ field: String, _ value: Double, _ reason: RejectionReason?) {
    let result = ReadingFixture.decode(#"{"v":1,"ts":1795923600,"\#(field)":\#(JSONText.number(value))}"#)
    switch (result, reason) {
    case (.success(let decoded), nil):
      let sample = decoded.samples[0]
      #expect((field == "temp_c" ? sample.tempC : sample.rhPct) == value)
    case (.failure(let rejection), let reason?):
      #expect(rejection.reason == reason)
      #expect(rejection.detail.hasPrefix("\(field) \(JSONText.number(value)) is outside"))
    default:
      Issue.record("\(field) \(value): \(result)")
    }
  }

  @Test("accepts exactly 256 KiB and refuses one byte more before parsing")
  func payloadSize() throws {
    let head = #"{"v":1,"ts":"2026-11-29T03:40:00Z","temp_c":4,"pad":""#
    let tail = #""}"#
    let padding = ReadingDecoder.maxPayloadBytes - head.utf8.count - tail.utf8.count
    let exact = head + String(repeating: "x", count: padding) + tail
    #expect(exact.utf8.count == 262_144)
    #expect(try ReadingFixture.decode(exact).get().samples.map(\.tempC) == [4])
    let over = head + String(repeating: "x", count: padding + 1) + tail
    #expect(ReadingFixture.rejection(over)?.reason == .tooLarge)
    // Size is checked first: oversized garbage on a bad topic is still too_large.
    #expect(ReadingFixture.rejection(String(repeating: "{", count: 262_145), topic: "x")?.reason == .tooLarge)
  }

  @Test("allows ts up to 300 s ahead of the collector clock, not a millisecond more")
  func futureSkew() throws {
    #expect(try ReadingFixture.decode(#"{"v":1,"ts":"2026-11-29T03:45:00Z","temp_c":4}"#).get().samples.count == 1)
    #expect(
      ReadingFixture.rejection(#"{"v":1,"ts":"2026-11-29T03:45:00.001Z","temp_c":4}"#)?.reason == .futureTimestamp)
    #expect(ReadingFixture.rejection(#"{"v":1,"ts":1795923900.001,"temp_c":4}"#)?.reason == .futureTimestamp)
  }

  @Test("takes up to 10 000 samples in one batch")
  func batchSize() throws {
    func batch(_ count: Int) -> String {
      #"{"v":1,"samples":["# + Array(repeating: #"{"ts":1,"temp_c":4}"#, count: count).joined(separator: ",") + "]}"
    }
    #expect(try ReadingFixture.decode(batch(10_000)).get().samples.count == 10_000)
    let refused = ReadingFixture.rejection(batch(10_001))
    #expect(refused?.reason == .tooLarge)
    #expect(refused?.detail == "samples has 10001 entries; the limit is 10000 per payload")
  }

  @Test("limits error text to 1…256 characters")
  func errorLength() throws {
    let longest = String(repeating: "é", count: 256)
    #expect(try ReadingFixture.decode(#"{"v":1,"ts":1,"error":"\#(longest)"}"#).get().samples[0].error == longest)
    #expect(
      ReadingFixture.rejection(#"{"v":1,"ts":1,"error":"\#(longest)x"}"#)
        == PayloadRejection(.wrongType, "error has 257 characters; the limit is 256"))
    #expect(
      ReadingFixture.rejection(#"{"v":1,"ts":1,"error":""}"#)
        == PayloadRejection(.wrongType, "error must not be empty; leave it out when there is no fault"))
  }

  // MARK: - Sequence numbers

  @Test(
    "refuses sequence numbers that are not whole, not ≥ 0, too large, or out of order",
    arguments: [
      (#"{"v":1,"seq":-1,"ts":1,"temp_c":4}"#, "seq -1 is not a whole number ≥ 0"),
      (
        #"{"v":1,"seq":9007199254740992,"ts":1,"temp_c":4}"#,
        "seq 9007199254740992 is above 9007199254740991 (2^53 − 1)"
      ),
      (
        #"{"v":1,"samples":[{"seq":5,"ts":1,"temp_c":4},{"seq":5,"ts":2,"temp_c":4}]}"#,
        "seq 5 does not increase after 5 (samples[1]); a batch lists samples oldest first"
      ),
      (
        #"{"v":1,"samples":[{"seq":6,"ts":1,"temp_c":4},{"seq":5,"ts":2,"temp_c":4}]}"#,
        "seq 5 does not increase after 6 (samples[1]); a batch lists samples oldest first"
      ),
      (
        #"{"v":1,"samples":[{"ts":1,"temp_c":4},{"seq":5,"ts":2,"temp_c":4}]}"#,
        "samples[1] has a seq but the samples before it have none; number all or none"
      ),
      (
        #"{"v":1,"samples":[{"seq":4,"ts":1,"temp_c":4},{"ts":2,"temp_c":4}]}"#,
        "samples[1] has no seq but the samples before it have one; number all or none"
      ),
    ])
  func badSequences(_ json: String, _ detail: String) {
    #expect(ReadingFixture.rejection(json) == PayloadRejection(.badSequence, detail))
  }

  @Test("accepts the largest exact seq and gaps in a batch")
  func goodSequences() throws {
    #expect(
      try ReadingFixture.decode(#"{"v":1,"seq":9007199254740991,"ts":1,"temp_c":4}"#).get().samples[0].seq
        == 9_007_199_254_740_991)
    let gaps = try ReadingFixture.decode(
      #"{"v":1,"samples":[{"seq":0,"ts":1,"temp_c":4},{"seq":9,"ts":1,"temp_c":4}]}"#
    ).get()
    #expect(gaps.samples.map(\.seq) == [0, 9])
  }
}
