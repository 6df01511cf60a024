import ColdTraceSystem
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Checks made before a backup or a restore touches anything, so that an unusable path is reported with the path,
/// what was tried and who tried it ("cannot write /var/backups/x.db: permission denied (running as coldtrace)")
/// rather than as SQLite's "unable to open database file".
public enum FileAccess {
  /// The name of the user this process runs as (its effective uid), or `uid N` when it has no name.
  public static var userName: String {
    let uid = geteuid()
    if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid \(uid)"
  }

  /// `nil` when this process may read `path`; else why not, as one phrase naming the path.
  public static func cannotRead(_ path: String) -> String? {
    guard access(path, R_OK) != 0 else { return nil }
    return "cannot read \(path): \(reason(errno))"
  }

  /// `nil` when this process may create a file named `path` (its directory exists and is writable); else why not.
  public static func cannotCreate(_ path: String) -> String? {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      return "cannot write \(path): directory \(directory) does not exist"
    }
    guard access(directory, W_OK | X_OK) != 0 else { return nil }
    return "cannot write \(path): \(reason(errno)) (directory \(directory))"
  }

  /// An errno as a phrase, with the user for a permission error.
  public static func reason(_ code: Int32) -> String {
    let text = String(cString: strerror(code)).lowercased()
    return code == EACCES || code == EPERM || code == EROFS ? "\(text) (running as \(userName))" : text
  }

  /// A file's permission bits, owner and group, or `nil` if it cannot be read.
  public static func ownership(of path: String) -> (mode: mode_t, uid: uid_t, gid: gid_t)? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return (info.st_mode & 0o7777, info.st_uid, info.st_gid)
  }

  /// Gives the open file `fd` the mode of `like` without its bits for others (never world-readable), and, when run
  /// as root, its owner and group, so the service user can still read it.
  static func copyOwnership(to fd: Int32, path: String, like: (mode: mode_t, uid: uid_t, gid: gid_t)) throws {
    if geteuid() == 0 && fchown(fd, like.uid, like.gid) != 0 {
      throw StoreError("cannot give \(path) the database's owner: \(reason(errno))")
    }
    guard fchmod(fd, like.mode & 0o770) == 0 else {
      throw StoreError("cannot set the mode of \(path): \(reason(errno))")
    }
  }

  /// Makes a directory's entries durable (after a rename or link into it).
  static func syncDirectory(of path: String) {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
  }
}
