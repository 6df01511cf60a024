/// One measurement of one probe, as carried by a reading payload (docs/protocol.md, "Reading payload").
///
/// A sample has a temperature, a humidity, or both; or, instead of values, an `error` text reporting a sensor fault.
public struct Sample: Hashable, Sendable, Codable {
  /// Per-sensor sequence number, strictly increasing across agent restarts; `nil` for third-party sources.
  public var seq: Int64?
  public var ts: Timestamp
  public var tempC: Double?
  public var rhPct: Double?
  public var error: String?

  public init(seq: Int64?, ts: Timestamp, tempC: Double? = nil, rhPct: Double? = nil, error: String? = nil) {
    self.seq = seq
    self.ts = ts
    self.tempC = tempC
    self.rhPct = rhPct
    self.error = error
  }
}
