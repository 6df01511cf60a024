import ColdTraceCore

let now = Timestamp(milliseconds: 1_796_000_000_000)
let topic = "coldtrace/v1/reading/hongxuan/cold2/probe-1"
let prefix = Array(#"{"v":1,"agent":"hx-edge-1","samples":["#.utf8)
let suffix = Array("]}".utf8)

/// The inside of a backfill's `samples` array (`{"seq":1,"ts":…,"temp_c":3.4},{…}`): the envelope is fixed so every
/// mutation lands in the batch form's sample, ordering and size checks.
///
/// Beyond not crashing: a refusal is one line; the fast path and the general parse agree; an accepted batch keeps
/// strictly increasing `seq` (or none) and encodes and decodes back to the same samples.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReadingBatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let payload = prefix + Array(UnsafeBufferPointer(start: data, count: size)) + suffix
  let decoded = ReadingDecoder.decode(topic: topic, payload: payload, now: now)
  let general = payload.withUnsafeBytes { ReadingDecoder.decodeWithoutFastPath(topic: topic, payload: $0, now: now) }
  if decoded != general {
    fatalError("the fast path decoded \(decoded), the general parse \(general)")
  }
  switch decoded {
  case .failure(let rejection):
    if rejection.description.contains(where: \.isNewline) {
      fatalError("a rejection is not one line: \(rejection.description.debugDescription)")
    }
  case .success(let reading):
    let sequence = reading.samples.map(\.seq)
    let numbered = sequence.compactMap { $0 }
    guard reading.isBatch, numbered.isEmpty || numbered.count == sequence.count,
      zip(numbered, numbered.dropFirst()).allSatisfy({ $0 < $1 })
    else {
      fatalError("an accepted batch breaks the seq rule: \(sequence)")
    }
    let encoded = ReadingEncoder.encodeBatch(agent: "hx-edge-1", samples: reading.samples, floor: reading.floor)
    guard case .success(let again) = ReadingDecoder.decode(topic: topic, payload: Array(encoded.utf8), now: now),
      again.samples == reading.samples
    else {
      fatalError("an accepted batch does not survive re-encoding: \(encoded)")
    }
  }
  return 0
}
