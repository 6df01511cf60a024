/// The fields the fast path (`JSONParser.scanAcceptedReading`) knows.
enum ReadingField: UInt8 {
  case version, agent, floor, incarnation, sent, samples, seq, ts, tempC, rhPct, error, defrost, doorOpen, timeQuality

  var isSampleField: Bool { rawValue >= ReadingField.seq.rawValue }
}

/// A sample's fields as the fast path read them.
struct ScannedSample {
  var seq: Int64?
  var ts: Timestamp?
  var tempC: Double?
  var rhPct: Double?
  var error: String?
  var defrost: Bool?
  var doorOpen: Bool?
  var timeQuality: TimeQuality?

  var isEmpty: Bool {
    seq == nil && ts == nil && tempC == nil && rhPct == nil && error == nil && defrost == nil && doorOpen == nil
      && timeQuality == nil
  }

  /// The sample, if the decoder accepts it: it has a `ts` no further ahead than `limit`, and a value, an error or a
  /// signal.
  func accepted(limit: FutureLimit) -> Sample? {
    guard let ts, ts.milliseconds <= limit.latest else { return nil }
    let sample = Sample(
      seq: seq, ts: ts, tempC: tempC, rhPct: rhPct, error: error, defrost: defrost, doorOpen: doorOpen,
      timeQuality: timeQuality)
    return sample.hasContent && !sample.mixesSignalAndValues ? sample : nil
  }
}
