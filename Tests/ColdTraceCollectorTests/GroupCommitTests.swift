import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// Readings committed in one transaction (the collector's writer thread) must leave exactly what committing them one
/// by one leaves: the same readings, alert lines, engine state and acknowledgements.
@Suite(.timeLimit(.minutes(10)))
struct GroupCommitTests {
  private let start = Timestamp(seconds: 1_780_000_000)

  private func pipeline() throws -> IngestPipeline {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-group-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    _ = try store.addLot("L-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    return try IngestPipeline(store: store, products: ProductAssignment())
  }

  /// Two probes, a warm hour on one of them, a duplicate, a gap in seq, and a probe moved to another room and back.
  private func readings() -> [DecodedReading] {
    var readings: [DecodedReading] = []
    for minute in 0..<120 {
      let ts = start.adding(seconds: Double(minute) * 60)
      let warm = (30..<90).contains(minute)
      for (sensor, tempC) in [("probe-1", warm ? 9.5 : 3.0), ("probe-2", 3.2)] {
        if sensor == "probe-2" && minute == 50 { continue }  // a gap: seq 51 never comes
        let sample = Sample(seq: Int64(minute + 1), ts: ts, tempC: tempC, rhPct: 92)
        // probe-2 is carried to cold3 for five minutes and back: the source row follows the latest message.
        let room = sensor == "probe-2" && (100..<105).contains(minute) ? "cold3" : "cold2"
        let key = SensorKey(site: "hongxuan", room: room, sensor: sensor)
        readings.append(DecodedReading(key: key, agent: "hx-edge-1", samples: [sample], isBatch: false))
      }
    }
    readings.append(readings[7])
    return readings
  }

  @Test func oneTransactionLeavesWhatOneByOneLeaves() throws {
    let single = try pipeline()
    let grouped = try pipeline()
    let readings = readings()
    let singleOutcomes = try readings.flatMap { try single.commitGroup([$0]).outcomes }
    var groupedOutcomes: [IngestOutcome] = []
    for start in stride(from: 0, to: readings.count, by: 37) {
      groupedOutcomes += try grouped.commitGroup(Array(readings[start..<min(start + 37, readings.count)])).outcomes
    }
    #expect(groupedOutcomes == singleOutcomes)
    #expect(try grouped.store.readings(ReadingFilter()) == single.store.readings(ReadingFilter()))
    #expect(
      try grouped.store.alertEventLines(after: 0).map(\.line) == single.store.alertEventLines(after: 0).map(\.line))
    #expect(try grouped.store.engineStates() == single.store.engineStates())
    #expect(try grouped.store.watermarkTrackers() == single.store.watermarkTrackers())
    let rooms = { (store: SQLiteStore) in try store.facilityStatus(now: start).sensors.map(\.key) }
    #expect(try rooms(grouped.store) == rooms(single.store))
    let alerts = try grouped.store.alerts(AlertFilter())
    #expect(alerts.contains { $0.kind == .tempHigh && $0.sensor == "probe-1" }, "the warm hour raised its alert")
    // A pipeline reopened on the grouped database resumes from what the batches saved.
    let reopened = try IngestPipeline(store: grouped.store, products: ProductAssignment())
    let next = DecodedReading(
      key: SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1"), agent: "hx-edge-1",
      samples: [Sample(seq: 121, ts: start.adding(seconds: 7200), tempC: 3)], isBatch: false)
    let committed = try reopened.commitGroup([next])
    guard case .stored(let fresh, _, _) = committed.outcomes.first else {
      Issue.record("not stored: \(committed.outcomes)")
      return
    }
    #expect(fresh == 1 && committed.acknowledgements.map(\.watermark) == [121])
  }

  /// Numbers above the highest stored go through multi-row inserts (`NewSampleWriter`), anything else row by row:
  /// within one group, a re-sent reading, a batch straddling the highest number, a late number filling a gap and
  /// unnumbered samples must count exactly as one by one.
  @Test func duplicatesAndLateNumbersInOneGroupCountAsOneByOne() throws {
    let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1")
    let thirdParty = SensorKey(site: "hongxuan", room: "cold2", sensor: "door-probe")
    func reading(_ numbers: ClosedRange<Int64>, of key: SensorKey = key, numbered: Bool = true) -> DecodedReading {
      let samples = numbers.map { number in
        Sample(seq: numbered ? number : nil, ts: start.adding(seconds: Double(number) * 60), tempC: 3.1, rhPct: 90)
      }
      return DecodedReading(
        key: key, agent: numbered ? "hx-edge-1" : nil, samples: samples, isBatch: samples.count > 1)
    }
    let group = [
      reading(1...20),  // new: past the highest stored, in statements of 16 and 4
      reading(5...5),  // re-sent within the group
      reading(18...30),  // straddles the highest stored
      reading(1...3, of: thirdParty, numbered: false),  // unnumbered
      reading(40...45),  // above a gap 31...39
      reading(35...35),  // late: fills part of the gap
      reading(40...45),  // the batch again
      reading(1...3, of: thirdParty, numbered: false),  // unnumbered, again
    ]
    let single = try pipeline()
    let grouped = try pipeline()
    let singleOutcomes = try group.flatMap { try single.commitGroup([$0]).outcomes }
    let groupedOutcomes = try grouped.commitGroup(group).outcomes
    #expect(groupedOutcomes == singleOutcomes)
    let counts = groupedOutcomes.compactMap { outcome -> [Int]? in
      guard case .stored(let fresh, let duplicates, _) = outcome else { return nil }
      return [fresh, duplicates]
    }
    #expect(counts == [[20, 0], [0, 1], [10, 3], [3, 0], [6, 0], [1, 0], [0, 6], [0, 3]])
    #expect(try grouped.store.readings(ReadingFilter()) == single.store.readings(ReadingFilter()))
    #expect(try grouped.store.readings(ReadingFilter()).count == 40)
    #expect(try grouped.store.watermarkTrackers() == single.store.watermarkTrackers())

    // The group acknowledges its numbering sensor once, as the one-by-one commits left it; the third-party sensor
    // (no agent, no numbers) is acknowledged by neither.
    let oneByOne = try pipeline()
    let lastOneByOne = try group.compactMap { try oneByOne.commitGroup([$0]).acknowledgements.last }.last
    let acknowledged = try pipeline().commitGroup(group).acknowledgements
    #expect(acknowledged.map(\.watermark) == [30], "1...30 stored; 31...34 and 36...39 missing")
    #expect(acknowledged == [lastOneByOne].compactMap { $0 })
  }
}
