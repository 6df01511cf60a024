import ColdTraceCore
import Foundation
import GRDB
import Testing

@testable import ColdTraceStorage

/// Migration v5-lot-rules on a database a previous version wrote: the journal table gains lot lines without losing
/// or changing a line, and the chain continues from the last old line.
@Suite("v5 lot rules migration", .timeLimit(.minutes(10)))
struct LotRulesMigrationTests {
  @Test func aVersionFourJournalKeepsItsLinesAndItsChain() throws {
    let scratch = try ScratchDatabase()
    let path = scratch.directory.appendingPathComponent("old.db").path
    let oldLine = "{\"prev\":\"\(JournalChain.genesis)\",\"event\":\"opened\",\"event_id\":1,\"id\":1}"
    do {
      let queue = try DatabaseQueue(path: path)
      try Schema.migrator.migrate(queue, upTo: "v4-renotification")
      try queue.write { db in
        try db.execute(
          sql: """
            INSERT INTO alerts (id, kind, severity, state, site, room, sensor, opened_ms, message)
            VALUES (1, 'temp_high', 'warning', 'open', 'hongxuan', 'cold2', 'probe-1', 0, 'old alert');
            INSERT INTO alert_events (id, alert_id, event, at_ms, line) VALUES (1, 1, 'opened', 0, ?);
            """, arguments: [oldLine])
      }
      try queue.close()
    }
    let store = try SQLiteStore(path: path)
    #expect(try store.journalLines(after: 0).map(\.line) == [oldLine])
    #expect(try store.alertEventLines(after: 0).map(\.line) == [oldLine])
    _ = try store.addLot(
      "LT-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: Timestamp(seconds: 60))
    let lines = try store.journalLines(after: 0)
    #expect(lines.map(\.id) == [1, 2])
    #expect(JournalChain.declaredPrevious(lines[1].line[...]) == JournalChain.hash(oldLine))
    #expect(try store.alertEventLines(after: 0).count == 1, "the lot line is no alert event")
    #expect(try store.lotJournalLines("LT-1") == [lines[1].line])
  }
}
