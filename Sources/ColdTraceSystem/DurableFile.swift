#if canImport(Glibc)
  import Glibc
#endif

/// Small files replaced atomically and durably: write a temporary file, fsync it, rename it over the old one, fsync
/// the directory. After a crash or a power cut the file holds the old content or the new, never a torn mix.
public enum DurableFile {
  public static func replace(_ path: String, with text: String) throws(DurableFileError) {
    let temporary = path + ".tmp"
    try writeSynced(temporary, Array(text.utf8))
    guard rename(temporary, path) == 0 else { throw .init(path: path, operation: "rename") }
    syncDirectory(of: path)
  }

  /// Writes `bytes` to a new (or truncated) file at `temporary` and fsyncs it.
  private static func writeSynced(_ temporary: String, _ bytes: [UInt8]) throws(DurableFileError) {
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .init(path: temporary, operation: "open") }
    do {
      try writeAll(bytes, to: fd, path: temporary)
    } catch {
      close(fd)
      throw error
    }
    guard fsync(fd) == 0 else {
      close(fd)
      throw .init(path: temporary, operation: "fsync")
    }
    close(fd)
  }

  /// fsyncs the directory holding `path`, so a new or renamed entry survives a power cut.
  private static func syncDirectory(of path: String) {
    let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    let directoryFD = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directoryFD >= 0 {
      fsync(directoryFD)
      close(directoryFD)
    }
  }

  /// Creates `path` with `text`, durably, unless it exists: returns `false` (and writes nothing) when another writer
  /// made it first. Safe against a concurrent creator: the content goes to a temporary file of this process, fsynced,
  /// then `link` gives it the final name, which fails if the name is taken; a crash leaves the file whole or absent
  /// (and at most a stray temporary file, which nothing reads).
  public static func createOnce(_ path: String, with text: String) throws(DurableFileError) -> Bool {
    try createOnce(path, bytes: Array(text.utf8))
  }

  /// `createOnce(_:with:)` for bytes kept exactly as they are (a copy of a file that may hold a torn line).
  public static func createOnce(_ path: String, bytes: [UInt8]) throws(DurableFileError) -> Bool {
    // One temporary name per call, not per process: two threads of one process may create the same file at once.
    let temporary = path + ".\(getpid())-\(UInt32.random(in: .min ... .max)).tmp"
    defer { unlink(temporary) }
    try writeSynced(temporary, bytes)
    if link(temporary, path) != 0 {
      if errno == EEXIST { return false }
      throw .init(path: path, operation: "link")
    }
    syncDirectory(of: path)
    return true
  }

  /// Writes every byte to `fd`, resuming after short writes and interruptions; `path` names the file in the error.
  public static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(DurableFileError) {
    var remaining = bytes[...]
    while !remaining.isEmpty {
      let written = remaining.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        throw .init(path: path, operation: "write")
      }
      remaining = remaining.dropFirst(written)
    }
  }

  /// Writes every byte to `fd` at `offset` (`pwrite`: the file position is neither used nor moved), resuming after
  /// short writes and interruptions; `path` names the file in the error.
  public static func writeAll(_ bytes: [UInt8], to fd: Int32, at offset: Int, path: String) throws(DurableFileError) {
    var done = 0
    while done < bytes.count {
      let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
      if written < 0 {
        if errno == EINTR { continue }
        throw .init(path: path, operation: "write")
      }
      done += written
    }
  }

  /// The whole file as text, or `nil` if it does not exist.
  public static func read(_ path: String) throws(DurableFileError) -> String? {
    try readBytes(path).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The whole file's bytes, or `nil` if it does not exist. A file (or device, like `/dev/zero`) longer than
  /// `maxBytes` is refused rather than read into memory.
  public static func readBytes(_ path: String, maxBytes: Int = .max) throws(DurableFileError) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return nil }
      throw .init(path: path, operation: "open")
    }
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if got < 0 {
        if errno == EINTR { continue }
        throw .init(path: path, operation: "read")
      }
      if got == 0 { break }
      guard got <= maxBytes - result.count else {
        throw .init(path: path, operation: "read", reason: "longer than \(maxBytes) bytes")
      }
      result += buffer[..<got]
    }
    return result
  }
}

/// A file operation that failed, with the system's reason.
public struct DurableFileError: Error, CustomStringConvertible {
  public let path: String
  public let operation: String
  public let reason: String

  init(path: String, operation: String) {
    self.path = path
    self.operation = operation
    self.reason = errnoDescription()
  }

  init(path: String, operation: String, reason: String) {
    self.path = path
    self.operation = operation
    self.reason = reason
  }

  public var description: String { "cannot \(operation) \(path): \(reason)" }
}
