/// Where a lot's cold-treatment clock stands: running since when, how often it restarted, and when it completed.
public struct TreatmentState: Sendable, Codable, Equatable {
  /// Start of the current consecutive run at or below the limit; `nil` while the clock is stopped (not started yet,
  /// or a probe is above the limit).
  public var clockStart: Timestamp?
  /// How many times a reading above the limit restarted a running clock.
  public var restarts: Int
  /// Event time of the last restart.
  public var lastRestartAt: Timestamp?
  /// The clock never starts again before this time (the latest event time a restart has seen), so late readings
  /// cannot give the product treatment time it did not have.
  public var notBefore: Timestamp?
  /// Event time of the reading that proved the treatment complete; the rule stops there.
  public var completedAt: Timestamp?
  /// The `treatment` alert open since the last restart, by its key, until the clock runs again.
  public var openAlert: SensorKey?

  public init() { restarts = 0 }

  /// Whether the clock is counting.
  public var isRunning: Bool { clockStart != nil && completedAt == nil }

  private enum CodingKeys: String, CodingKey {
    case clockStart, restarts, lastRestartAt, notBefore, completedAt, openAlert
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    clockStart = try container.decodeIfPresent(Timestamp.self, forKey: .clockStart)
    restarts = try container.decodeIfPresent(Int.self, forKey: .restarts) ?? 0
    lastRestartAt = try container.decodeIfPresent(Timestamp.self, forKey: .lastRestartAt)
    notBefore = try container.decodeIfPresent(Timestamp.self, forKey: .notBefore)
    completedAt = try container.decodeIfPresent(Timestamp.self, forKey: .completedAt)
    openAlert = try container.decodeIfPresent(SensorKey.self, forKey: .openAlert)
  }
}
