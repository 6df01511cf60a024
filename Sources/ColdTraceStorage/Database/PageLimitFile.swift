import Foundation
import GRDB

/// A stand-in for a full disk, for fault tests: while the file at `path` holds a number, the database may not grow
/// past that many pages (`PRAGMA max_page_count`; SQLite never goes below the pages already in use), so a write that
/// needs a new page fails with `SQLITE_FULL` exactly as on a full disk. A number no larger than the pages in use means
/// the disk is full now (`leavesNoRoom`): every write fails at once, as when the write-ahead log cannot grow either;
/// the page limit alone would let a hundred compact readings per probe fill the room left in pages first. When the
/// file is removed, the limit goes back to what it was. The file is looked at, at most, every `checkInterval`
/// seconds, before a write.
struct PageLimitFile: Sendable {
  let path: String
  let checkInterval: Double
  private var lastCheck: Date = .distantPast
  private var applied: Int?
  private var original: Int?
  /// The file's limit is no larger than the pages in use: there is no room for any write.
  private(set) var leavesNoRoom = false

  init(path: String, checkInterval: Double = 0.2) {
    self.path = path
    self.checkInterval = checkInterval
  }

  /// Reads the file if it is time to, and applies a changed limit to the writer's connection.
  mutating func apply(to queue: DatabaseQueue) throws {
    let now = Date()
    guard now.timeIntervalSince(lastCheck) >= checkInterval else { return }
    lastCheck = now
    let wanted = (try? String(contentsOfFile: path, encoding: .utf8))
      .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    guard wanted != applied else { return }
    try queue.writeWithoutTransaction { db in
      if original == nil { original = try Int.fetchOne(db, sql: "PRAGMA max_page_count") }
      guard let limit = wanted ?? original else { return }
      try db.execute(sql: "PRAGMA max_page_count = \(limit)")
      let inUse = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
      leavesNoRoom = wanted.map { $0 <= inUse } ?? false
    }
    applied = wanted
  }
}
