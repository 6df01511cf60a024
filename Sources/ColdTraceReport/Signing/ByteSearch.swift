#if canImport(Glibc)
  import Glibc
#endif

/// Finding a marker in a report file's bytes without decoding it: a signed month of CSV rows is 13 MB.
enum ByteSearch {
  /// The start of every occurrence of `needle` in `haystack`, at most `limit` of them (`memchr` to the first byte,
  /// then `memcmp`).
  static func starts(of needle: [UInt8], in haystack: [UInt8], limit: Int = .max) -> [Int] {
    guard let first = needle.first else { return [] }
    return haystack.withUnsafeBufferPointer { hay in
      needle.withUnsafeBufferPointer { pin in
        guard let base = hay.baseAddress, let pinBase = pin.baseAddress else { return [] }
        var found: [Int] = []
        var offset = 0
        while found.count < limit, hay.count - offset >= pin.count,
          let hit = memchr(base + offset, Int32(first), hay.count - offset - pin.count + 1)
        {
          let start = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
          if memcmp(base + start, pinBase, pin.count) == 0 {
            found.append(start)
            offset = start + pin.count
          } else {
            offset = start + 1
          }
        }
        return found
      }
    }
  }

  /// The line around `index`: from after the previous line feed to after the next one (or the end).
  static func line(around index: Int, in bytes: [UInt8]) -> Range<Int> {
    let newline = UInt8(ascii: "\n")
    let start = bytes[..<index].lastIndex(of: newline).map { $0 + 1 } ?? 0
    let end = bytes[index...].firstIndex(of: newline).map { $0 + 1 } ?? bytes.count
    return start..<end
  }
}
