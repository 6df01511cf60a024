/// An operator's "we are cleaning cold2 for two hours": from its creation until its end (or until someone ends it
/// early), alert events in its scope are recorded, journalled and shown but not handed to the notification program
/// (`coldtrace silence add|list|end`).
public struct Silence: Sendable, Equatable {
  /// The longest silence: a week. A longer one would be an alarm switched off, which is not what silences are for.
  public static let longestSeconds: Double = 7 * 86_400

  public var id: Int64
  public var scope: SilenceScope
  public var from: Timestamp
  public var until: Timestamp
  public var reason: String
  public var by: String
  public var endedAt: Timestamp?
  public var endedBy: String?

  public init(
    id: Int64, scope: SilenceScope, from: Timestamp, until: Timestamp, reason: String, by: String,
    endedAt: Timestamp? = nil, endedBy: String? = nil
  ) {
    self.id = id
    self.scope = scope
    self.from = from
    self.until = until
    self.reason = reason
    self.by = by
    self.endedAt = endedAt
    self.endedBy = endedBy
  }

  /// When it stops covering alerts: its planned end, or the moment someone ended it, whichever came first.
  public var end: Timestamp { endedAt.map { min($0, until) } ?? until }

  /// Whether it covers alert events at `time`.
  public func isActive(at time: Timestamp) -> Bool { from <= time && time < end }
}
