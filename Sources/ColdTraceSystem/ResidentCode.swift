#if canImport(Glibc)
  import Glibc
#endif

/// Drops the pages of code and read-only data that only start-up used, so a long-running process keeps resident what
/// it runs from then on.
///
/// ld.so reads each library's symbol and relocation tables once at load (libcrypto's, which libmosquitto loads, are
/// about 1 MB), and start-up runs code that never runs again (configuration, OpenSSL's init); all of it would stay
/// mapped for good. `trimReadOnlyMappings()` drops the pages mapped so far from every read-only file mapping
/// (`MADV_DONTNEED`): a page is resident again only if the process touches it again. The pages stay in the page cache
/// (they are the files' own, shared and clean), so what runs again costs a minor fault once, not a disk read. A fault
/// still maps the 64 kB around it (the kernel's fault-around), which is why the order of the functions in `.text`
/// matters (`deploy/coldtrace-agent.order`).
///
/// Only mappings that are not writable and hold no private (anonymous) page are dropped: a read-only mapping with
/// private pages is relocated data (`.data.rel.ro`, made read-only after relocation), whose pages must not go back to
/// the file's content.
public enum ResidentCode {
  /// Applies the advice to every eligible mapping of this process; returns how many mappings were trimmed.
  @discardableResult
  public static func trimReadOnlyMappings() -> Int {
    guard let smaps = readFile("/proc/self/smaps") else { return 0 }
    var trimmed = 0
    var current: (start: UInt, end: UInt, eligible: Bool)?
    func finish(anonymousKB: Int) {
      guard let mapping = current, mapping.eligible, anonymousKB == 0 else { return }
      let address = UnsafeMutableRawPointer(bitPattern: mapping.start)
      let length = Int(mapping.end - mapping.start)
      if madvise(address, length, MADV_DONTNEED) == 0 { trimmed += 1 }
    }
    for line in smaps.split(separator: UInt8(ascii: "\n")) {
      let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
      guard let first = fields.first else { continue }
      if let dash = first.firstIndex(of: UInt8(ascii: "-")), first.last != UInt8(ascii: ":"), fields.count >= 5 {
        current = nil
        guard let start = hex(first[..<dash]), let end = hex(first[(dash + 1)...]) else { continue }
        let permissions = fields[1]
        let path = fields.count > 5 ? fields[5] : []
        let readOnly = permissions.count == 4 && permissions[permissions.startIndex + 1] != UInt8(ascii: "w")
        current = (start, end, readOnly && path.first == UInt8(ascii: "/"))
      } else if first.elementsEqual("Anonymous:".utf8), fields.count >= 2 {
        finish(anonymousKB: Int(String(decoding: fields[1], as: UTF8.self)) ?? 1)
        current = nil
      }
    }
    return trimmed
  }

  private static func hex(_ digits: ArraySlice<UInt8>) -> UInt? {
    UInt(String(decoding: digits, as: UTF8.self), radix: 16)
  }

  /// The whole file (procfs files report size 0, so read until end of file).
  private static func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = read(fd, &chunk, chunk.count)
      if count <= 0 { break }
      bytes += chunk[0..<count]
    }
    return bytes
  }
}
