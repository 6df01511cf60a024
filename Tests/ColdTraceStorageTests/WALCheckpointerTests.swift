import Foundation
// The reader that pins the log is a connection of the test's own, as a shell command's would be.
import GRDB
import TestSupport
import Testing

@testable import ColdTraceStorage

/// The collector's checkpoints, on real SQLite files: never inside a commit, the write-ahead log bounded under
/// continuous writes, and a reader that keeps the log does not hold commits back for longer than the RESTART's wait.
@Suite(.timeLimit(.minutes(10)))
struct WALCheckpointerTests {
  private static let pageBytes = 4096

  private func open(_ scratch: ScratchDatabase, _ limits: WALCheckpointer.Limits) throws -> SQLiteStore {
    let store = try SQLiteStore(
      path: scratch.path, durability: .onDemand, checkpoints: .separate(limits, report: { _ in }))
    try store.write { tx in
      try tx.db.execute(sql: "CREATE TABLE IF NOT EXISTS filler(id INTEGER PRIMARY KEY, body BLOB)")
    }
    return store
  }

  /// One transaction that writes about `pages` pages (a blob in overflow pages).
  private func commit(pages: Int, to store: SQLiteStore) throws {
    try store.write { tx in
      try tx.db.execute(sql: "INSERT INTO filler(body) VALUES (randomblob(?))", arguments: [pages * 4000])
    }
  }

  private func walBytes(_ scratch: ScratchDatabase) -> Int {
    let attributes = try? FileManager.default.attributesOfItem(atPath: scratch.path + "-wal")
    return (attributes?[.size] as? Int) ?? 0
  }

  private func rows(_ scratch: ScratchDatabase) throws -> Int {
    try DatabaseQueue(path: scratch.path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM filler") ?? 0 }
  }

  @Test func noCommitRunsACheckpointTheLogGrowsUntilTheCheckpointerCopiesIt() throws {
    let scratch = try ScratchDatabase()
    var limits = WALCheckpointer.Limits()
    limits.checkpointFrames = 1_000_000
    limits.restartFrames = 2_000_000
    let store = try open(scratch, limits)
    for _ in 1...30 { try commit(pages: 100, to: store) }
    let checkpointer = try #require(store.checkpointer)
    // SQLite's own rule would have copied the log back in the commit past 1,000 frames and started it again.
    #expect(checkpointer.framesInLog >= 3000, "\(checkpointer.framesInLog)")
    #expect(walBytes(scratch) >= 3000 * Self.pageBytes)
    #expect(checkpointer.tally.passive == 0)
    // The checkpointer, on its own connection: the whole log copied, and the next commit starts it again.
    #expect(checkpointer.checkpoint())
    try commit(pages: 1, to: store)
    #expect(checkpointer.framesInLog < 10, "\(checkpointer.framesInLog)")
    #expect(try rows(scratch) == 31)
  }

  @Test func sqlitesOwnRuleCheckpointsInTheCommitForComparison() throws {
    let scratch = try ScratchDatabase()
    let store = try SQLiteStore(path: scratch.path, durability: .onDemand)
    try store.write { tx in try tx.db.execute(sql: "CREATE TABLE filler(id INTEGER PRIMARY KEY, body BLOB)") }
    for _ in 1...30 { try commit(pages: 100, to: store) }
    #expect(store.checkpointer == nil)
    #expect(walBytes(scratch) < 1300 * Self.pageBytes, "the commit past 1,000 frames checkpointed")
  }

  @Test func theLogStaysBoundedUnderContinuousWrites() throws {
    let scratch = try ScratchDatabase()
    var limits = WALCheckpointer.Limits()
    limits.checkpointFrames = 200
    limits.restartFrames = 2000
    limits.restartWaitSeconds = 0.5
    limits.retrySeconds = 0.01
    let store = try open(scratch, limits)
    // 12,000 frames in all, six times the bound, committed back to back.
    for _ in 1...600 { try commit(pages: 20, to: store) }
    let tally = try #require(store.checkpointer).tally
    #expect(tally.passive > 0)
    #expect(tally.largestLog < 2 * limits.restartFrames, "\(tally)")
    #expect(walBytes(scratch) < 2 * limits.restartFrames * Self.pageBytes)
    #expect(try rows(scratch) == 600)
  }

  @Test func aReaderKeepingTheLogHoldsNoCommitBackLongerThanTheRestartsWait() throws {
    let scratch = try ScratchDatabase()
    var limits = WALCheckpointer.Limits()
    limits.checkpointFrames = 100
    limits.restartFrames = 1000
    limits.restartWaitSeconds = 0.2
    limits.restartBackoffSeconds = 0.1
    limits.retrySeconds = 0.05
    let store = try open(scratch, limits)
    try commit(pages: 1, to: store)
    // A shell command's long read: one snapshot, held until the test lets it go.
    let reader = try DatabaseQueue(path: scratch.path)
    let reading = DispatchSemaphore(value: 0)
    let letGo = DispatchSemaphore(value: 0)
    let readerDone = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      try? reader.read { db in
        _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM filler")
        reading.signal()
        letGo.wait()
      }
      readerDone.signal()
    }
    reading.wait()
    var slowest = 0.0
    for _ in 1...150 {
      let started = Date()
      try commit(pages: 20, to: store)
      slowest = max(slowest, Date().timeIntervalSince(started))
    }
    let checkpointer = try #require(store.checkpointer)
    #expect(checkpointer.framesInLog > limits.restartFrames, "the reader keeps the log: it grows past the bound")
    #expect(
      eventually { checkpointer.tally.restartTimeouts > 0 }, "the RESTART tried, and gave up on the reader")
    #expect(slowest < 0.2 + 2, "a commit waited \(slowest) s")
    letGo.signal()
    readerDone.wait()
    // The reader gone, the next checkpoint empties the log, and the commits after it start it again.
    #expect(
      try eventually {
        try commit(pages: 1, to: store)
        return checkpointer.framesInLog < limits.checkpointFrames
      })
    #expect(checkpointer.tally.restarting + checkpointer.tally.passive > 0)
    #expect(try rows(scratch) >= 152)
  }
}
