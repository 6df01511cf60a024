import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceStorage

/// The multi-row insert of samples known to be new, on a real SQLite file.
@Suite struct NewSampleWriterTests {
  typealias F = StoreFixtures
  let scratch: ScratchDatabase

  init() throws { scratch = try ScratchDatabase() }

  /// `count` numbered samples from `first`, a minute apart, with values that need the milli rounding.
  private func samples(from first: Int64, count: Int, error: String? = nil) -> [Sample] {
    (0..<count).map { offset in
      let seq = first + Int64(offset)
      return Sample(
        seq: seq, ts: F.minute(Int(seq)), tempC: 3.0 + Double(seq) / 7, rhPct: seq % 3 == 0 ? nil : 90.12345,
        error: seq % 5 == 0 ? error : nil)
    }
  }

  @Test("interleaved sources, full statements and remainders: every row stored once, read back as returned")
  func storesInterleavedSourcesInGroups() throws {
    let store = try scratch.open()
    let door = samples(from: 1, count: 37, error: "probe \"door\" wobbling")
    let rack = samples(from: 1, count: 5)
    let returned = try store.write { tx in
      let writer = tx.newSampleWriter()
      let doorSource = try tx.sourceID(for: F.door, agent: "hx-edge-1")
      let rackSource = try tx.sourceID(for: F.rack, agent: "hx-edge-1")
      #expect(try writer.highestSequence(source: doorSource) == -1)
      var stored: [SensorKey: [Sample]] = [:]
      // One sample at a time, alternating sources, as single-sample messages arrive.
      for index in 0..<max(door.count, rack.count) {
        if index < door.count {
          stored[F.door, default: []] += try writer.store([door[index]], source: doorSource, group: 0)
        }
        if index < rack.count {
          stored[F.rack, default: []] += try writer.store([rack[index]], source: rackSource, group: 1)
        }
      }
      try writer.flush()
      #expect(try writer.highestSequence(source: doorSource) == 37)
      #expect(try writer.highestSequence(source: rackSource) == 5)
      return stored
    }
    let read = try store.readings(ReadingFilter())
    #expect(read.filter { $0.key.sensor == F.door.sensor }.map(\.sample) == returned[F.door])
    #expect(read.filter { $0.key.sensor == F.rack.sensor }.map(\.sample) == returned[F.rack])
    #expect(returned[F.door]?.count == 37 && returned[F.rack]?.count == 5)
    // As stored: milli-degree resolution, the error text whole.
    #expect(returned[F.door]?[1].tempC == 3.286)
    #expect(returned[F.door]?[4].error == "probe \"door\" wobbling")
    // And the same as the row-by-row path would have stored.
    let other = try ScratchDatabase()
    let reference = try other.open()
    #expect(try F.insert(door, F.door, into: reference) == returned[F.door])
  }

  @Test("a sample believed new that is stored already fails the transaction, which keeps nothing")
  func aStoredSampleBelievedNewFailsTheTransaction() throws {
    let store = try scratch.open()
    try F.insert(samples(from: 1, count: 3), into: store)
    let before = try store.counts()
    #expect(throws: (any Error).self) {
      try store.write { tx in
        let writer = tx.newSampleWriter()
        let source = try tx.sourceID(for: F.door, agent: "hx-edge-1")
        _ = try writer.store(samples(from: 3, count: 4), source: source, group: 0)
        try writer.flush()
      }
    }
    #expect(try store.counts() == before)
    #expect(try store.readings(ReadingFilter()).map { $0.sample.seq } == [1, 2, 3])
  }
}
