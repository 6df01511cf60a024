import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceStorage

#if canImport(Glibc)
  import Glibc
#endif

/// The collector's journal writer: appends the lines its own transactions committed as they are, and catches up from
/// the database on a gap (a line of another writer in between, a changed file, a held lock).
@Suite("Journal appender")
struct JournalAppenderTests {
  typealias F = StoreFixtures
  let scratch: ScratchDatabase
  var journal: AlertJournal { scratch.journal }

  init() throws { scratch = try ScratchDatabase() }

  private func fileLines() throws -> [String] {
    try String(contentsOfFile: journal.path, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  /// Opens an alert on a probe of cold2 in one transaction and returns the lines it committed.
  private func open(_ index: Int, in store: SQLiteStore) throws -> [JournalLine] {
    let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-\(index)")
    return try store.writeJournaled { tx in try tx.apply(F.event(.opened, key, at: index, peak: 6)) }.journal
  }

  @Test("a transaction keeps the lines it appended, exactly as stored")
  func committedLinesAreTheStoredLines() throws {
    let store = try scratch.open()
    let lines = try open(0, in: store) + open(1, in: store)
    let stored = try store.journalLines(after: 0)
    #expect(lines.map(\.eventID) == stored.map(\.id))
    #expect(lines.map(\.line) == stored.map(\.line))
  }

  @Test("lines that follow on are appended as committed; a rollback leaves nothing behind")
  func appendsWhatFollowsOn() throws {
    let store = try scratch.open()
    let appender = JournalAppender(journal: journal, store: store)
    try appender.catchUp()
    var committed: [JournalLine] = []
    for index in 0..<3 {
      let lines = try open(index, in: store)
      try appender.append(lines)
      committed += lines
    }
    #expect(try fileLines() == committed.map(\.line))
    // A transaction that fails keeps no line, and hands none on.
    #expect(throws: (any Error).self) {
      try store.writeJournaled { tx in
        _ = try tx.apply(F.event(.opened, SensorKey(site: "hongxuan", room: "cold2", sensor: "x"), at: 9))
        throw StoreError("rolled back")
      }
    }
    #expect(try store.journalLines(after: 0).count == 3)
  }

  @Test("a line committed by another writer in between is caught up, and nothing is written twice")
  func catchesUpAGap() throws {
    let store = try scratch.open()
    let appender = JournalAppender(journal: journal, store: store)
    try appender.catchUp()
    try appender.append(open(0, in: store))
    // A shell command commits a line and does not append it (it could not take the lock, say).
    let shellLine = try open(1, in: store)
    let mine = try open(2, in: store)
    try appender.append(mine)
    // The same lines again (another thread's catch-up already wrote them): skipped.
    try appender.append(shellLine + mine)
    let stored = try store.journalLines(after: 0).map(\.line)
    #expect(try fileLines() == stored)
    #expect(stored.count == 3)
  }

  @Test("a file another writer appended to is caught up from its own last line")
  func catchesUpAFileThatGrew() throws {
    let store = try scratch.open()
    let appender = JournalAppender(journal: journal, store: store)
    try appender.catchUp()
    try appender.append(open(0, in: store))
    let shellLine = try open(1, in: store)
    // The shell command appends its own line (as `coldtrace ack` does), then the collector commits the next.
    try journal.catchUp(from: store)
    try appender.append(open(2, in: store))
    #expect(try fileLines() == store.journalLines(after: 0).map(\.line))
    #expect(try fileLines().count == 3)
    #expect(shellLine.count == 1)
  }

  @Test("a journal locked by another writer is left, then caught up once free")
  func waitsOutALock() throws {
    let store = try scratch.open()
    let appender = JournalAppender(journal: journal, store: store)
    try appender.catchUp()
    let fd = Glibc.open(journal.path, O_RDWR | O_APPEND | O_CLOEXEC)
    #expect(fd >= 0)
    #expect(flock(fd, LOCK_EX) == 0)
    try appender.append(open(0, in: store))
    #expect(try fileLines().isEmpty)
    try appender.catchUpIfBehind()
    #expect(try fileLines().isEmpty, "still locked: nothing written, nothing lost")
    flock(fd, LOCK_UN)
    close(fd)
    try appender.catchUpIfBehind()
    #expect(try fileLines() == store.journalLines(after: 0).map(\.line))
    #expect(try fileLines().count == 1)
  }
}
