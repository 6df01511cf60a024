import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log back into the database file on a thread and a connection of its own, so that no commit
/// of the collector's writer ever waits for a checkpoint.
///
/// SQLite's own rule (`wal_autocheckpoint`, 1,000 pages) runs the checkpoint inside the commit that fills the log:
/// that commit writes the log's pages into the database file and fsyncs both before it returns, tens of milliseconds
/// on a busy disk during which every reading waiting for the writer, any site's, waits too. Here the writer's
/// connection has `wal_autocheckpoint = 0` and a `sqlite3_wal_hook` that only notes how many frames the log holds after
/// each commit; once that reaches `Limits.checkpointFrames`, this thread runs a PASSIVE checkpoint, which takes no
/// lock a writer or a reader needs: it copies what no reader still needs from the log and leaves the rest (and again
/// every `Limits.retrySeconds` while the log stays that long). The writer starts the log again from its beginning at
/// its next transaction once everything is copied and no reader is in it.
///
/// The log's bound: a PASSIVE checkpoint cannot copy pages a reader's snapshot still needs, and the log starts again
/// only if a checkpoint has copied all of it when the writer begins a transaction, which a writer committing without
/// pause (a flood) never lets happen: the PASSIVE checkpoints keep copying while the log grows. Once it holds
/// `Limits.restartFrames`, a RESTART checkpoint runs on the writer's own connection, in its queue, between two of its
/// transactions (no polling for the lock, in which the writer would lose its turn): it copies the little the PASSIVE
/// ones left and waits (up to `Limits.restartWaitSeconds`) for readers to leave the log, so the next commit starts the
/// log again and the file stays near that bound (reused from its start, not truncated: appending into allocated
/// blocks is the cheapest write). A reader that stays longer makes it give up (reported); it is tried again after a
/// back-off (`Limits.restartBackoffSeconds`, doubling up to a minute, so a reader that stays does not hold commits
/// back again and again), and the log grows for as long as such a reader stays.
///
/// Durability is SQLite's, as with its own rule: a checkpoint fsyncs the log before it copies a page out of it and
/// the database file before the log may be started again, so a power cut mid-checkpoint loses nothing committed and
/// synced; `SQLiteStore.syncWriteAheadLog` is unchanged (a commit is durable once the log is synced).
public final class WALCheckpointer: Sendable {
  /// When checkpoints run, in frames of the log (one frame holds one page, 4 KiB by default).
  public struct Limits: Sendable {
    /// A PASSIVE checkpoint once the log holds this many frames (SQLite's own default: about 4 MiB).
    public var checkpointFrames = 1000
    /// A RESTART checkpoint once it holds this many (32 MiB at 4 KiB pages): the log's bound.
    public var restartFrames = 8192
    /// How long a RESTART checkpoint waits for readers to leave the log (commits wait this long at most).
    public var restartWaitSeconds = 1.0
    /// After a RESTART that a reader made give up, the least time before the next (doubling, up to 60 s).
    public var restartBackoffSeconds = 1.0
    /// After a checkpoint that left frames in the log, the least time before the next.
    public var retrySeconds = 0.1

    public init() {}
  }

  /// What the checkpoints did so far (for tests and logs).
  public struct Tally: Sendable, Equatable {
    public var passive = 0
    public var restarting = 0
    /// RESTART checkpoints that gave up because a reader stayed in the log longer than `restartWaitSeconds`.
    public var restartTimeouts = 0
    /// The most frames the log held after a commit.
    public var largestLog = 0
  }

  let limits: Limits
  private let connection: DatabaseQueue
  /// The writer's connection, which the RESTART checkpoints run on.
  private let writer: DatabaseQueue
  /// When the next RESTART may be tried, and the back-off after the next that gives up (checkpoint thread only).
  private let restartDelay = Mutex<(notBefore: ContinuousClock.Instant, backoff: Double)>((.now, 0))
  private let report: @Sendable (String) -> Void
  /// Frames in the log after the writer's last commit (the wal hook's count).
  private let framesAfterCommit = Atomic<Int>(0)
  /// Whether the checkpoint thread has been woken and not yet started its checkpoint.
  private let wakePending = Atomic<Bool>(false)
  private let wake = DispatchSemaphore(value: 0)
  private let stopped = Atomic<Bool>(false)
  private let done = DispatchSemaphore(value: 0)
  private let counts = Mutex(Tally())
  private let largestLog = Atomic<Int>(0)

  /// Opens the checkpointer's connection to the database at `path`, makes `writer` (the store's connection) leave
  /// checkpoints to it, and starts its thread; `report` is told what an operator should know (a RESTART that could not
  /// be made). The checkpointer must outlive the writer's commits (`stop` it before closing the writer).
  init(path: String, writer: DatabaseQueue, limits: Limits, report: @escaping @Sendable (String) -> Void) throws {
    self.limits = limits
    self.report = report
    self.writer = writer
    var configuration = Configuration()
    configuration.busyMode = .timeout(limits.restartWaitSeconds)
    configuration.prepareDatabase { db in
      // The checkpoint syncs the log before it copies and the database file after (any mode but OFF does).
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
      try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
    }
    connection = try DatabaseQueue(path: path, configuration: configuration)
    try writer.writeWithoutTransaction { db in try watch(db) }
    let thread = Thread { [self] in
      run()
      done.signal()
    }
    thread.name = "coldtrace-checkpoint"
    thread.start()
  }

  /// What the checkpoints did so far.
  public var tally: Tally {
    var tally = counts.withLock { $0 }
    tally.largestLog = largestLog.load(ordering: .relaxed)
    return tally
  }

  /// Frames the log held after the writer's last commit.
  public var framesInLog: Int { framesAfterCommit.load(ordering: .relaxed) }

  /// Makes `db` (the writer's connection) leave checkpoints to this checkpointer: no automatic checkpoint, and a hook
  /// that notes the log's length after each commit.
  private func watch(_ db: Database) throws {
    try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
    sqlite3_wal_hook(
      db.sqliteConnection,
      { context, _, _, frames in
        Unmanaged<WALCheckpointer>.fromOpaque(context!).takeUnretainedValue().committed(framesInLog: Int(frames))
        return SQLITE_OK
      }, Unmanaged.passUnretained(self).toOpaque())
  }

  /// Called after every commit of the writer, on its thread: notes the length, and wakes the thread once it is due.
  /// An atomic store, and a semaphore signal only when a checkpoint is due and none is pending.
  private func committed(framesInLog frames: Int) {
    framesAfterCommit.store(frames, ordering: .relaxed)
    _ = largestLog.max(frames, ordering: .relaxed)
    guard frames >= limits.checkpointFrames else { return }
    if wakePending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
      wake.signal()
    }
  }

  /// Stops the thread (after the checkpoint it may be running) and waits for it.
  func stop() {
    guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
    wake.signal()
    done.wait()
  }

  private func run() {
    while true {
      wake.wait()
      wakePending.store(false, ordering: .sequentiallyConsistent)
      if stopped.load(ordering: .acquiring) { return }
      let emptied = checkpoint()
      if !emptied { Thread.sleep(forTimeInterval: limits.retrySeconds) }
    }
  }

  /// One checkpoint: RESTART if the log is at its bound, else PASSIVE (and RESTART if the log turns out to be at its
  /// bound). Whether it copied the whole log. A log at its bound goes straight to RESTART: a PASSIVE first would let
  /// a writer that outruns it grow the log for as long as the PASSIVE copies.
  @discardableResult
  func checkpoint() -> Bool {
    let frames = framesInLog
    if frames >= limits.restartFrames && restart(frames: frames) { return true }
    do {
      let passive = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
      counts.withLock { $0.passive += 1 }
      if passive.checkpointedFrameCount == passive.walFrameCount { return true }
      return passive.walFrameCount >= limits.restartFrames ? restart(frames: passive.walFrameCount) : false
    } catch {
      report("cannot checkpoint the write-ahead log: \(SQLiteStore.summary(of: error))")
      return false
    }
  }

  /// The log is at its bound: on the writer's connection, between two of its transactions, copy the rest and wait
  /// for readers to leave the log, so that the next commit starts it again.
  private func restart(frames: Int) -> Bool {
    guard restartDelay.withLock({ ContinuousClock.now >= $0.notBefore }) else { return false }
    do {
      try writer.writeWithoutTransaction { db in
        // The writer's own busy timeout is long (a shell command's write may hold the lock); readers get less here.
        sqlite3_busy_timeout(db.sqliteConnection, Int32(limits.restartWaitSeconds * 1000))
        defer { sqlite3_busy_timeout(db.sqliteConnection, Int32(SQLiteStore.busyTimeoutSeconds * 1000)) }
        _ = try db.checkpoint(.restart)
      }
      counts.withLock { $0.restarting += 1 }
      restartDelay.withLock { $0.backoff = 0 }
      return true
    } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
      counts.withLock { $0.restartTimeouts += 1 }
      let backoff = restartDelay.withLock { delay in
        delay.backoff = min(60, max(limits.restartBackoffSeconds, delay.backoff * 2))
        delay.notBefore = .now + .milliseconds(Int(delay.backoff * 1000))
        return delay.backoff
      }
      report(
        "the write-ahead log holds \(frames) frames and a reader has kept it for more than"
          + " \(limits.restartWaitSeconds) s; it keeps growing until that reader ends (a long report, or an sqlite3"
          + " shell left in a transaction?); trying again in \(Int(backoff)) s")
      return false
    } catch {
      report("cannot restart the write-ahead log: \(SQLiteStore.summary(of: error))")
      return false
    }
  }
}
