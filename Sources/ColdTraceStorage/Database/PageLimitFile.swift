import Foundation
import GRDB

/// A stand-in for a full disk, for fault tests: while the file at `path` holds a number, the database may not grow
/// past that many pages (`PRAGMA max_page_count`; SQLite never goes below the pages already in use), so a write that
/// needs a new page fails with `SQLITE_FULL` exactly as on a full disk. When the file is removed, the limit goes back
/// to what it was. The file is looked at, at most, every `checkInterval` seconds, before a write.
struct PageLimitFile: Sendable {
  let path: String
  let checkInterval: Double
  private var lastCheck: Date = .distantPast
  private var applied: Int?
  private var original: Int?

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
    }
    applied = wanted
  }
}
