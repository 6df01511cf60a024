import ColdTraceCore
import Foundation
import TestSupport
import Testing

@testable import ColdTraceAgent

/// Preallocated segments on real files: a segment is made at its full size of zeros, rounds fill it from the start,
/// and reading back finds exactly the records written, never a zero-filled region taken for one.
struct OutboxPreallocationTests {
  private func records(_ sensor: String, _ seqs: ClosedRange<Int64>) -> [OutboxRecord] {
    seqs.map { seq in
      OutboxRecord(
        sensor: sensor, room: "cold2",
        sample: Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3 + Double(seq) / 100, rhPct: 91))
    }
  }

  private func segmentFiles(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox").filter { $0.hasPrefix("seg-") }.sorted()
  }

  private func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
  }

  @Test func aNewSegmentHasItsFullSizeAndReopeningFindsExactlyTheRecordsWritten() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let limits = Outbox.Limits(segmentBytes: 4096)
    let path = directory + "/outbox/seg-000000000001.log"
    do {
      let outbox = try Outbox(directory: directory, limits: limits)
      try outbox.append(records("a", 1...3))
      #expect(try fileSize(path) == 4096, "made at its full size")
      try outbox.append(records("a", 4...5))
      #expect(try fileSize(path) == 4096, "an append changes no size")
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
      #expect(bytes[outbox.end.offset...].allSatisfy { $0 == 0 }, "zeros after the records")
    }
    let reopened = try Outbox(directory: directory, limits: limits)
    #expect(reopened.repairedBytes == 0, "a zero-filled tail is not a torn record")
    #expect(try reopened.read(from: reopened.start, limit: 100).records.compactMap(\.sample.seq) == Array(1...5))
    #expect(reopened.nextSequence(for: "a") == 6)
    try reopened.append(records("a", 6...6))
    #expect(try fileSize(path) == 4096)
    let again = try Outbox(directory: directory, limits: limits)
    #expect(try again.read(from: again.start, limit: 100).records.compactMap(\.sample.seq) == Array(1...6))
  }

  @Test func aTornRoundFollowedByStaleRecordsIsZeroedBeforeTheNextAppend() throws {
    // A power cut with pages written back out of order: the round's first record torn, a later one of the same
    // round intact after it, then zeros. Only the records before the tear count, and the later one must not come
    // back after the next append reuses its numbers.
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let limits = Outbox.Limits(segmentBytes: 4096)
    let writer = try Outbox(directory: directory, limits: limits)
    try writer.append(records("a", 1...4))
    let validEnd = writer.end.offset
    let path = directory + "/outbox/seg-000000000001.log"
    var lost: [UInt8] = []
    for record in records("a", 5...7) { record.encode(into: &lost) }
    let firstRecordBytes = lost.count / 3
    for index in 8..<firstRecordBytes { lost[index] = 0 }  // the first record's body never reached the disk
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    bytes.replaceSubrange(validEnd..<validEnd + lost.count, with: lost)
    try Data(bytes).write(to: URL(fileURLWithPath: path))

    let reopened = try Outbox(directory: directory, limits: limits)
    #expect(reopened.repairedBytes == lost.count)
    let after = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(
      after.count == 4096 && after[validEnd...].allSatisfy { $0 == 0 }, "everything after the intact records zeroed")
    #expect(reopened.nextSequence(for: "a") == 5)
    let shorter = [
      OutboxRecord(sensor: "a", room: "c", sample: Sample(seq: 5, ts: Timestamp(seconds: 9), tempC: 1))
    ]
    try reopened.append(shorter)
    let read = try Outbox(directory: directory, limits: limits)
    let all = try read.read(from: read.start, limit: 100).records
    #expect(all.compactMap(\.sample.seq) == [1, 2, 3, 4, 5], "no stale record after the new one")
    #expect(all.last == shorter[0])
  }

  @Test func aZeroFilledHeaderIsNeverARecord() throws {
    // The CRC-32 of no bytes is 0: a zero header would pass the checksum if a zero length were allowed.
    let zeros = [UInt8](repeating: 0, count: 64)
    #expect(zeros.withUnsafeBytes { OutboxRecord.decode($0, at: 0) } == nil)
    #expect(zeros.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<0])) } == 0)
  }

  @Test func anOldGrownSegmentIsStillReadRepairedAndAppendedTo() throws {
    // A segment written before preallocation: exactly its records, and a torn record at its end.
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let limits = Outbox.Limits(segmentBytes: 4096)
    try FileManager.default.createDirectory(atPath: directory + "/outbox", withIntermediateDirectories: true)
    var old: [UInt8] = []
    for record in records("a", 1...6) { record.encode(into: &old) }
    let intact = old.count
    var seventh: [UInt8] = []
    records("a", 7...7)[0].encode(into: &seventh)
    old += seventh.prefix(seventh.count - 5)
    let path = directory + "/outbox/seg-000000000001.log"
    try Data(old).write(to: URL(fileURLWithPath: path))

    let reopened = try Outbox(directory: directory, limits: limits)
    #expect(reopened.repairedBytes == seventh.count - 5)
    #expect(try fileSize(path) == intact, "an old segment's torn tail is cut off")
    #expect(try reopened.read(from: reopened.start, limit: 100).records.compactMap(\.sample.seq) == Array(1...6))
    try reopened.append(records("a", 7...8))
    #expect(try segmentFiles(directory).count == 1, "the old segment goes on growing while it has room")
    let again = try Outbox(directory: directory, limits: limits)
    #expect(again.repairedBytes == 0)
    #expect(try again.read(from: again.start, limit: 100).records.compactMap(\.sample.seq) == Array(1...8))
  }

  @Test func aFullSegmentRollsToTheNextPreallocatedOne() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let limits = Outbox.Limits(segmentBytes: 512)
    let outbox = try Outbox(directory: directory, limits: limits)
    for seq in stride(from: Int64(1), through: 60, by: 3) { try outbox.append(records("a", seq...seq + 2)) }
    let files = try segmentFiles(directory)
    #expect(files.count > 3)
    for file in files { #expect(try fileSize(directory + "/outbox/" + file) == 512, "\(file) stays preallocated") }
    #expect(outbox.segments.allSatisfy { $0.bytes <= 512 }, "a round that does not fit goes to the next segment")
    let reopened = try Outbox(directory: directory, limits: limits)
    #expect(reopened.repairedBytes == 0)
    #expect(try reopened.read(from: reopened.start, limit: 100).records.compactMap(\.sample.seq) == Array(1...60))
    #expect(reopened.end == outbox.end)
  }

  @Test func aRoundLargerThanASegmentGrowsItsOwnSegment() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let limits = Outbox.Limits(segmentBytes: 128)
    let outbox = try Outbox(directory: directory, limits: limits)
    try outbox.append(records("a", 1...1))
    try outbox.append(records("a", 2...9))
    try outbox.append(records("a", 10...10))
    #expect(try segmentFiles(directory).count == 3)
    let reopened = try Outbox(directory: directory, limits: limits)
    #expect(reopened.repairedBytes == 0)
    #expect(try reopened.read(from: reopened.start, limit: 100).records.compactMap(\.sample.seq) == Array(1...10))
  }
}
