import ColdTraceCore
import ColdTraceSystem
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The alert journal: a text file with one JSON line per alert event, lot change and treatment completion, for
/// `tail -f` and `grep`.
///
/// The database is the source of truth; the journal follows it. `catchUp` appends every stored event the file does not
/// have yet (it reads the last line's `event_id`), under an exclusive `flock`, so the collector and a shell `ack`
/// writing at the same time never duplicate or interleave lines, and a collector killed between its commit and its
/// append writes the missing lines on its next start.
public struct AlertJournal: Sendable {
  public let path: String

  public init(path: String) { self.path = path }

  /// The conventional journal next to a database: `coldtrace.db` → `coldtrace.alerts.jsonl`.
  public static func defaultPath(forDatabase database: String) -> String {
    let url = URL(fileURLWithPath: database)
    let base = url.deletingPathExtension().lastPathComponent
    return url.deletingLastPathComponent().appendingPathComponent("\(base).alerts.jsonl").path
  }

  /// Appends the events the file is missing and returns the lines appended. With `wait` false (the collector's
  /// threads) a journal locked by another writer is left to the next catch-up instead of blocking.
  @discardableResult
  public func catchUp(from store: SQLiteStore, wait: Bool = true) throws -> [String] {
    try withLockedFile(wait: wait) { fd in try catchUp(fd: fd, from: store) }?.map(\.line) ?? []
  }

  /// Runs `body` with the journal open for appending and locked (`flock`, exclusive); `nil` without running it when
  /// `wait` is false and another writer holds the lock.
  func withLockedFile<T>(wait: Bool, _ body: (Int32) throws -> T) throws -> T? {
    let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw StoreError("cannot open alert journal \(path): \(errnoDescription())") }
    defer { close(fd) }
    guard flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == 0 else {
      if !wait && errno == EWOULDBLOCK { return nil }
      throw StoreError("cannot lock alert journal \(path): \(errnoDescription())")
    }
    defer { flock(fd, LOCK_UN) }
    return try body(fd)
  }

  /// Under the lock: appends every stored line after the file's last `event_id`; returns them.
  ///
  /// A file whose last whole line is not the database's line of that event is ahead of the database: a power cut
  /// kept lines the kernel had written back and took the commits they record (their samples come again, and may
  /// make other events under the same ids). Appending to it would break the chain for good, so it is copied aside
  /// whole (`<journal>.ahead-<ms>`, synced, kept as evidence) and written again from the database.
  func catchUp(fd: Int32, from store: SQLiteStore) throws -> [JournalLine] {
    var (lastID, endsWithNewline, lastLine) = Self.lastWholeLine(fd: fd)
    let ahead = try lastLine.map { try store.journalLine(id: lastID) != $0 } ?? false
    if ahead {
      try setAside(fd, lastID: lastID)
      (lastID, endsWithNewline) = (0, true)
    }
    let events = try store.journalLines(after: lastID).map { JournalLine(eventID: $0.id, line: $0.line) }
    if !events.isEmpty { try write(events, to: fd, afterNewline: endsWithNewline) }
    // The rewritten journal is made durable, or a power cut could bring the old one back.
    if ahead, fsync(fd) != 0 {
      throw StoreError("cannot sync the rewritten alert journal \(path): \(errnoDescription())")
    }
    return events
  }

  /// Copies the whole file to `<journal>.ahead-<ms>`, syncs the copy, then empties the journal.
  private func setAside(_ fd: Int32, lastID: Int64) throws {
    guard let text = try? DurableFile.readBytes(path) else { throw StoreError("cannot read alert journal \(path)") }
    let aside = path + ".ahead-\(Int64(Date().timeIntervalSince1970 * 1000))"
    do {
      guard try DurableFile.createOnce(aside, bytes: text) else {
        throw StoreError("\(aside) exists")
      }
    } catch {
      throw StoreError("cannot copy the alert journal aside to \(aside): \(error)")
    }
    guard ftruncate(fd, 0) == 0 else { throw StoreError("cannot empty alert journal \(path): \(errnoDescription())") }
    FileHandle.standardError.write(
      Data(
        ("coldtrace: the alert journal \(path) held event \(lastID) as the database does not (a power cut kept journal "
          + "lines and lost their commits); moved to \(aside), journal written again from the database\n").utf8))
  }

  /// Under the lock: appends `lines`, after a newline if the file does not end with one (a crash mid-line).
  func write(_ lines: [JournalLine], to fd: Int32, afterNewline endsWithNewline: Bool = true) throws {
    var text = endsWithNewline ? "" : "\n"
    for event in lines { text += event.line + "\n" }
    do {
      try DurableFile.writeAll(Array(text.utf8), to: fd, path: path)
    } catch {
      throw StoreError("cannot write alert journal: \(error)")
    }
  }

  /// The `event_id` of the last complete line, and whether the file ends with a newline (a crash mid-line does not).
  static func lastEventID(fd: Int32) -> (Int64, endsWithNewline: Bool) {
    let (id, endsWithNewline, _) = lastWholeLine(fd: fd)
    return (id, endsWithNewline)
  }

  /// `lastEventID`, with that line's text (`nil` when the file holds no whole line with an `event_id`).
  /// The end of the file is read 64 KiB first, then a window eight times wider each time no such line is found in it
  /// (a long last line, e.g. a restore's list of losses), up to the whole file: never a made-up "no event yet".
  static func lastWholeLine(fd: Int32) -> (Int64, endsWithNewline: Bool, line: String?) {
    let size = Int(lseek(fd, 0, SEEK_END))
    guard size > 0 else { return (0, true, nil) }
    var window = min(size, 65_536)
    while true {
      let found = lastWholeLine(fd: fd, size: size, window: window)
      if found.line != nil || window == size { return found }
      window = min(size, window * 8)
    }
  }

  private static func lastWholeLine(fd: Int32, size: Int, window length: Int)
    -> (Int64, endsWithNewline: Bool, line: String?)
  {
    var buffer = [UInt8](repeating: 0, count: length)
    let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(size - length)) }
    guard got == length else { return (0, true, nil) }
    let endsWithNewline = buffer.last == UInt8(ascii: "\n")
    let marker = Array("\"event_id\":".utf8)
    // Scan backwards through whole lines for the newest event_id. A line a power cut tore, which a later catch-up
    // ended with a newline, is not whole: its event may never have been written in full, so it does not count.
    var end = endsWithNewline ? length - 1 : (buffer.lastIndex(of: UInt8(ascii: "\n")) ?? -1)
    while end > 0 {
      let start = (buffer[..<end].lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
      let line = buffer[start..<end]
      if let found = line.firstRange(of: marker), case .object? = try? JSONParser.parse(Array(line)) {
        let digits = line[found.upperBound...].prefix { $0 >= 0x30 && $0 <= 0x39 }
        if let id = Int64(String(decoding: digits, as: UTF8.self)) {
          return (id, endsWithNewline, String(decoding: line, as: UTF8.self))
        }
      }
      end = start - 1
    }
    return (0, endsWithNewline, nil)
  }
}
