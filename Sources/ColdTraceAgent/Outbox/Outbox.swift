import ColdTraceCore
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// The agent's durable outbox: every sample is on disk before it is published, and leaves only when the collector's
/// acknowledgement watermark covers it (a broker PUBACK is not enough: docs/mqtt-facts.md).
///
/// Layout, under `<state_dir>/outbox/`: segment files `seg-<n>.log` of CRC-framed records (`OutboxRecord`), each
/// made at its full size (`Limits.segmentBytes`) of zeros and filled from the start, `acknowledged.state` with each
/// sensor's watermark and the count of samples dropped for space, and `incarnation`, the name of this install
/// (`OutboxIncarnation`). Segments written before preallocation (grown by each append) are read the same way.
///
/// fsync policy: a sampling round's records are written with one `pwrite` just past the last record and made durable
/// with one `fdatasync` before any of them is published; in a preallocated segment that changes no inode metadata,
/// so the sync writes the round's data only. A new segment's directory entry is fsynced when it is created; the
/// acknowledgement file is replaced atomically (write, fsync, rename, fsync directory) before the segments it covers
/// are deleted. Why the format cannot be left corrupt: no record is ever rewritten; a round only fills zeros after the
/// last durable record. A power cut can only leave a torn record (or parts of the unsynced round) after the durable
/// records of the newest segment: the first bad record ends the segment (a zero length is never a record), and the
/// next start overwrites everything after the intact records with zeros before anything is appended; everything
/// before it is intact, and the acknowledgement file is either the old or the new version.
public final class Outbox {
  /// How big and how old the outbox may grow; beyond either, the oldest samples go first, and are counted.
  public struct Limits: Sendable {
    public var maxBytes: Int
    public var maxAgeSeconds: Double
    public var segmentBytes: Int
    public init(maxBytes: Int = 64 << 20, maxAgeSeconds: Double = 30 * 86_400, segmentBytes: Int = 256 << 10) {
      self.maxBytes = maxBytes
      self.maxAgeSeconds = maxAgeSeconds
      self.segmentBytes = segmentBytes
    }
  }

  /// A place in the outbox: a segment and a byte offset in it.
  public struct Cursor: Comparable, Sendable {
    var segment: Int64
    var offset: Int
    public static func < (lhs: Cursor, rhs: Cursor) -> Bool {
      (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }
  }

  public let directory: String
  public let limits: Limits
  var segments: [OutboxSegment] = []
  var activeFD: Int32 = -1
  /// Highest `seq` per sensor that the collector has confirmed.
  public internal(set) var acknowledged: [String: Int64] = [:]
  /// Watermarks applied in memory and not yet in `acknowledged.state` (`acknowledge(_:deferSaving:)`).
  var acknowledgementUnsaved = false
  /// Samples the watermarks in memory cover beyond those in `acknowledged.state`: what a crash now would re-send.
  public internal(set) var unsavedAcknowledgements = 0
  /// Samples dropped (oldest first) because the outbox was full or too old, since the agent was installed.
  public internal(set) var dropped: Int = 0
  /// Records cut off when opening (a torn tail after a crash), for the log.
  public internal(set) var repairedBytes: Int = 0
  /// This install's name, made with the outbox (`OutboxIncarnation`): every payload and the status carry it.
  public let incarnation: String

  public init(directory: String, limits: Limits = Limits()) throws {
    self.directory = directory + "/outbox"
    self.limits = limits
    mkdir(directory, 0o755)
    mkdir(self.directory, 0o755)
    incarnation = try OutboxIncarnation.loadOrCreate(in: self.directory)
    try loadAcknowledged()
    try loadSegments()
  }

  deinit { if activeFD >= 0 { close(activeFD) } }

  // MARK: - Writing

  /// The next `seq` for `sensor`: one above anything it ever stored or had acknowledged.
  public func nextSequence(for sensor: String) -> Int64 {
    let stored = segments.compactMap { $0.ranges[sensor]?.upperBound }.max() ?? 0
    return max(stored, acknowledged[sensor, default: 0]) + 1
  }

  /// Appends records durably (one write, one fdatasync) and returns the cursor just past them.
  @discardableResult
  public func append(_ records: [OutboxRecord]) throws -> Cursor {
    guard !records.isEmpty else { return end }
    var bytes: [UInt8] = []
    var sizes: [Int] = []
    for record in records {
      let before = bytes.count
      record.encode(into: &bytes)
      sizes.append(bytes.count - before)
    }
    // A round goes whole into the preallocated space left, or into the next segment; one larger than a whole
    // segment grows the file past it.
    let fits = segments.last.map { $0.bytes == 0 || $0.bytes + bytes.count <= limits.segmentBytes } ?? false
    if !fits { try startSegment() }
    let newest = segments[segments.count - 1]
    try DurableFile.writeAll(bytes, to: activeFD, at: newest.bytes, path: newest.path)
    guard fdatasync(activeFD) == 0 else {
      throw OutboxError("cannot fsync \(segments.last!.path): \(errnoDescription())")
    }
    for (record, size) in zip(records, sizes) { segments[segments.count - 1].account(record, bytes: size) }
    try enforceLimits(now: records.map(\.sample.ts).max()!)
    return end
  }

  /// Samples not yet confirmed by the collector.
  public var pendingCount: Int { segments.reduce(0) { $0 + $1.unacknowledgedCount(acknowledged) } }

  public var totalBytes: Int { segments.reduce(0) { $0 + $1.bytes } }

  /// The boots whose unsynchronised samples are still in a segment: their clock decisions are still needed.
  public var unsyncedBoots: Set<UInt64> { segments.reduce(into: []) { $0.formUnion($1.unsyncedBoots) } }

  /// Each sensor's latest record still in the outbox (its highest `seq`).
  public var newestRecords: [String: OutboxRecord] {
    segments.reduce(into: [:]) { newest, segment in newest.merge(segment.newestRecords) { $1 } }
  }

  /// Called before segments are deleted (acknowledged, or dropped for space or age): what the outbox forgets then.
  var beforeForgetting: (() -> Void)?

  /// The lowest `seq` of `sensor` the outbox can still send (anything below it is acknowledged or was dropped).
  public func floor(for sensor: String) -> Int64 {
    let held = segments.compactMap { $0.ranges[sensor]?.lowerBound }.min()
    let next = acknowledged[sensor, default: 0] + 1
    return max(next, held ?? next)
  }

  // MARK: - Reading

  public var start: Cursor { Cursor(segment: segments.first?.number ?? 0, offset: 0) }
  public var end: Cursor { Cursor(segment: segments.last?.number ?? 0, offset: segments.last?.bytes ?? 0) }

  /// Up to `limit` records from `cursor` on, and the cursor after them. A cursor into a deleted segment resumes at
  /// the oldest remaining one.
  public func read(from cursor: Cursor, limit: Int) throws -> (records: [OutboxRecord], next: Cursor) {
    var records: [OutboxRecord] = []
    var position = max(cursor, start)
    for segment in segments where segment.number >= position.segment {
      if segment.number > position.segment { position = Cursor(segment: segment.number, offset: 0) }
      guard position.offset < segment.bytes else { continue }
      let entries = try entries(of: segment)
      // The first record that starts at or after the cursor.
      var index = entries.firstIndex { $0.end > position.offset } ?? entries.count
      while index < entries.count && entries[index].end <= segment.bytes && records.count < limit {
        records.append(entries[index].record)
        position.offset = entries[index].end
        index += 1
      }
      if records.count >= limit { break }
    }
    return (records, position)
  }

  /// The decoded records of one segment; the last segment read is kept, since replay reads it in slices.
  private var cachedEntries: (segment: Int64, bytes: Int, entries: [OutboxSegment.Entry])?

  private func entries(of segment: OutboxSegment) throws -> [OutboxSegment.Entry] {
    if let cached = cachedEntries, cached.segment == segment.number, cached.bytes == segment.bytes {
      return cached.entries
    }
    let entries = try segment.load().entries
    cachedEntries = (segment.number, segment.bytes, entries)
    return entries
  }
}

/// An outbox file that cannot be written or read back.
public struct OutboxError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
