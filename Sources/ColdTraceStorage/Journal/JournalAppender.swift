import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The collector's writer of the alert journal file: appends the lines its transactions committed, as they come, with
/// no read of the database or of the file's tail.
///
/// It remembers the last `event_id` it wrote and the file's size after that write. Lines that follow on (the next
/// `event_id`, and the file unchanged since) are appended as they are; anything else (a line of a shell command, such
/// as `ack`, committed in between; a file another process wrote or an operator rotated; lines left unwritten because
/// the journal was locked) is a gap, and the appender catches up from the database instead (`AlertJournal.catchUp`).
/// Lines it already wrote (another thread's catch-up included them) are skipped.
public final class JournalAppender: Sendable {
  public let journal: AlertJournal
  let store: SQLiteStore
  private let written = Mutex(Position())

  struct Position {
    var lastEventID: Int64 = -1
    var fileSize: Int64 = -1
    /// Lines may be missing from the file (the journal was locked, or a write failed): the next append or
    /// `catchUpIfBehind` catches up.
    var behind = true
  }

  public init(journal: AlertJournal, store: SQLiteStore) {
    self.journal = journal
    self.store = store
  }

  /// Writes every committed line the file is missing (at start, and after a gap); returns them.
  @discardableResult
  public func catchUp(wait: Bool = true) throws -> [JournalLine] {
    try written.withLock { position in
      // Until this succeeds, lines may be missing (a failure below leaves it set).
      position.behind = true
      return try journal.withLockedFile(wait: wait) { fd in
        let lines = try journal.catchUp(fd: fd, from: store)
        position.lastEventID = max(position.lastEventID, Self.lastEventID(fd: fd))
        position.fileSize = Self.size(fd)
        position.behind = false
        return lines
      } ?? []
    }
  }

  /// Catches up only if lines may be missing (the journal was locked by another writer, or a write failed).
  public func catchUpIfBehind() throws {
    guard written.withLock({ $0.behind }) else { return }
    try catchUp(wait: false)
  }

  /// Appends lines just committed (`SQLiteStore.writeJournaled`), in `event_id` order; catches up on a gap. Never
  /// waits for the lock: a journal held by another writer is left for the next append or `catchUpIfBehind`.
  public func append(_ lines: [JournalLine]) throws {
    try written.withLock { position in
      let new = lines.filter { $0.eventID > position.lastEventID }
      guard let first = new.first else { return }
      let wasBehind = position.behind
      // Until the lines are written, they are missing (a failure below, or a held lock, leaves it set).
      position.behind = true
      _ = try journal.withLockedFile(wait: false) { fd in
        let followsOn =
          !wasBehind && first.eventID == position.lastEventID + 1 && Self.size(fd) == position.fileSize
          && zip(new, new.dropFirst()).allSatisfy { $1.eventID == $0.eventID + 1 }
        if followsOn {
          try journal.write(new, to: fd)
          position.lastEventID = new[new.count - 1].eventID
        } else {
          _ = try journal.catchUp(fd: fd, from: store)
          position.lastEventID = Self.lastEventID(fd: fd)
        }
        position.fileSize = Self.size(fd)
        position.behind = false
      }
    }
  }

  private static func size(_ fd: Int32) -> Int64 { Int64(lseek(fd, 0, SEEK_END)) }

  private static func lastEventID(fd: Int32) -> Int64 { AlertJournal.lastEventID(fd: fd).0 }
}
