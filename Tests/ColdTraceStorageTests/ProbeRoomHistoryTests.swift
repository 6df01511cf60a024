import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceStorage

/// A probe that starts reporting from another room: its old readings stay in the room they were taken in, in every
/// query by room (`coldtrace readings --room`, lot reports, a lot's catch-up over stored readings).
@Suite("probe room history", .timeLimit(.minutes(10)))
struct ProbeRoomHistoryTests {
  typealias F = StoreFixtures
  let scratch: ScratchDatabase

  init() throws { scratch = try ScratchDatabase() }

  private let probe = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1")

  private func minutes(_ range: Range<Int>, seqFrom first: Int) -> [Sample] {
    range.map { Sample(seq: Int64(first + $0 - range.lowerBound), ts: F.minute($0), tempC: 3) }
  }

  /// Ten readings in cold2 (minutes 0–9), then ten from cold3 (minutes 10–19), with a lot in cold2 from minute 0.
  private func movedProbe() throws -> SQLiteStore {
    let store = try scratch.open()
    _ = try store.addLot("LT-A", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: F.minute(0))
    try F.insert(minutes(0..<10, seqFrom: 1), probe, into: store)
    let cold3 = SensorKey(site: probe.site, room: "cold3", sensor: probe.sensor)
    // As the collector stores it: the new room from the first sample of the message that names it.
    try store.write { tx in
      let source = try tx.source(for: cold3, agent: "hx-edge-1", known: nil, from: F.minute(10))
      _ = try tx.insertNew(minutes(10..<20, seqFrom: 11), source: source.id)
    }
    return store
  }

  private func readings(in room: String, of store: SQLiteStore) throws -> [StoredReading] {
    var filter = ReadingFilter()
    filter.room = room
    return try store.readings(filter)
  }

  @Test func readingsByRoomKeepTheRoomEachReadingWasTakenIn() throws {
    let store = try movedProbe()
    let cold2 = try readings(in: "cold2", of: store)
    #expect(cold2.map(\.sample.ts) == (0..<10).map(F.minute))
    #expect(cold2.allSatisfy { $0.key.room == "cold2" })
    let cold3 = try readings(in: "cold3", of: store)
    #expect(cold3.map(\.sample.ts) == (10..<20).map(F.minute))
    let all = try store.readings(ReadingFilter())
    #expect(all.map(\.key.room) == Array(repeating: "cold2", count: 10) + Array(repeating: "cold3", count: 10))
  }

  @Test func aLotReportKeepsTheReadingsTakenInItsRoom() throws {
    let store = try movedProbe()
    let input = try #require(try store.reportInput(lot: "LT-A", until: F.minute(30), now: F.minute(30)))
    #expect(input.series.map(\.sensor) == ["probe-1"])
    #expect(input.series.first?.times == (0..<10).map { F.minute($0).milliseconds })
    #expect(input.series.first?.toMilliseconds == F.minute(10).milliseconds, "the probe left the room at minute 10")
  }

  @Test func aLotsCatchUpReadsTheProbesThatWereInItsRoomAtEachReadingsTime() throws {
    let store = try movedProbe()
    let cold2 = try store.write { tx in try tx.readings(inRoom: "hongxuan", "cold2", from: F.minute(0), until: nil) }
    #expect(cold2.map(\.sample.ts) == (0..<10).map(F.minute))
    #expect(cold2.allSatisfy { $0.key.room == "cold2" })
    let cold3 = try store.write { tx in try tx.readings(inRoom: "hongxuan", "cold3", from: F.minute(0), until: nil) }
    #expect(cold3.map(\.sample.ts) == (10..<20).map(F.minute))
  }
}
