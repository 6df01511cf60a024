import Testing

@testable import ColdTraceCore

/// `time_quality` on a sample and `sent` on the envelope: written by the encoder, read alike by the fast path and
/// the general one, and old payloads unchanged.
struct TimeQualityPayloadTests {
  private let topic = "coldtrace/v1/reading/hx/cold2/cold2-air"
  private let now = Timestamp(seconds: 1_780_000_000)

  private func both(_ payload: String) -> (fast: DecodedReading?, general: DecodedReading?) {
    let bytes = Array(payload.utf8)
    let fast = try? ReadingDecoder.decode(topic: topic, payload: bytes, now: now).get()
    let general = bytes.withUnsafeBytes {
      try? ReadingDecoder.decodeWithoutFastPath(topic: topic, payload: $0, now: now).get()
    }
    return (fast, general)
  }

  @Test func encodedQualityAndSentTimeReadBackOnBothPaths() {
    let sent = now.adding(seconds: -0.25)
    let corrected = Sample(seq: 3, ts: now.adding(seconds: -60), tempC: 3.4, timeQuality: .corrected)
    let single = ReadingEncoder.encode(agent: "e1", sample: corrected, floor: 1, incarnation: "abc", sent: sent)
    #expect(single.contains(#""sent":"#) && single.contains(#""time_quality":"corrected""#))
    let (fast, general) = both(single)
    #expect(fast != nil && fast == general)
    #expect(fast?.samples == [corrected] && fast?.sent == sent)
    let batch = ReadingEncoder.encodeBatch(
      agent: "e1",
      samples: [
        Sample(seq: 4, ts: now.adding(seconds: -50), tempC: 3.5, timeQuality: .unsynced),
        Sample(seq: 5, ts: now.adding(seconds: -40), tempC: 3.6),
      ], sent: sent)
    let read = both(batch)
    #expect(read.fast != nil && read.fast == read.general)
    #expect(read.fast?.samples.map(\.timeQuality) == [.unsynced, nil] && read.fast?.sent == sent)
  }

  @Test func oldPayloadsHaveNeitherAndUnknownWordsAreDoubtful() {
    let old = both(#"{"v":1,"agent":"e1","seq":1,"ts":"2026-05-28T20:26:00Z","temp_c":3.4}"#)
    #expect(old.fast?.samples.first?.timeQuality == nil && old.fast?.sent == nil && old.fast == old.general)
    let unknown = both(#"{"v":1,"seq":1,"ts":"2026-05-28T20:26:00Z","temp_c":3.4,"time_quality":"gps"}"#)
    #expect(unknown.general?.samples.first?.timeQuality == .unsynced && unknown.fast == unknown.general)
    // An unreadable `sent` is ignored, never a reason to refuse the reading.
    let badSent = both(#"{"v":1,"agent":"e1","sent":"yesterday","seq":1,"ts":"2026-05-28T20:26:00Z","temp_c":3}"#)
    #expect(badSent.general != nil && badSent.general?.sent == nil && badSent.fast == badSent.general)
    let numeric = both(#"{"v":1,"agent":"e1","sent":1780000000.5,"seq":1,"ts":"2026-05-28T20:26:00Z","temp_c":3}"#)
    #expect(numeric.fast?.sent == Timestamp(milliseconds: 1_780_000_000_500) && numeric.fast == numeric.general)
  }

  @Test func aQualityThatIsNoStringIsRefused() {
    let payload = Array(#"{"v":1,"seq":1,"ts":"2026-05-28T20:26:00Z","temp_c":3.4,"time_quality":2}"#.utf8)
    guard case .failure(let rejection) = ReadingDecoder.decode(topic: topic, payload: payload, now: now) else {
      Issue.record("accepted a numeric time_quality")
      return
    }
    #expect(rejection.reason == .wrongType && rejection.detail.contains("time_quality"))
  }

  @Test func theSenderOfARefusedPayloadIsFoundForTheSkewJudge() {
    let ahead = now.adding(seconds: 10_800)
    let payload = ReadingEncoder.encode(
      agent: "hx-edge-1", sample: Sample(seq: 1, ts: ahead, tempC: 3), sent: ahead)
    let bytes = Array(payload.utf8)
    guard case .failure(let rejection) = ReadingDecoder.decode(topic: topic, payload: bytes, now: now) else {
      Issue.record("a ts 3 h ahead was accepted")
      return
    }
    #expect(rejection.reason == .futureTimestamp)
    let sender = bytes.withUnsafeBytes { ReadingDecoder.sender(of: $0) }
    #expect(sender?.agent == "hx-edge-1" && sender?.sent == ahead)
  }
}
