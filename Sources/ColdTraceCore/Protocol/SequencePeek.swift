/// The first `seq` and the `floor` of a reading payload, found by scanning its bytes for the keys, without decoding
/// it: what the collector needs to turn away again the message of a probe whose earlier reading it deferred, at the
/// cost of a byte scan instead of a decode (a site flooding at the broker's full rate sends tens of thousands a
/// second, all read by one thread).
///
/// A key matches only as `"seq":` (an unescaped quote on each side, then the colon, so never inside a string value);
/// samples come oldest first, so the first `"seq":` is the reading's first. `nil` when there is no `seq` or it is
/// not a plain integer: the caller then decodes the message as usual. A wrong answer costs at most a deferral (the
/// agent sends the reading again), never a stored or lost reading.
public enum SequencePeek {
  public static func firstSequenceAndFloor(_ payload: UnsafeRawBufferPointer) -> (seq: Int64, floor: Int64?)? {
    guard let seq = integer(after: seqKey, in: payload) else { return nil }
    return (seq, integer(after: floorKey, in: payload))
  }

  /// The `agent` string of the payload when it is plain (no escape before its closing quote), else `nil`: the turn-away
  /// is only for an agent that keeps an outbox and so sends the reading again.
  public static func agent(_ payload: UnsafeRawBufferPointer) -> String? {
    guard let start = end(of: agentKey, in: payload) else { return nil }
    var index = start
    while index < payload.count && payload[index] == UInt8(ascii: " ") { index += 1 }
    guard index < payload.count, payload[index] == UInt8(ascii: "\"") else { return nil }
    let first = index + 1
    index = first
    while index < payload.count, payload[index] != UInt8(ascii: "\"") {
      if payload[index] == UInt8(ascii: "\\") { return nil }
      index += 1
    }
    guard index < payload.count, index > first else { return nil }
    return String(decoding: UnsafeRawBufferPointer(rebasing: payload[first..<index]), as: UTF8.self)
  }

  private static let agentKey: [UInt8] = Array(#""agent":"#.utf8)
  private static let seqKey: [UInt8] = Array(#""seq":"#.utf8)
  private static let floorKey: [UInt8] = Array(#""floor":"#.utf8)

  /// The integer after the first occurrence of `key` (spaces allowed after the colon).
  private static func integer(after key: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int64? {
    end(of: key, in: bytes).flatMap { parse(bytes, from: $0) }
  }

  /// Where the first occurrence of `key` ends.
  private static func end(of key: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
    guard bytes.count >= key.count, let first = key.first else { return nil }
    var index = 0
    let last = bytes.count - key.count
    while index <= last {
      if bytes[index] == first && matches(key, in: bytes, at: index) { return index + key.count }
      index += 1
    }
    return nil
  }

  private static func matches(_ key: [UInt8], in bytes: UnsafeRawBufferPointer, at start: Int) -> Bool {
    for offset in 1..<key.count where bytes[start + offset] != key[offset] { return false }
    return true
  }

  private static func parse(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int64? {
    var index = start
    while index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
    var value: Int64 = 0
    var digits = 0
    while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
      let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflowSum) = times.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
      guard !overflowTimes, !overflowSum else { return nil }
      value = sum
      digits += 1
      index += 1
    }
    // A fraction or an exponent is not a `seq` the decoder would take: leave the message to it.
    guard digits > 0,
      index == bytes.count || ![UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index])
    else { return nil }
    return value
  }
}
