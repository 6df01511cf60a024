import ColdTraceCore
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// The segment files on disk: made, read back at start (a torn tail cut off) and dropped past the limits.
extension Outbox {
  func startSegment() throws {
    if activeFD >= 0 { close(activeFD) }
    let number = (segments.last?.number ?? 0) + 1
    let segment = OutboxSegment(number: number, directory: directory)
    activeFD = open(segment.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard activeFD >= 0 else { throw OutboxError("cannot create \(segment.path): \(errnoDescription())") }
    syncDirectory()
    segments.append(segment)
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
    for (index, number) in numbers.sorted().enumerated() {
      var segment = OutboxSegment(number: number, directory: directory)
      let isNewest = index == numbers.count - 1
      let (entries, validBytes, fileBytes) = try segment.load(repair: isNewest)
      repairedBytes += fileBytes - validBytes
      var offset = 0
      for entry in entries {
        segment.account(entry.record, bytes: entry.end - offset)
        offset = entry.end
      }
      segments.append(segment)
    }
    if let newest = segments.last {
      activeFD = open(newest.path, O_WRONLY | O_APPEND | O_CLOEXEC)
      guard activeFD >= 0 else { throw OutboxError("cannot open \(newest.path): \(errnoDescription())") }
      // A process killed between its write and its fdatasync leaves records that are read back (and may be sent)
      // but are not durable yet, and a repaired tail is cut off in the page cache only: make both durable before
      // anything is sent, or a power cut could later take back a number the collector already has.
      guard fdatasync(activeFD) == 0 else {
        throw OutboxError("cannot fsync \(newest.path): \(errnoDescription())")
      }
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
