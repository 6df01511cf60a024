import Synchronization

/// Running totals since start, for logs and tests (`coldtrace collect` logs them when it stops).
public struct CollectorTally: Sendable, Equatable {
  public var messages = 0
  public var freshSamples = 0
  public var duplicateSamples = 0
  public var quarantined = 0
  public var alertEvents = 0
  /// Transactions the writer thread committed (group commits of agents' readings).
  public var batches = 0
  /// Readings of agents with an outbox left to them, not kept: their site had its share waiting for the writer, or
  /// was over its `max_readings_per_second` (the agents send them again).
  public var deferred = 0

  mutating func add(_ other: CollectorTally) {
    messages += other.messages
    freshSamples += other.freshSamples
    duplicateSamples += other.duplicateSamples
    quarantined += other.quarantined
    alertEvents += other.alertEvents
    batches += other.batches
    deferred += other.deferred
  }
}

/// The totals, shared by the threads that count.
final class SharedTally: Sendable {
  private let totals = Mutex(CollectorTally())

  var current: CollectorTally { totals.withLock { $0 } }

  func add(_ counted: CollectorTally) { totals.withLock { $0.add(counted) } }
}
