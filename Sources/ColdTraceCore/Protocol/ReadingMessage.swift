/// A reading on `coldtrace/v1/reading/<site>/<room>/<sensor>` (docs/protocol.md, "Readings"): one sample,
/// `{"v":1,"agent":"hx-edge-1","seq":1842,"ts":"2026-11-29T03:40:00.000Z","temp_c":3.42,"rh_pct":91.8}`, or a backfill
/// of several in a `samples` array.
///
/// The two entry points of the reading codec: `ReadingEncoder` writes what the agent publishes, `ReadingDecoder` checks
/// and reads what the collector receives (with a fast path for the common single-sample payload; see
/// `ReadingFastPath.swift`). They are kept apart because the decoder is large and tuned; this names both.
public enum ReadingMessage {
  /// One sample as the agent publishes it.
  public static func encode(agent: String, sample: Sample, floor: Int64? = nil) -> String {
    ReadingEncoder.encode(agent: agent, sample: sample, floor: floor)
  }

  /// Several samples of one sensor, oldest first (a backfill).
  public static func encode(agent: String, samples: [Sample], floor: Int64? = nil) -> String {
    ReadingEncoder.encodeBatch(agent: agent, samples: samples, floor: floor)
  }

  /// A reading received on `topic` at collector time `now`, or why it is refused.
  public static func decode(topic: String, payload: [UInt8], now: Timestamp) -> Result<DecodedReading, PayloadRejection>
  {
    ReadingDecoder.decode(topic: topic, payload: payload, now: now)
  }

  /// `decode` of a payload in place (the collector's network thread).
  public static func decode(
    topic: String, payload: UnsafeRawBufferPointer, now: Timestamp
  ) -> Result<DecodedReading, PayloadRejection> {
    ReadingDecoder.decode(topic: topic, payload: payload, now: now)
  }
}
