import ColdTraceCore

/// One sample kept in the outbox until the collector acknowledges it.
///
/// On disk: `[body length u32 LE][CRC-32 of body u32 LE][body]`, the body holding the sensor, its room and the sample
/// in a fixed little-endian layout. A record cut short by a crash or a power cut fails its length or CRC check and is
/// cut off when the outbox opens; nothing after a bad record is trusted. Records are self-delimiting, so a segment
/// preallocated with zeros ends where the first header with a zero (too short) length is.
public struct OutboxRecord: Sendable, Equatable {
  public var sensor: String
  public var room: String
  public var sample: Sample
  /// The clock reading of a sample taken while the wall clock was not synchronised (`ClockKeeper`); `nil` otherwise.
  public var clock: UnsyncedStamp?

  public init(sensor: String, room: String, sample: Sample, clock: UnsyncedStamp? = nil) {
    self.sensor = sensor
    self.room = room
    self.sample = sample
    self.clock = clock
  }

  var seq: Int64 { sample.seq ?? 0 }

  static let headerSize = 8
  static let maxBodySize = 4096
  /// The shortest body: two empty strings, `seq`, `ts` and the flags byte. Anything shorter, a zero length first of
  /// all (a preallocated segment's zero-filled tail), is not a record, whatever its checksum (the CRC-32 of no bytes
  /// is 0).
  static let minBodySize = 2 + 2 + 8 + 8 + 1

  /// Appends the framed record to `out`.
  func encode(into out: inout [UInt8]) {
    var body: [UInt8] = []
    body.reserveCapacity(64)
    func string(_ text: String) {
      let bytes = Array(text.utf8.prefix(Int(UInt16.max)))
      integer(UInt16(bytes.count))
      body += bytes
    }
    func integer<T: FixedWidthInteger>(_ value: T) {
      withUnsafeBytes(of: value.littleEndian) { body += $0 }
    }
    string(sensor)
    string(room)
    integer(sample.seq ?? 0)
    integer(sample.ts.milliseconds)
    body.append(Self.flags(sample) | (clock != nil ? 128 : 0))
    if let tempC = sample.tempC { integer(tempC.bitPattern) }
    if let rhPct = sample.rhPct { integer(rhPct.bitPattern) }
    if let error = sample.error { string(String(error.prefix(256))) }
    if let clock {
      integer(clock.offsetMilliseconds)
      integer(clock.boot)
    }
    withUnsafeBytes(of: UInt32(body.count).littleEndian) { out += $0 }
    withUnsafeBytes(of: body.withUnsafeBytes(CRC32.checksum).littleEndian) { out += $0 }
    out += body
  }

  /// The flags byte: 1 temperature, 2 humidity, 4 error follow; 8 the sample carries `defrost`, whose value is 16;
  /// 32 it carries `doorOpen`, whose value is 64 (a room input's state fits in the byte; records written before room
  /// inputs have none of the higher bits). 128 (set by `encode`): the record ends with an `UnsyncedStamp`, its offset
  /// (i64) and boot (u64); records written before clock synchronisation was followed never have it.
  static func flags(_ sample: Sample) -> UInt8 {
    var flags: UInt8 = (sample.tempC != nil ? 1 : 0) | (sample.rhPct != nil ? 2 : 0) | (sample.error != nil ? 4 : 0)
    if let defrost = sample.defrost { flags |= 8 | (defrost ? 16 : 0) }
    if let doorOpen = sample.doorOpen { flags |= 32 | (doorOpen ? 64 : 0) }
    return flags
  }

  /// Decodes the record at `offset`; returns it and the offset after it, or `nil` if the bytes there are not a
  /// complete, intact record.
  static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> (OutboxRecord, next: Int)? {
    guard offset + headerSize <= bytes.count else { return nil }
    let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    let crc = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
    let start = offset + headerSize
    guard length >= minBodySize, length <= maxBodySize, start + length <= bytes.count else { return nil }
    let body = UnsafeRawBufferPointer(rebasing: bytes[start..<start + length])
    guard CRC32.checksum(body) == crc else { return nil }
    var reader = BodyReader(body: body)
    guard let sensor = reader.string(), let room = reader.string(), let seq = reader.integer(Int64.self),
      let ts = reader.integer(Int64.self), let flags = reader.integer(UInt8.self)
    else { return nil }
    var sample = Sample(seq: seq, ts: Timestamp(milliseconds: ts))
    if flags & 1 != 0 {
      guard let bits = reader.integer(UInt64.self) else { return nil }
      sample.tempC = Double(bitPattern: bits)
    }
    if flags & 2 != 0 {
      guard let bits = reader.integer(UInt64.self) else { return nil }
      sample.rhPct = Double(bitPattern: bits)
    }
    if flags & 4 != 0 {
      guard let error = reader.string() else { return nil }
      sample.error = error
    }
    if flags & 8 != 0 { sample.defrost = flags & 16 != 0 }
    if flags & 32 != 0 { sample.doorOpen = flags & 64 != 0 }
    var clock: UnsyncedStamp?
    if flags & 128 != 0 {
      guard let offset = reader.integer(Int64.self), let boot = reader.integer(UInt64.self) else { return nil }
      clock = UnsyncedStamp(boot: boot, offsetMilliseconds: offset)
    }
    return (OutboxRecord(sensor: sensor, room: room, sample: sample, clock: clock), start + length)
  }
}

/// Reads fields from a record body, failing on truncation.
private struct BodyReader {
  let body: UnsafeRawBufferPointer
  var offset = 0

  mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
    guard offset + MemoryLayout<T>.size <= body.count else { return nil }
    defer { offset += MemoryLayout<T>.size }
    return T(littleEndian: body.loadUnaligned(fromByteOffset: offset, as: T.self))
  }

  mutating func string() -> String? {
    guard let length = integer(UInt16.self), offset + Int(length) <= body.count else { return nil }
    defer { offset += Int(length) }
    return String(decoding: body[offset..<offset + Int(length)], as: UTF8.self)
  }
}
