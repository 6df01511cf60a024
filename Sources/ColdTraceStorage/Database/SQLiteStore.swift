import ColdTraceCore
import ColdTraceSystem
import Foundation
import GRDB
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// ColdTrace's SQLite database (WAL mode), used by the collector to write and by the shell commands to read.
///
/// Durability: a committed transaction always survives a killed process (it is in the WAL). Against a power cut,
/// `.everyCommit` fsyncs each commit (`synchronous=FULL`); `.onDemand` (`synchronous=NORMAL`) leaves it to
/// `syncWriteAheadLog()`, which the collector calls before it acknowledges anything to an agent, so one fsync covers
/// every commit since the last (group commit). A writer that cannot commit throws and changes nothing.
///
/// Checkpoints: `.inCommit` leaves them to SQLite (the commit that fills the write-ahead log past 1,000 pages copies
/// it into the database file before it returns); `.separate` runs them on a `WALCheckpointer`'s thread and connection,
/// so a commit never waits for one (the collector's writer).
public final class SQLiteStore: Sendable {
  public enum Durability: Sendable {
    case everyCommit
    case onDemand
  }

  public enum Checkpoints: Sendable {
    case inCommit
    /// On a thread of their own, within `limits`; `report` is told what an operator should know.
    case separate(WALCheckpointer.Limits, report: @Sendable (String) -> Void)
  }

  public let path: String
  /// How long a transaction waits for another connection's lock before it fails (`SQLITE_BUSY`).
  static let busyTimeoutSeconds = 10.0
  let queue: DatabaseQueue
  /// The checkpointer of `.separate` checkpoints.
  public let checkpointer: WALCheckpointer?
  private let pageLimit = Mutex<PageLimitFile?>(nil)
  private let windows = Mutex<[MaintenanceWindow]>([])
  private let routing = Mutex<NotificationRouting?>(nil)
  private let timeZones = Mutex<SiteTimeZones?>(nil)
  private let writes = Atomic<Int>(0)
  private let syncTally = WALSyncTally()

  /// Opens and migrates the database at `path`; creates it only when `create` is true (the collector), so a shell
  /// command pointed at a wrong path says so instead of showing an empty database.
  public init(
    path: String, create: Bool = true, durability: Durability = .everyCommit, checkpoints: Checkpoints = .inCommit
  ) throws {
    self.path = path
    if !create && !FileManager.default.fileExists(atPath: path) {
      throw StoreError("no database at \(path) (run `coldtrace collect` or `coldtrace demo` first, or pass --db)")
    }
    var configuration = Configuration()
    configuration.busyMode = .timeout(Self.busyTimeoutSeconds)
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA journal_mode = WAL")
      try db.execute(sql: durability == .everyCommit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
    }
    do {
      queue = try DatabaseQueue(path: path, configuration: configuration)
      try Schema.migrator.migrate(queue)
    } catch let error as DatabaseError {
      // SQLite says only "unable to open database file": name the permission that is missing, and for whom.
      let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
      for (file, mode) in [(path, R_OK | W_OK), (directory, W_OK | X_OK)] where access(file, mode) != 0 {
        let what = file == path ? "the file" : "its directory \(directory)"
        throw StoreError("cannot open database \(path): \(what): \(FileAccess.reason(errno))")
      }
      throw StoreError("cannot open database \(path): \(error.message ?? error.description)")
    }
    guard case .separate(let limits, let report) = checkpoints else {
      checkpointer = nil
      return
    }
    checkpointer = try WALCheckpointer(path: path, writer: queue, limits: limits, report: report)
  }

  deinit { checkpointer?.stop() }

  /// Runs `body` in one write transaction: all of it is committed, or none of it.
  public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
    try writeJournaled(body).result
  }

  /// `write`, also returning the journal lines the transaction appended (committed with it), for the alert journal
  /// file and the alert topic.
  public func writeJournaled<T>(_ body: (WriteTransaction) throws -> T) throws -> (result: T, journal: [JournalLine]) {
    var phases = WritePhases()
    return try writeJournaled(timing: &phases, body)
  }

  /// `writeJournaled`, timing its phases into `phases` (three clock reads: the writer's slow-round log).
  public func writeJournaled<T>(
    timing phases: inout WritePhases, _ body: (WriteTransaction) throws -> T
  ) throws -> (result: T, journal: [JournalLine]) {
    let called = ContinuousClock.now
    var bodyStarted = called
    var bodyEnded = called
    defer {
      let returned = ContinuousClock.now
      phases.connection = bodyStarted - called
      phases.body = bodyEnded - bodyStarted
      phases.commit = returned - bodyEnded
    }
    let full = try pageLimit.withLock { limit in
      try limit?.apply(to: queue)
      return limit?.leavesNoRoom ?? false
    }
    if full { throw DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full") }
    let journal = CommittedJournalLines()
    let windows = self.windows.withLock { $0 }
    let routing = self.routing.withLock { $0 }
    let timeZones = self.timeZones.withLock { $0 }
    let result = try queue.write { db in
      bodyStarted = .now
      defer { bodyEnded = .now }
      return try body(
        WriteTransaction(db: db, journal: journal, windows: windows, routing: routing, timeZones: timeZones))
    }
    writes.add(1, ordering: .relaxed)
    return (result, journal.lines)
  }

  /// How many write transactions this store committed (`write`, `writeJournaled`) since it was opened.
  public var committedWrites: Int { writes.load(ordering: .relaxed) }

  /// The scheduled maintenance windows every later transaction judges alert events by, with the stored silences (the
  /// collector's `[[maintenance]]` tables; the shell commands raise only lot alerts, which no window covers).
  public func useMaintenanceWindows(_ windows: [MaintenanceWindow]) {
    self.windows.withLock { $0 = windows }
  }

  /// The notification channels every later transaction queues alert events for (the collector's `[[notify]]`
  /// tables), and the clock that stamps the queued rows; the shell commands queue nothing.
  public func useNotificationRouting(_ routing: NotificationRouting?) {
    self.routing.withLock { $0 = routing }
  }

  /// The sites' time zones (the config's `time_zone`): every later transaction writes the times in alert messages, the
  /// journal's human field, in the alert's site's zone with its offset (`…T10:40:00.000+07:00`); `nil`: as the rules
  /// wrote them, UTC. Machine fields (`at`, `opened_at`, …) stay UTC.
  public func useTimeZones(_ zones: SiteTimeZones?) {
    timeZones.withLock { $0 = zones }
  }

  /// For fault tests only: while the file at `path` holds a number, the database cannot grow past that many pages,
  /// so writes fail with `SQLITE_FULL` as on a full disk (all of them when the number is no larger than the pages in
  /// use); removing the file gives the space back (`PageLimitFile`).
  public func simulateFullDisk(whileFileHoldsPageLimit path: String) {
    pageLimit.withLock { $0 = PageLimitFile(path: path) }
  }

  /// Makes every transaction committed so far durable against a power cut: one `fdatasync` of the write-ahead log
  /// (fsync flushes the file, whichever descriptor asks). Checkpointed pages are already synced by SQLite.
  public func syncWriteAheadLog() throws {
    let fd = open(path + "-wal", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT { return }
      throw StoreError("cannot open \(path)-wal to sync it: \(errnoDescription())")
    }
    defer { close(fd) }
    let started = ContinuousClock.now
    defer { syncTally.note(since: started) }
    guard fdatasync(fd) == 0 else {
      throw StoreError("cannot sync \(path)-wal: \(errnoDescription())")
    }
  }

  /// The write-ahead log's syncs so far (`syncWriteAheadLog`, any thread): how many, and their time in all.
  public var walSyncs: WALSyncTally.Reading { syncTally.reading }

  /// Whether an error may pass by itself (disk full, database busy or locked, I/O trouble), so the same write is worth
  /// retrying; any other error would fail the same way every time.
  public static func isTransient(_ error: any Error) -> Bool {
    guard let error = error as? DatabaseError else { return false }
    switch error.resultCode {
    case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN, .SQLITE_NOMEM, .SQLITE_READONLY,
      .SQLITE_PROTOCOL, .SQLITE_INTERRUPT:
      return true
    default:
      return false
    }
  }

  /// One line for a log: SQLite's code and message without the statement (`SQLite error 13: database or disk is
  /// full`), or the error's own description.
  public static func summary(of error: any Error) -> String {
    guard let error = error as? DatabaseError else { return "\(error)".replacingOccurrences(of: "\n", with: " ") }
    return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown")"
  }

  /// Runs `body` with a consistent read-only view of the database.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    try queue.read(body)
  }
}
