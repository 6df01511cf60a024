import ColdTraceCore
import Foundation
import TestSupport
import Testing

@testable import ColdTraceAgent

/// The durable outbox on real files.
struct OutboxTests {
  private func records(_ sensor: String, _ seqs: ClosedRange<Int64>) -> [OutboxRecord] {
    seqs.map { seq in
      OutboxRecord(
        sensor: sensor, room: "cold2",
        sample: Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3 + Double(seq) / 100, rhPct: 91))
    }
  }

  @Test func recordsRoundTripAndSurviveReopening() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    do {
      let outbox = try Outbox(directory: directory)
      try outbox.append(
        records("a", 1...3) + [
          OutboxRecord(
            sensor: "b", room: "cold3", sample: Sample(seq: 1, ts: Timestamp(seconds: 5), error: "CRC failed"))
        ])
      #expect(outbox.nextSequence(for: "a") == 4)
      #expect(outbox.nextSequence(for: "c") == 1)
    }
    let reopened = try Outbox(directory: directory)
    let (all, end) = try reopened.read(from: reopened.start, limit: 100)
    #expect(all.map(\.sample.seq) == [1, 2, 3, 1])
    #expect(all[3].sample.error == "CRC failed" && all[3].room == "cold3" && all[3].sample.tempC == nil)
    #expect(all[0].sample.tempC == 3.01 && all[0].sample.rhPct == 91)
    #expect(end == reopened.end)
    #expect(reopened.pendingCount == 4)
    #expect(reopened.nextSequence(for: "a") == 4)
  }

  @Test func readsInSlicesAcrossSegments() throws {
    let outbox = try Outbox(
      directory: try TemporaryDirectory.make(prefix: "outbox").path, limits: .init(segmentBytes: 512))
    for seq in stride(from: Int64(1), through: 200, by: 10) { try outbox.append(records("a", seq...seq + 9)) }
    var cursor = outbox.start
    var seen: [Int64] = []
    while cursor < outbox.end {
      let (slice, next) = try outbox.read(from: cursor, limit: 7)
      #expect(slice.count <= 7)
      seen += slice.compactMap(\.sample.seq)
      cursor = next
    }
    #expect(seen == Array(1...200))
  }

  @Test func acknowledgementDeletesCoveredSegmentsAndSurvivesReopening() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let outbox = try Outbox(directory: directory, limits: .init(segmentBytes: 256))
    for seq in stride(from: Int64(1), through: 100, by: 5) { try outbox.append(records("a", seq...seq + 4)) }
    let files = {
      try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox").filter { $0.hasPrefix("seg-") }
    }
    let before = try files().count
    #expect(before > 3)
    #expect(try outbox.acknowledge(["a": 60]))
    #expect(try !outbox.acknowledge(["a": 50]), "an older watermark moves nothing")
    #expect(outbox.pendingCount == 40)
    #expect(try files().count < before)
    let reopened = try Outbox(directory: directory, limits: .init(segmentBytes: 256))
    #expect(reopened.acknowledged["a"] == 60)
    #expect(reopened.pendingCount == 40)
    #expect(reopened.floor(for: "a") == 61)
    try reopened.acknowledge(["a": 100])
    #expect(reopened.pendingCount == 0)
    #expect(try files().count == 1, "the newest segment stays: it holds the highest numbers")
    #expect(reopened.nextSequence(for: "a") == 101)
  }

  @Test func aTornTailIsCutOffAndEverythingBeforeItKept() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let writer = try Outbox(directory: directory)
    try writer.append(records("a", 1...10))
    let validEnd = writer.end.offset
    let segment = directory + "/outbox/seg-000000000001.log"
    let intact = try Data(contentsOf: URL(fileURLWithPath: segment))
    // A power cut mid-write: half of an eleventh record, in the preallocated zeros after the tenth.
    var eleventh: [UInt8] = []
    records("a", 11...11)[0].encode(into: &eleventh)
    let torn = Data(eleventh.prefix(eleventh.count / 2))
    var bytes = intact
    bytes.replaceSubrange(validEnd..<validEnd + torn.count, with: torn)
    try bytes.write(to: URL(fileURLWithPath: segment))

    let reopened = try Outbox(directory: directory)
    // What is cut off ends at the torn bytes' last non-zero one: the zeros after it are the preallocated tail's.
    #expect(reopened.repairedBytes == torn.lastIndex { $0 != 0 }! - torn.startIndex + 1)
    #expect(try Data(contentsOf: URL(fileURLWithPath: segment)) == intact, "the torn bytes are zeros again")
    #expect(try reopened.read(from: reopened.start, limit: 100).records.count == 10)
    #expect(reopened.nextSequence(for: "a") == 11)
    try reopened.append(records("a", 11...12))
    #expect(try Outbox(directory: directory).read(from: reopened.start, limit: 100).records.count == 12)
  }

  @Test func aCorruptedByteIsDetectedByTheChecksum() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let writer = try Outbox(directory: directory)
    try writer.append(records("a", 1...5))
    let path = directory + "/outbox/seg-000000000001.log"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes[writer.end.offset - 3] ^= 0xFF  // inside the last record's body
    try bytes.write(to: URL(fileURLWithPath: path))
    let reopened = try Outbox(directory: directory)
    #expect(try reopened.read(from: reopened.start, limit: 100).records.compactMap(\.sample.seq) == [1, 2, 3, 4])
  }

  @Test func whenFullTheOldestGoFirstAreCountedAndTheFloorMovesPastThem() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let limits = Outbox.Limits(maxBytes: 2048, segmentBytes: 512)
    let outbox = try Outbox(directory: directory, limits: limits)
    for seq in Int64(1)...200 { try outbox.append(records("a", seq...seq)) }
    #expect(outbox.totalBytes <= 2048 + 512)
    #expect(outbox.dropped > 0)
    #expect(outbox.dropped + outbox.pendingCount == 200)
    let remaining = try outbox.read(from: outbox.start, limit: 1000).records.compactMap(\.sample.seq)
    #expect(remaining == Array(Int64(201 - remaining.count)...200), "the newest are kept, contiguous")
    #expect(outbox.floor(for: "a") == remaining.first)
    #expect(try Outbox(directory: directory, limits: limits).dropped == outbox.dropped)
  }

  @Test func samplesOlderThanTheAgeLimitAreDropped() throws {
    let outbox = try Outbox(
      directory: try TemporaryDirectory.make(prefix: "outbox").path,
      limits: .init(maxAgeSeconds: 3600, segmentBytes: 60))
    let old = OutboxRecord(sensor: "a", room: "r", sample: Sample(seq: 1, ts: Timestamp(seconds: 0), tempC: 3))
    try outbox.append([old])
    let later = OutboxRecord(sensor: "a", room: "r", sample: Sample(seq: 2, ts: Timestamp(seconds: 1800), tempC: 3))
    try outbox.append([later, later])
    #expect(outbox.dropped == 0)
    let late = OutboxRecord(sensor: "a", room: "r", sample: Sample(seq: 3, ts: Timestamp(seconds: 7200), tempC: 3))
    try outbox.append([late])
    #expect(outbox.dropped >= 1)
    #expect(outbox.floor(for: "a") >= 2)
  }
}
