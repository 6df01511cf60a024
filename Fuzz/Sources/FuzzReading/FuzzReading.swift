import ColdTraceCore

/// The collector's clock for every input, so a run is reproducible.
let now = Timestamp(milliseconds: 1_796_000_000_000)
let defaultTopic = "coldtrace/v1/reading/hongxuan/cold2/probe-1"

/// One MQTT reading message: the input up to its first newline is the topic, the rest the payload. An input without
/// a newline is a payload on a valid topic.
///
/// Beyond not crashing: a refusal is one line, the fast path and the general parse agree, and an accepted reading
/// encodes and decodes back to the same samples.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReading(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeRawBufferPointer(start: data, count: size)
  let topic: String
  let payload: UnsafeRawBufferPointer
  if let newline = input.firstIndex(of: 0x0A) {
    topic = String(decoding: UnsafeRawBufferPointer(rebasing: input[..<newline]), as: UTF8.self)
    payload = UnsafeRawBufferPointer(rebasing: input[(newline + 1)...])
  } else {
    topic = defaultTopic
    payload = input
  }
  let decoded = ReadingDecoder.decode(topic: topic, payload: payload, now: now)
  checkSameWithoutFastPath(decoded, topic: topic, payload: payload)
  switch decoded {
  case .failure(let rejection):
    if rejection.description.contains(where: \.isNewline) {
      fatalError("a rejection is not one line: \(rejection.description.debugDescription)")
    }
  case .success(let reading):
    checkRoundTrip(reading, topic: topic)
  }
  return 0
}

/// The collector's fast path and the general parse must give the same reading or the same rejection.
func checkSameWithoutFastPath(
  _ decoded: Result<DecodedReading, PayloadRejection>, topic: String, payload: UnsafeRawBufferPointer
) {
  let general = ReadingDecoder.decodeWithoutFastPath(topic: topic, payload: payload, now: now)
  if decoded != general {
    fatalError("the fast path decoded \(decoded), the general parse \(general)")
  }
}

/// Re-encodes an accepted reading as the agent would publish it and decodes it again.
func checkRoundTrip(_ reading: DecodedReading, topic: String) {
  let agent = reading.agent ?? "fuzz-agent"
  let encoded =
    reading.isBatch
    ? ReadingEncoder.encodeBatch(
      agent: agent, samples: reading.samples, floor: reading.floor, incarnation: reading.incarnation)
    : ReadingEncoder.encode(
      agent: agent, sample: reading.samples[0], floor: reading.floor, incarnation: reading.incarnation)
  switch ReadingDecoder.decode(topic: topic, payload: Array(encoded.utf8), now: now) {
  case .failure(let rejection):
    fatalError("an accepted reading re-encoded as \(encoded) is refused: \(rejection)")
  case .success(let again):
    guard again.samples == reading.samples, again.floor == reading.floor, again.isBatch == reading.isBatch,
      again.key == reading.key, again.incarnation == reading.incarnation
    else {
      fatalError("round trip changed the reading: \(reading) became \(again) via \(encoded)")
    }
  }
}
