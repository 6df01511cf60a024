/// One measurement of one probe, or one state of a room signal, as carried by a reading payload (docs/protocol.md,
/// "Reading payload").
///
/// A probe's sample has a temperature, a humidity, or both; or, instead of values, an `error` text reporting a sensor
/// fault. An input wired to the room controller (docs/alert-rules.md, "Defrost and doors") sends samples carrying its
/// signal instead: `defrost` (the controller's defrost output is on) or `doorOpen` (the door contact is open).
public struct Sample: Hashable, Sendable, Codable {
  /// Per-sensor sequence number, strictly increasing across agent restarts; `nil` for third-party sources.
  public var seq: Int64?
  public var ts: Timestamp
  public var tempC: Double?
  public var rhPct: Double?
  public var error: String?
  /// The room's defrost, as the controller's output says: on (`true`) or off; `nil` in a probe's sample.
  public var defrost: Bool?
  /// The room's door, as its contact says: open (`true`) or closed; `nil` in a probe's sample.
  public var doorOpen: Bool?
  /// How far `ts` can be trusted when its clock was not synchronised (`time_quality`); `nil`: a trusted time.
  public var timeQuality: TimeQuality?

  public init(
    seq: Int64?, ts: Timestamp, tempC: Double? = nil, rhPct: Double? = nil, error: String? = nil,
    defrost: Bool? = nil, doorOpen: Bool? = nil, timeQuality: TimeQuality? = nil
  ) {
    self.seq = seq
    self.ts = ts
    self.tempC = tempC
    self.rhPct = rhPct
    self.error = error
    self.defrost = defrost
    self.doorOpen = doorOpen
    self.timeQuality = timeQuality
  }

  /// Whether the sample carries a room signal (`defrost` or `doorOpen`).
  public var carriesSignal: Bool { defrost != nil || doorOpen != nil }

  /// Whether the sample mixes a room signal with a probe's values or error: an input sends its signal alone, a probe
  /// its values alone (`wrong_type` otherwise), so each source is either a probe or an input.
  public var mixesSignalAndValues: Bool { carriesSignal && (tempC != nil || rhPct != nil || error != nil) }

  /// Whether the sample says anything: a value, an error or a signal (`no_values` otherwise).
  public var hasContent: Bool { tempC != nil || rhPct != nil || error != nil || carriesSignal }
}
