#if canImport(Glibc)
  import Glibc
#endif

/// Standard output written as bytes: what `print` buffered so far first, so the two never interleave out of order.
enum StandardOutput {
  /// Writes `bytes` to file descriptor 1 and empties the buffer, keeping its capacity.
  static func write(_ bytes: inout [UInt8]) {
    fflush(nil)
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        offset += written
      }
    }
    bytes.removeAll(keepingCapacity: true)
  }
}
