/// Writes reading payloads (docs/protocol.md, "Reading payload") as the agent publishes them, e.g.
/// `{"v":1,"agent":"hx-edge-1","seq":1842,"ts":"2026-11-29T03:40:00.000Z","temp_c":3.42,"rh_pct":91.8}`.
///
/// Absent fields are left out; `ts` is always RFC 3339 UTC with milliseconds. `ReadingDecoder` reads back exactly
/// the samples that were encoded (timestamps at millisecond precision).
public enum ReadingEncoder {
  /// The opening every payload of one publisher's round shares (`v`, `agent`, `inc`, `sent`), written once for the
  /// round's samples (`encode(_:sample:floor:)`).
  public struct Envelope: Sendable {
    let opening: String
    public init(agent: String, incarnation: String? = nil, sent: Timestamp? = nil) {
      opening = ReadingEncoder.envelope(agent: agent, incarnation: incarnation, sent: sent)
    }
  }

  /// One sample.
  public static func encode(
    agent: String, sample: Sample, floor: Int64? = nil, incarnation: String? = nil, sent: Timestamp? = nil
  ) -> String {
    encode(Envelope(agent: agent, incarnation: incarnation, sent: sent), sample: sample, floor: floor)
  }

  /// One sample, in an envelope written before.
  public static func encode(_ envelope: Envelope, sample: Sample, floor: Int64? = nil) -> String {
    var out = envelope.opening
    if let floor { out.append(",\"floor\":\(floor)") }
    out.append(",")
    appendFields(of: sample, to: &out)
    out.append("}")
    return out
  }

  /// Several samples of one sensor, oldest first, in the `samples` array form (a backfill).
  public static func encodeBatch(
    agent: String, samples: [Sample], floor: Int64? = nil, incarnation: String? = nil, sent: Timestamp? = nil
  ) -> String {
    var out = envelope(agent: agent, incarnation: incarnation, sent: sent)
    out.reserveCapacity(out.utf8.count + samples.count * 72)
    if let floor { out.append(",\"floor\":\(floor)") }
    out.append(",\"samples\":[")
    for (position, sample) in samples.enumerated() {
      out.append(position == 0 ? "{" : ",{")
      appendFields(of: sample, to: &out)
      out.append("}")
    }
    out.append("]}")
    return out
  }

  /// `sent` is the publisher's clock when it sent the payload (the collector compares it with its own: `clock_skew`).
  private static func envelope(agent: String, incarnation: String?, sent: Timestamp?) -> String {
    var out = "{\"v\":1,\"agent\":"
    out.reserveCapacity(160)
    JSONText.appendQuoted(agent, to: &out)
    if let incarnation {
      out.append(",\"inc\":")
      JSONText.appendQuoted(incarnation, to: &out)
    }
    if let sent {
      out.append(",\"sent\":")
      JSONText.appendQuoted(sent.rfc3339, to: &out)
    }
    return out
  }

  /// `"seq":…,"ts":…,"temp_c":…,"rh_pct":…,"error":…,"defrost":…,"door_open":…,"time_quality":…`, skipping absent fields (`ts` is
  /// always present).
  private static func appendFields(of sample: Sample, to out: inout String) {
    if let seq = sample.seq {
      out.append("\"seq\":")
      out.append(String(seq))
      out.append(",")
    }
    out.append("\"ts\":")
    JSONText.appendQuoted(sample.ts.rfc3339, to: &out)
    if let tempC = sample.tempC {
      out.append(",\"temp_c\":")
      out.append(JSONText.number(tempC))
    }
    if let rhPct = sample.rhPct {
      out.append(",\"rh_pct\":")
      out.append(JSONText.number(rhPct))
    }
    if let error = sample.error {
      out.append(",\"error\":")
      JSONText.appendQuoted(error, to: &out)
    }
    if let defrost = sample.defrost { out.append(defrost ? ",\"defrost\":true" : ",\"defrost\":false") }
    if let doorOpen = sample.doorOpen { out.append(doorOpen ? ",\"door_open\":true" : ",\"door_open\":false") }
    if let quality = sample.timeQuality {
      out.append(",\"time_quality\":\"")
      out.append(quality.rawValue)
      out.append("\"")
    }
  }
}
