import Synchronization

/// Where the time of one write transaction went (`SQLiteStore.writeJournaled(timing:)`): the collector's writer logs
/// them for a round that took too long.
public struct WritePhases: Sendable, Equatable {
  /// From the call to the transaction's body: another write on the store's connection (a status on the network
  /// thread, a shell command's) or a RESTART checkpoint run on it (`WALCheckpointer`).
  public var connection: Duration = .zero
  /// The body: the statements, including the wait for SQLite's write lock at the first one.
  public var body: Duration = .zero
  /// From the end of the body to the return: the COMMIT, which writes the transaction's pages to the write-ahead log.
  public var commit: Duration = .zero

  public init() {}

  public static func + (lhs: WritePhases, rhs: WritePhases) -> WritePhases {
    var sum = lhs
    sum.connection += rhs.connection
    sum.body += rhs.body
    sum.commit += rhs.commit
    return sum
  }
}

/// Counts the write-ahead log's `fdatasync`s and their time, from whichever thread makes them, so that a writer round
/// can tell how many ended while it ran (they share the disk with its commit).
public final class WALSyncTally: Sendable {
  /// The syncs ended so far, and their time in all.
  public struct Reading: Sendable, Equatable {
    public var syncs = 0
    public var nanoseconds = 0

    public init() {}
  }

  private let syncs = Atomic<Int>(0)
  private let nanoseconds = Atomic<Int>(0)

  public init() {}

  /// Notes a sync that started at `start` and has just ended.
  func note(since start: ContinuousClock.Instant) {
    let elapsed = (ContinuousClock.now - start).components
    let nanos = Int(elapsed.seconds) * 1_000_000_000 + Int(elapsed.attoseconds / 1_000_000_000)
    nanoseconds.add(nanos, ordering: .relaxed)
    syncs.add(1, ordering: .relaxed)
  }

  public var reading: Reading {
    var reading = Reading()
    reading.syncs = syncs.load(ordering: .relaxed)
    reading.nanoseconds = nanoseconds.load(ordering: .relaxed)
    return reading
  }
}
