import ColdTraceCore
import Testing

/// The byte scan the collector turns a deferred probe's messages away with: it finds what the decoder finds, for
/// the payloads agents send, and leaves anything else to the decoder.
struct SequencePeekTests {
  private func peek(_ text: String) -> (seq: Int64, floor: Int64?)? {
    Array(text.utf8).withUnsafeBytes { SequencePeek.firstSequenceAndFloor($0) }
  }

  @Test func theNumbersOfWhatAgentsSendAreTheDecodersNumbers() throws {
    let sample = Sample(seq: 4_812, ts: Timestamp(seconds: 1_780_000_000), tempC: 3.4)
    let single = ReadingEncoder.encode(agent: "hx-edge-1", sample: sample)
    let decoded = try ReadingDecoder.decode(
      topic: "coldtrace/v1/reading/hongxuan/cold1/probe-1", payload: Array(single.utf8),
      now: Timestamp(seconds: 1_780_000_100)
    ).get()
    #expect(peek(single)?.seq == decoded.samples.first?.seq)
    #expect(peek(single)?.floor == decoded.floor)
    let batch =
      #"{"v":1,"agent":"hx-edge-1","floor":4800,"samples":[{"seq":4801,"ts":1780000000,"temp_c":3.1},"#
      + #"{"seq":4802,"ts":1780000060,"temp_c":3.2}]}"#
    #expect(peek(batch)?.seq == 4_801 && peek(batch)?.floor == 4_800)
    #expect(peek(#"{"v":1, "seq": 7, "ts":1780000000,"temp_c":3}"#)?.seq == 7, "spaces after the colon")
  }

  @Test func anythingElseIsLeftToTheDecoder() {
    #expect(peek(#"{"v":1,"ts":1780000000,"temp_c":3.4}"#) == nil, "no seq")
    #expect(peek(#"{"v":1,"seq":"7","ts":1780000000}"#) == nil, "a string")
    #expect(peek(#"{"v":1,"seq":7.5,"ts":1780000000}"#) == nil, "a fraction")
    #expect(peek(#"{"v":1,"seq":-1,"ts":1780000000}"#) == nil, "a sign")
    #expect(peek(#"{"v":1,"seq":99999999999999999999}"#) == nil, "too large")
    #expect(peek(#"{"v":1,"note":"x\"seq\":5","ts":1}"#) == nil, "inside a string")
    #expect(peek("") == nil)
  }

  /// The agent the turn-away checks for an outbox: found as the decoder finds it, or left to the decoder.
  @Test func theAgentIsFoundOnlyWhenItIsPlain() {
    let agent = { (text: String) in Array(text.utf8).withUnsafeBytes { SequencePeek.agent($0) } }
    let sample = Sample(seq: 1, ts: Timestamp(seconds: 1_780_000_000), tempC: 3.4)
    #expect(agent(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample)) == "hx-edge-1")
    #expect(agent(#"{"v":1, "agent": "a2","seq":1}"#) == "a2")
    #expect(agent(#"{"v":1,"seq":1,"ts":1780000000,"temp_c":3}"#) == nil, "no agent: a sender without an outbox")
    #expect(agent(#"{"v":1,"agent":"a\"b","seq":1}"#) == nil, "an escape")
    #expect(agent(#"{"v":1,"agent":"","seq":1}"#) == nil, "empty")
    #expect(agent(#"{"v":1,"agent":7,"seq":1}"#) == nil, "not a string")
    #expect(agent(#"{"v":1,"agent":"unterminated"#) == nil)
  }
}
