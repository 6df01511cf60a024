import ColdTraceCore
import ColdTraceReport
import Foundation
import GRDB
import Testing

@testable import ColdTraceStorage

/// The integrity seal on a real SQLite file: a report checks out against an unchanged database, and a changed reading
/// is detected and named.
@Suite(.timeLimit(.minutes(10)))
struct ReportVerifyTests {
  private func store() throws -> SQLiteStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-seal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return try SQLiteStore(path: directory.appendingPathComponent("seal.db").path)
  }

  private let t0 = Timestamp(milliseconds: ReportFixtures.start)

  private func filled() throws -> SQLiteStore {
    let store = try store()
    _ = try store.addLot("LT-1", product: "litchi", market: "eu", site: "hx", room: "cold2", at: t0)
    try store.write { tx in
      for sensor in ["p1", "p2"] {
        let source = try tx.sourceID(for: SensorKey(site: "hx", room: "cold2", sensor: sensor), agent: "edge")
        var samples: [Sample] = []
        for minute in 0..<30 {
          let temperature = 3 + Double(minute % 5) / 10
          samples.append(
            Sample(seq: Int64(minute + 1), ts: t0.adding(seconds: Double(minute) * 60), tempC: temperature, rhPct: 90))
        }
        _ = try tx.insertNew(samples, source: source)
      }
    }
    _ = try store.closeLot("LT-1", at: t0.adding(seconds: 1800))
    return store
  }

  @Test func anUnchangedDatabaseMatchesAndAChangedReadingIsNamed() throws {
    let store = try filled()
    let input = try #require(try store.reportInput(lot: "LT-1", now: t0.adding(seconds: 7200)))
    #expect(input.seal.readings == 60)
    let text = ReportFormat.text.render(
      LotReportBuilder.build(input, profile: BuiltInProfiles.litchi),
      ReportFormatter(language: .en, utcOffsetMinutes: 0))
    let claimed = try #require(ReportSeal.find(in: text))
    let again = try #require(try store.reportInput(lot: "LT-1", until: claimed.to, now: claimed.to))
    #expect(SealComparison.differences(claimed: claimed, recomputed: again.seal).isEmpty)

    try store.queue.write { db in
      try db.execute(sql: "UPDATE readings SET temp_mc = 2900 WHERE seq = 10 AND temp_mc IS NOT NULL LIMIT 1")
    }
    let changed = try #require(try store.reportInput(lot: "LT-1", until: claimed.to, now: claimed.to))
    let differences = SealComparison.differences(claimed: claimed, recomputed: changed.seal)
    #expect(differences.count == 1)
    #expect(differences.first?.contains("a reading's time or value changed") == true)

    try store.queue.write { db in try db.execute(sql: "DELETE FROM readings WHERE seq = 11") }
    let removed = try #require(try store.reportInput(lot: "LT-1", until: claimed.to, now: claimed.to))
    #expect(
      SealComparison.differences(claimed: claimed, recomputed: removed.seal)
        == ["the period now holds 58 readings, the report covered 60"])
  }

  @Test func theQueryKeepsOnlyTheLotsRoomsAndPeriod() throws {
    let store = try filled()
    _ = try store.addLot("LT-2", product: "litchi", market: nil, site: "hx", room: "cold2", at: t0.adding(seconds: 600))
    let input = try #require(try store.reportInput(lot: "LT-2", until: t0.adding(seconds: 1200), now: t0))
    #expect(input.series.map(\.sensor) == ["p1", "p2"])
    #expect(input.series.map(\.count) == [10, 10], "minutes 10 to 19 of each probe")
    #expect(try store.reportInput(lot: "LT-9", now: t0) == nil)
  }
  @Test func theJournalHeadIsSealedAndAnEditedJournalOrSealIsNamed() throws {
    let store = try filled()
    let opened = AlertEvent(
      type: .opened, key: SensorKey(site: "hx", room: "cold2", sensor: "p1"), kind: .tempHigh, severity: .warning,
      productID: "litchi", at: t0.adding(seconds: 300), limit: 5, value: 6, peak: 6, message: "temperature above 5 °C")
    let recorded = try store.write { tx in try tx.apply(opened, lots: ["LT-1"]) }
    let acked = try store.write { tx in
      try tx.acknowledge(alertID: recorded.alert.id, by: "Lan", note: "cửa đã đóng", at: t0.adding(seconds: 400))
    }
    let input = try #require(try store.reportInput(lot: "LT-1", now: t0.adding(seconds: 7200)))
    #expect(input.alerts.map(\.ackedBy) == ["Lan"])
    let seal = input.seal
    let event = try #require(seal.journalEventID)
    let hash = try #require(seal.journalSHA256)
    #expect(event == acked.eventID, "the acknowledgement is the journal's newest line")
    #expect(try store.journalDiscrepancy(eventID: event, sha256: hash) == nil)

    try store.queue.write { db in
      try db.execute(
        sql: "UPDATE alert_events SET line = replace(line, 'Lan', 'Binh') WHERE id = ?", arguments: [event])
    }
    let problem = try store.journalDiscrepancy(eventID: event, sha256: hash)
    #expect(problem?.contains("alert journal event \(event) was changed") == true, "\(problem ?? "none")")

    var edited = seal
    edited.sha256 = String(repeating: "0", count: 64)
    #expect(
      SealComparison.differences(claimed: edited, recomputed: seal)
        == ["the overall digest differs (the file's seal was edited)"])
  }
}
