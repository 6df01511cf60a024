import ColdTraceCore
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// One append-only file of the outbox (`seg-<number>.log`) and what it holds, kept in memory so acknowledgement and
/// limits never need to read it back.
struct OutboxSegment {
  let number: Int64
  let path: String
  var bytes: Int = 0
  var count: Int = 0
  /// Lowest and highest `seq` per sensor in this segment.
  var ranges: [String: ClosedRange<Int64>] = [:]
  var newest: Timestamp?
  /// The boots of the records in it stamped while the clock was not synchronised (`UnsyncedStamp`).
  var unsyncedBoots: Set<UInt64> = []
  /// Each sensor's record with its highest `seq` in it.
  var newestRecords: [String: OutboxRecord] = [:]

  init(number: Int64, directory: String) {
    self.number = number
    self.path = directory + "/" + Self.fileName(number)
  }

  static func fileName(_ number: Int64) -> String {
    let digits = String(number)
    return "seg-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".log"
  }

  static func number(fromFileName name: String) -> Int64? {
    guard name.hasPrefix("seg-"), name.hasSuffix(".log") else { return nil }
    return Int64(name.dropFirst(4).dropLast(4))
  }

  mutating func account(_ record: OutboxRecord, bytes recordBytes: Int) {
    bytes += recordBytes
    count += 1
    let seq = record.seq
    if let range = ranges[record.sensor] {
      ranges[record.sensor] = min(range.lowerBound, seq)...max(range.upperBound, seq)
    } else {
      ranges[record.sensor] = seq...seq
    }
    if newest.map({ record.sample.ts > $0 }) ?? true { newest = record.sample.ts }
    if let clock = record.clock { unsyncedBoots.insert(clock.boot) }
    if newestRecords[record.sensor].map({ $0.seq <= seq }) ?? true { newestRecords[record.sensor] = record }
  }

  /// Whether every record in it is covered by the acknowledged watermarks.
  func isAcknowledged(by acknowledged: [String: Int64]) -> Bool {
    ranges.allSatisfy { sensor, range in range.upperBound <= acknowledged[sensor, default: 0] }
  }

  /// Records in it not covered by the watermarks (sequence numbers are contiguous per sensor within the outbox).
  func unacknowledgedCount(_ acknowledged: [String: Int64]) -> Int {
    ranges.reduce(0) { total, entry in
      let (sensor, range) = entry
      let covered = acknowledged[sensor, default: 0]
      return total + Int(max(0, range.upperBound - max(covered, range.lowerBound - 1)))
    }
  }

  /// A record and the offset just past it.
  typealias Entry = (record: OutboxRecord, end: Int)

  /// What a segment file holds: its intact records, where they end, and where the last non-zero byte after them ends.
  struct Contents {
    var entries: [Entry]
    /// The end of the last intact record: where the next record goes.
    var validBytes: Int
    /// Just past the last non-zero byte: beyond `validBytes`, a torn record (or records written after it that never
    /// became durable) up to here, and the preallocated zeros after it.
    var dirtyBytes: Int
    var fileBytes: Int
    /// Bytes of a torn write after the intact records (zeros of a preallocated tail are not counted).
    var tornBytes: Int { dirtyBytes - validBytes }
  }

  /// Reads the whole file: the records up to the first one that is not intact. A preallocated segment's zero-filled
  /// tail ends the records as a torn record does (a zero length is never a record: `OutboxRecord.decode`); nothing
  /// after the first bad record is trusted. With `findDirtyEnd`, also finds where its non-zero bytes end.
  func load(findDirtyEnd: Bool = false) throws -> Contents {
    guard let data = try DurableFile.readBytes(path) else {
      return Contents(entries: [], validBytes: 0, dirtyBytes: 0, fileBytes: 0)
    }
    var entries: [Entry] = []
    var offset = 0
    data.withUnsafeBytes { bytes in
      while let (record, next) = OutboxRecord.decode(bytes, at: offset) {
        entries.append((record, next))
        offset = next
      }
    }
    var dirty = offset
    if findDirtyEnd, let last = data.lastIndex(where: { $0 != 0 }), last >= offset { dirty = last + 1 }
    return Contents(entries: entries, validBytes: offset, dirtyBytes: dirty, fileBytes: data.count)
  }
}
