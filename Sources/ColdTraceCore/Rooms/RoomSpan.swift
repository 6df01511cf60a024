/// A state of a cold room that makes its air swing without the product being at risk (docs/alert-rules.md,
/// "Defrost and doors"): the evaporator defrosting, or the door open.
public enum RoomSignal: String, Sendable, Codable, CaseIterable {
  case defrost
  case door
}

/// How ColdTrace learnt of a room span.
public enum RoomSpanSource: String, Sendable, Codable, CaseIterable {
  /// An input wired to the room controller's output or to the door contact, read by the agent.
  case input
  /// The defrost schedule of the room in the collector's config.
  case schedule
  /// Recognised from an evaporator probe warming up.
  case evaporator
}

/// One defrost or one door opening of a room, from `start` to `end` (`nil` while it lasts), as stored for reports
/// and status.
public struct RoomSpan: Sendable, Codable, Equatable {
  public var signal: RoomSignal
  public var source: RoomSpanSource
  /// The input or evaporator probe that showed it; `nil` for a scheduled defrost.
  public var sensor: String?
  public var start: Timestamp
  public var end: Timestamp?

  public init(signal: RoomSignal, source: RoomSpanSource, sensor: String?, start: Timestamp, end: Timestamp?) {
    self.signal = signal
    self.source = source
    self.sensor = sensor
    self.start = start
    self.end = end
  }

  /// Its length in milliseconds up to `end`, or up to `now` while it lasts.
  public func milliseconds(until now: Timestamp) -> Int64 {
    max((end ?? now).milliseconds - start.milliseconds, 0)
  }
}
