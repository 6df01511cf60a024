import ColdTraceSystem
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The lock that tells `coldtrace restore` a collector runs on a database: `<db>.lock` beside it, held with `flock`
/// for as long as the collector runs (shared, so nothing else changes when two collectors share a database) and taken
/// exclusively by a restore, so neither can start while the other works. The kernel drops it when the process ends,
/// however it ends: a killed collector never leaves a stale lock.
public final class CollectorLock: Sendable {
  public let path: String
  private let fd: Int32

  private init(path: String, fd: Int32) {
    self.path = path
    self.fd = fd
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }

  public static func path(forDatabase database: String) -> String { database + ".lock" }

  /// For `coldtrace collect`: holds the lock shared until the process ends; throws when a restore holds it.
  public static func holdForCollector(database: String) throws -> CollectorLock {
    let lock = try open(database: database)
    guard flock(lock.fd, LOCK_SH | LOCK_NB) == 0 else {
      if errno == EWOULDBLOCK {
        throw UnusablePath(
          "a restore of \(database) is in progress (coldtrace restore holds \(lock.path)); start the collector "
            + "once it has finished")
      }
      throw StoreError("cannot lock \(lock.path): \(FileAccess.reason(errno))")
    }
    return lock
  }

  /// For `coldtrace restore`: the lock held exclusively, or the process ids that hold it (a running collector).
  public static func takeForRestore(database: String) throws -> Result<CollectorLock, Holders> {
    let lock = try open(database: database)
    guard flock(lock.fd, LOCK_EX | LOCK_NB) == 0 else {
      guard errno == EWOULDBLOCK else { throw StoreError("cannot lock \(lock.path): \(FileAccess.reason(errno))") }
      return .failure(Holders(processes: holders(of: lock.fd)))
    }
    return .success(lock)
  }

  /// The processes that hold the lock, as far as `/proc/locks` says (empty when it cannot be read).
  public struct Holders: Error {
    public let processes: [Int32]
  }

  private static func open(database: String) throws -> CollectorLock {
    let path = path(forDatabase: database)
    let fd = Glibc.open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw UnusablePath("cannot open the collector's lock file \(path): \(FileAccess.reason(errno))")
    }
    // Empty, and readable by all so whoever makes it (root running a restore) never keeps the service out.
    var info = stat()
    if fstat(fd, &info) == 0 && info.st_size == 0 && info.st_mode & 0o044 != 0o044 { fchmod(fd, 0o644) }
    return CollectorLock(path: path, fd: fd)
  }

  /// Lines of `/proc/locks` are `1: FLOCK  ADVISORY  READ  1234 08:01:5678 0 EOF`: the pid, then device and inode.
  private static func holders(of fd: Int32) -> [Int32] {
    var info = stat()
    guard fstat(fd, &info) == 0, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else {
      return []
    }
    let inode = ":\(info.st_ino)"
    return text.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 6, fields[1] == "FLOCK", fields[5].hasSuffix(inode) else { return nil }
      return Int32(fields[4])
    }.filter { $0 != getpid() }
  }
}
