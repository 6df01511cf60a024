import ColdTraceCore
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// The segment files on disk: made, read back at start (a torn tail cut off) and dropped past the limits.
extension Outbox {
  /// Makes the next segment, preallocated: `limits.segmentBytes` of written zeros (not `fallocate`'s unwritten
  /// extents, whose first write is a metadata change too), so that appending to it changes no inode metadata and each
  /// round's `fdatasync` writes its data only. The zeros are made durable by the first round's `fdatasync`; the
  /// directory entry is fsynced here. A crash before that leaves a segment of zeros, or of part of them: no records.
  func startSegment() throws {
    if activeFD >= 0 { close(activeFD) }
    let number = (segments.last?.number ?? 0) + 1
    let segment = OutboxSegment(number: number, directory: directory)
    activeFD = open(segment.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard activeFD >= 0 else { throw OutboxError("cannot create \(segment.path): \(errnoDescription())") }
    try writeZeros(from: 0, to: limits.segmentBytes, path: segment.path)
    syncDirectory()
    segments.append(segment)
  }

  /// Overwrites `[start, end)` of the active segment with zeros, one page per write: the page cache sizes its folios
  /// by the write (ext4's large folios), and a round later dirtying part of a 64 kB folio would count, and may write
  /// back, all of it.
  private func writeZeros(from start: Int, to end: Int, path: String) throws {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let zeros = [UInt8](repeating: 0, count: page > 0 ? page : 4096)
    var offset = start
    while offset < end {
      // Up to the next page boundary, so that every later write is page-aligned too.
      let count = min(zeros.count - offset % zeros.count, end - offset)
      try DurableFile.writeAll(
        count == zeros.count ? zeros : Array(zeros[..<count]), to: activeFD, at: offset, path: path)
      offset += count
    }
  }

  /// Drops the oldest segments (never the newest) while the outbox is over its size or age limit.
  func enforceLimits(now: Timestamp) throws {
    while segments.count > 1 {
      let oldest = segments[0]
      let tooBig = totalBytes > limits.maxBytes
      let tooOld = oldest.newest.map { now.seconds(since: $0) > limits.maxAgeSeconds } ?? false
      guard tooBig || tooOld else { break }
      beforeForgetting?()
      dropped += oldest.unacknowledgedCount(acknowledged)
      // Everything in it counts as settled from now on: raise the watermarks past it.
      for (sensor, range) in oldest.ranges where range.upperBound > acknowledged[sensor, default: 0] {
        acknowledged[sensor] = range.upperBound
      }
      segments.removeFirst()
      try saveAcknowledged()
      unlink(oldest.path)
    }
  }

  func loadSegments() throws {
    guard let handle = opendir(directory) else { throw OutboxError("cannot read \(directory): \(errnoDescription())") }
    var numbers: [Int64] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if let number = OutboxSegment.number(fromFileName: name) { numbers.append(number) }
    }
    closedir(handle)
    var newestContents: OutboxSegment.Contents?
    for (index, number) in numbers.sorted().enumerated() {
      var segment = OutboxSegment(number: number, directory: directory)
      let isNewest = index == numbers.count - 1
      let contents = try segment.load(findDirtyEnd: isNewest)
      if isNewest { newestContents = contents }
      var offset = 0
      for entry in contents.entries {
        segment.account(entry.record, bytes: entry.end - offset)
        offset = entry.end
      }
      segments.append(segment)
    }
    if let newest = segments.last, let contents = newestContents {
      activeFD = open(newest.path, O_WRONLY | O_CLOEXEC)
      guard activeFD >= 0 else { throw OutboxError("cannot open \(newest.path): \(errnoDescription())") }
      try cutTornTail(of: newest, contents)
      // A process killed between its write and its fdatasync leaves records that are read back (and may be sent)
      // but are not durable yet, and a repaired tail is cut off in the page cache only: make both durable before
      // anything is sent, or a power cut could later take back a number the collector already has.
      guard fdatasync(activeFD) == 0 else {
        throw OutboxError("cannot fsync \(newest.path): \(errnoDescription())")
      }
    }
  }

  /// Removes what follows the intact records of the newest segment (a torn record, and anything written after it in
  /// a preallocated segment that never became durable), so that the next append, written right after the intact
  /// records, can never be followed by stale bytes that decode as a record. A segment shorter than a whole one (made
  /// before preallocation, or whose zeros never became durable) is truncated after its records; in a preallocated one
  /// the bytes up to the last non-zero one are overwritten with zeros.
  private func cutTornTail(of segment: OutboxSegment, _ contents: OutboxSegment.Contents) throws {
    if contents.fileBytes < limits.segmentBytes {
      guard contents.fileBytes > contents.validBytes else { return }
      repairedBytes += contents.fileBytes - contents.validBytes
      guard ftruncate(activeFD, off_t(contents.validBytes)) == 0 else {
        throw OutboxError("cannot truncate \(segment.path): \(errnoDescription())")
      }
    } else if contents.tornBytes > 0 {
      repairedBytes += contents.tornBytes
      try writeZeros(from: contents.validBytes, to: contents.dirtyBytes, path: segment.path)
    }
  }

  func syncDirectory() {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      fsync(fd)
      close(fd)
    }
  }
}
