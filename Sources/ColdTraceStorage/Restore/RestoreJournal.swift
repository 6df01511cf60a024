import ColdTraceCore
import ColdTraceSystem
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The journal lines a restore took out of the journal file because the restored database does not hold them (they
/// were written after the backup was made), kept byte for byte in a file of their own as evidence.
public struct JournalSetAside: Sendable, Equatable {
  public let file: String
  public let lines: Int
  public let firstEventID: Int64?
  public let lastEventID: Int64?
  /// SHA-256 of the last complete line set aside: its chain head, recorded in the `restored` line so the side file
  /// can be checked later (`coldtrace journal verify <side file>` and this hash).
  public let head: String?
}

/// Makes the journal file agree with a restored database. The file keeps its longest prefix whose lines are the
/// restored database's own (same `event_id`, same bytes), torn lines between them included (`journal verify` skips
/// them); everything after it, including a line torn by a crash at its end, moves to `<journal>.set-aside-<stamp>`. The caller then commits a `restored` line, chained to the restored database's
/// head, and `appendAfter` says from which `event_id` on the database's lines are written to the file.
enum RestoreJournal {
  struct Plan {
    let setAside: JournalSetAside?
    /// Write the database's lines with an `event_id` above this (0: all of them).
    let appendAfter: Int64
  }

  /// Under the journal's lock (`fd`, opened for appending): sets the unmatched tail aside and cuts it off.
  static func reconcile(
    fd: Int32, journal: String, store: SQLiteStore, restoredHead: Int64, stamp: String,
    owner: (mode: mode_t, uid: uid_t, gid: gid_t)
  ) throws -> Plan {
    let bytes = try readAll(fd: fd, path: journal)
    let lines = split(bytes)
    let firstID = lines.first?.eventID ?? 0
    let stored = Dictionary(
      try store.journalLines(after: max(0, firstID - 1)).prefix { $0.id <= restoredHead }.map { ($0.id, $0.line) },
      uniquingKeysWith: { first, _ in first })
    // Lines kept: up to the last of the restored database's own. A torn line among them (a crash cut it short and
    // catch-up wrote its event again on the next line, which `journal verify` skips) stays where it is: it was not
    // written after the backup.
    var kept = 0
    for (index, line) in lines.enumerated() {
      if line.complete, let id = line.eventID, id <= restoredHead, let text = stored[id],
        text.utf8.elementsEqual(bytes[line.range])
      {
        kept = index + 1
      } else if !line.complete || Self.isWholeJSONObject(bytes[line.range]) {
        break
      }
    }
    let lastKept = kept > 0 ? lines[kept - 1].eventID ?? 0 : 0
    guard kept < lines.count else { return Plan(setAside: nil, appendAfter: lastKept) }

    let cut = lines[kept].range.lowerBound
    let tail = lines[kept...]
    let sideFile = "\(journal).set-aside-\(stamp)"
    try writeNew(file: sideFile, bytes: Array(bytes[cut...]), owner: owner)
    guard ftruncate(fd, off_t(cut)) == 0, fsync(fd) == 0 else {
      throw StoreError("cannot cut the alert journal \(journal) after line \(kept): \(FileAccess.reason(errno))")
    }
    let ids = tail.compactMap(\.eventID)
    let lastComplete = tail.last { $0.complete }
    let setAside = JournalSetAside(
      file: sideFile, lines: tail.count, firstEventID: ids.first, lastEventID: ids.last,
      head: lastComplete.map { JournalChain.hash(bytes: Array(bytes[$0.range])) })
    // A file that keeps nothing and started after line 1 was rotated: the lines before are in older files, so the
    // new file starts at the `restored` line rather than repeating them.
    let appendAfter = kept > 0 ? lastKept : (firstID > 1 ? restoredHead : 0)
    return Plan(setAside: setAside, appendAfter: appendAfter)
  }

  /// Whether a line is a whole JSON object (not one a crash tore), as `JournalChain.verify` judges it.
  private static func isWholeJSONObject(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard case .object? = try? JSONParser.parse(String(decoding: bytes, as: UTF8.self)) else { return false }
    return true
  }

  private struct Line {
    let range: Range<Int>
    let eventID: Int64?
    let complete: Bool
  }

  private static func split(_ bytes: [UInt8]) -> [Line] {
    var lines: [Line] = []
    var start = 0
    let marker = Array("\"event_id\":".utf8)
    while start < bytes.count {
      let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
      let range = start..<(end ?? bytes.count)
      var eventID: Int64? = nil
      if let found = bytes[range].firstRange(of: marker) {
        let digits = bytes[found.upperBound..<range.upperBound].prefix { $0 >= 0x30 && $0 <= 0x39 }
        eventID = Int64(String(decoding: digits, as: UTF8.self))
      }
      if !range.isEmpty { lines.append(Line(range: range, eventID: eventID, complete: end != nil)) }
      start = (end ?? bytes.count) + 1
    }
    return lines
  }

  private static func readAll(fd: Int32, path: String) throws -> [UInt8] {
    let size = Int(lseek(fd, 0, SEEK_END))
    var bytes = [UInt8](repeating: 0, count: max(0, size))
    var done = 0
    while done < size {
      let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, size - done, off_t(done)) }
      guard got > 0 else { throw StoreError("cannot read the alert journal \(path): \(FileAccess.reason(errno))") }
      done += got
    }
    return bytes
  }

  /// Writes a new file durably (never over an existing one), with `owner`'s mode less the bits for others.
  static func writeNew(file: String, bytes: [UInt8], owner: (mode: mode_t, uid: uid_t, gid: gid_t)) throws {
    let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw UnusablePath("cannot write \(file): \(FileAccess.reason(errno))") }
    defer { close(fd) }
    try FileAccess.copyOwnership(to: fd, path: file, like: owner)
    do {
      try DurableFile.writeAll(bytes, to: fd, path: file)
    } catch {
      throw StoreError("cannot write \(file): \(error)")
    }
    guard fsync(fd) == 0 else { throw StoreError("cannot sync \(file): \(FileAccess.reason(errno))") }
    FileAccess.syncDirectory(of: file)
  }
}
