#if canImport(Glibc)
  import Glibc
#endif

/// Unbuffered writes to file descriptor 2 (the C `stderr` global is not concurrency-safe in Swift 6).
public enum StandardError {
  public static func write(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
      if written <= 0 { return }
      bytes = bytes.dropFirst(written)
    }
  }

  /// The first line of `message` as `program: line`, the one line a failing command prints.
  public static func fail(_ program: String, _ message: String) {
    let line = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? message
    write("\(program): \(line)\n")
  }
}
