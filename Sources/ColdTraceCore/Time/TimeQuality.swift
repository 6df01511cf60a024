/// How far a sample's `ts` can be trusted, when it cannot be fully (docs/protocol.md, "Reading payload",
/// `time_quality`). A sample without it was stamped by a clock its agent knew to be synchronised, or by a publisher
/// that does not say.
public enum TimeQuality: String, Sendable, Codable, CaseIterable {
  /// Taken while the agent's clock was not synchronised and stamped once it was, from the monotonic clock: right to
  /// within the clock's drift over the wait (milliseconds), not to be doubted, but said.
  case corrected
  /// Taken by a clock that was not synchronised and never corrected (the box rebooted before its clock synchronised,
  /// or waited too long for it): the time may be off by any amount.
  case unsynced

  /// The quality a payload's `time_quality` text names: a value this collector does not know counts as `unsynced`
  /// (the publisher doubts the time in a way of its own).
  public init(payloadText text: String) {
    self = TimeQuality(rawValue: text) ?? .unsynced
  }

  /// The number stored in the `readings` table's `time_quality` column (NULL: a trusted time).
  public var storedCode: Int64 {
    switch self {
    case .corrected: 1
    case .unsynced: 2
    }
  }

  public init?(storedCode: Int64?) {
    switch storedCode {
    case 1?: self = .corrected
    case 2?: self = .unsynced
    default: return nil
    }
  }
}
