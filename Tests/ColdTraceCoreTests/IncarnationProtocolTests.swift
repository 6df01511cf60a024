import Testing

@testable import ColdTraceCore

/// The incarnation on the wire: the reading's optional `inc` (single and batch, fast path and general path alike),
/// the acknowledgement's `inc` and the status's `incarnation`; payloads without them read exactly as before.
@Suite("Incarnation in the protocol")
struct IncarnationProtocolTests {
  let topic = "coldtrace/v1/reading/hongxuan/cold2/cold2-air"
  let now = Timestamp(seconds: 1_800_000_000)

  private func decodeBothWays(_ json: String) -> Result<DecodedReading, PayloadRejection> {
    let bytes = Array(json.utf8)
    let fast = ReadingDecoder.decode(topic: topic, payload: bytes, now: now)
    let general = bytes.withUnsafeBytes { ReadingDecoder.decodeWithoutFastPath(topic: topic, payload: $0, now: now) }
    #expect(fast == general, "the fast and the general path disagree on \(json)")
    return fast
  }

  @Test func aSingleAndABatchPayloadCarryTheirIncarnation() throws {
    let single = try decodeBothWays(
      #"{"v":1,"agent":"hx-edge-1","inc":"9f3c0a5e12b4d67","floor":1,"seq":1,"ts":"2027-01-15T08:00:00.000Z","temp_c":3.4}"#
    ).get()
    #expect(single.incarnation == "9f3c0a5e12b4d67")
    let batch = try decodeBothWays(
      #"{"v":1,"agent":"hx-edge-1","floor":1,"samples":[{"seq":1,"ts":"2027-01-15T08:00:00.000Z","temp_c":3.4}],"inc":"x.y_z-1"}"#
    ).get()
    #expect(batch.incarnation == "x.y_z-1")
    #expect(batch.samples.count == 1)
  }

  @Test func aPayloadWithoutIncOrWithNullReadsAsBefore() throws {
    let without = try decodeBothWays(#"{"v":1,"seq":7,"ts":"2027-01-15T08:00:00Z","temp_c":3.4}"#).get()
    #expect(without.incarnation == nil && without.samples.first?.seq == 7)
    let null = try decodeBothWays(#"{"v":1,"inc":null,"seq":7,"ts":"2027-01-15T08:00:00Z","temp_c":3.4}"#).get()
    #expect(null == without)
  }

  @Test(
    "a bad inc is refused as bad_incarnation with a clear detail",
    arguments: [
      (#""inc":12"#, "inc must be a string, got number"),
      (#""inc":"""#, "inc is empty"),
      (#""inc":""# + String(repeating: "a", count: 65) + #"""#, "inc is 65 bytes long; the limit is 64"),
      (#""inc":"hx/1""#, #"inc "hx/1" has a character outside A-Z a-z 0-9 . _ -"#),
      (#""inc":["a"]"#, "inc must be a string, got array"),
    ])
  func badIncarnation(field: String, detail: String) {
    let result = decodeBothWays(#"{"v":1,\#(field),"seq":1,"ts":"2027-01-15T08:00:00Z","temp_c":3.4}"#)
    guard case .failure(let rejection) = result else {
      Issue.record("accepted: \(result)")
      return
    }
    #expect(rejection.reason == .badIncarnation)
    #expect(rejection.detail == detail)
  }

  @Test func theEncoderWritesIncAndTheDecoderReadsItBack() throws {
    let sample = Sample(seq: 3, ts: Timestamp(milliseconds: 1_800_000_000_000), tempC: 2.5)
    let single = ReadingEncoder.encode(agent: "hx-edge-1", sample: sample, floor: 1, incarnation: "00ff00ff00ff00ff")
    #expect(try decodeBothWays(single).get().incarnation == "00ff00ff00ff00ff")
    let batch = ReadingEncoder.encodeBatch(agent: "hx-edge-1", samples: [sample], floor: 1, incarnation: "abc")
    #expect(try decodeBothWays(batch).get().incarnation == "abc")
    #expect(!ReadingEncoder.encode(agent: "hx-edge-1", sample: sample).contains("inc"))
  }

  @Test func theAcknowledgementNamesItsIncarnation() {
    let message = AcknowledgementMessage(watermarks: ["cold2-air": 20], incarnation: "abc")
    #expect(message.encode() == #"{"sensors":{"cold2-air":20},"inc":"abc"}"#)
    #expect(AcknowledgementMessage.decode(Array(message.encode().utf8)) == message)
    let old = AcknowledgementMessage.decode(Array(#"{"sensors":{"cold2-air":20}}"#.utf8))
    #expect(old?.incarnation == nil && old?.watermarks == ["cold2-air": 20])
    // An `inc` that is no string matches no agent's incarnation.
    #expect(AcknowledgementMessage.decode(Array(#"{"sensors":{"a":1},"inc":5}"#.utf8))?.incarnation == "")
  }

  @Test func theStatusAnnouncesTheIncarnation() {
    let status = StatusMessage(
      state: "online", sender: .agent("hx-edge-1"), version: "0.1.0", ts: nil, incarnation: "9f3c0a5e12b4d67")
    let decoded = StatusMessage.decode(Array(status.encode().utf8))
    #expect(decoded?.incarnation == "9f3c0a5e12b4d67")
    let invalid = #"{"state":"online","agent":"hx-edge-1","incarnation":"a b"}"#
    #expect(StatusMessage.decode(Array(invalid.utf8))?.incarnation == nil)
  }

  @Test func aNewInstallIsNamedByFifteenHexDigits() {
    #expect(Incarnation.hex(0xff) == "0000000000000ff")
    #expect(Incarnation.hex(.max) == "fffffffffffffff")
    #expect(Incarnation.isValid(Incarnation.hex(.max)))
  }
}
