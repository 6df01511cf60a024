import ColdTraceCore
import Foundation
import GRDB
import Testing

@testable import ColdTraceStorage

/// Silences in the database: their rows, their journal lines in the hash chain, the mark they leave on alert events
/// at the events' own time, and the announcement of what they hid once they are over.
struct SilenceStoreTests {
  typealias F = StoreFixtures
  let scratch: ScratchDatabase

  init() throws { scratch = try ScratchDatabase() }

  private func cold2() throws -> SilenceScope { try SilenceScope.parse("hongxuan/cold2") }

  /// A silence of hongxuan/cold2 from minute 10 to minute 70.
  private func silenceCold2(_ store: SQLiteStore) throws -> Silence {
    try store.write { tx in
      try tx.addSilence(try cold2(), from: F.minute(10), until: F.minute(70), reason: "cleaning cold2", by: "lan")
    }
  }

  @Test func addingAndEndingASilenceAreRowsAndJournalLinesInTheChain() throws {
    let store = try scratch.open()
    try F.apply(F.event(.opened, at: 0, peak: 6), to: store)
    let silence = try silenceCold2(store)
    #expect(silence.id == 1 && silence.scope.room == "cold2" && silence.scope.sensor == nil)
    #expect(try store.silences(now: F.minute(20)) == [silence])
    #expect(try store.silences(now: F.minute(5)).isEmpty, "not yet in force")
    let ended = try store.write { tx in try tx.endSilence(silence.id, by: "minh", at: F.minute(30)) }
    #expect(ended.endedAt == F.minute(30) && ended.endedBy == "minh")
    #expect(try store.silences(now: F.minute(31)).isEmpty)
    #expect(try store.silences(all: true, now: F.minute(31)) == [ended])

    let lines = try scratch.journal.catchUp(from: store)
    let objects = lines.compactMap(F.object)
    #expect(objects.map { $0["event"] as? String } == ["opened", "silence_added", "silence_ended"])
    #expect(objects[1]["silence"] as? Int == 1 && objects[1]["scope"] as? String == "hongxuan/cold2")
    #expect(objects[1]["until"] as? String == F.minute(70).rfc3339)
    #expect(objects[1]["reason"] as? String == "cleaning cold2" && objects[1]["by"] as? String == "lan")
    #expect(objects[2]["at"] as? String == F.minute(30).rfc3339 && objects[2]["by"] as? String == "minh")
    let text = try String(contentsOfFile: scratch.journal.path, encoding: .utf8)
    #expect(try JournalChain.verify(files: [("journal", text)]).get().lines == 3)
  }

  @Test func endingASilenceTwiceUnknownOrExpiredIsRefusedAndChangesNothing() throws {
    let store = try scratch.open()
    let silence = try silenceCold2(store)
    _ = try store.write { tx in try tx.endSilence(silence.id, by: "lan", at: F.minute(20)) }
    let before = try store.journalLines(after: 0)
    #expect(throws: SilenceError.self) {
      try store.write { tx in try tx.endSilence(silence.id, by: "lan", at: F.minute(21)) }
    }
    #expect(throws: SilenceError.self) { try store.write { tx in try tx.endSilence(99, by: "lan", at: F.minute(21)) } }
    let other = try silenceCold2(store)
    #expect(throws: SilenceError.self) {
      try store.write { tx in try tx.endSilence(other.id, by: "lan", at: F.minute(70)) }
    }
    #expect(try store.journalLines(after: 0).count == before.count + 1, "only the second silence's line")
  }

  @Test func anEventInTheSilenceAtItsOwnTimeIsMarkedAndOneOutsideIsNot() throws {
    let store = try scratch.open()
    _ = try silenceCold2(store)
    // Before the silence (a backlog arriving late is judged at its event time): not silenced.
    let before = try F.apply(F.event(.opened, F.door, at: 5, peak: 6), to: store)
    #expect(before.silencedBy == nil && before.alert.silenced == nil)
    // In it: marked, on the alert and in the line.
    let escalated = try F.apply(F.event(.escalated, F.door, severity: .critical, at: 15, peak: 9), to: store)
    #expect(escalated.silencedBy == "1" && escalated.alert.silenced == "1")
    #expect(F.object(escalated.line)?["silenced"] as? String == "1")
    #expect(try store.alert(id: escalated.alert.id)?.silenced == "1")
    // Another room, or a lot alert of the same room: not silenced.
    let rack = try F.apply(F.event(.opened, F.rack, at: 20, peak: 6), to: store)
    #expect(rack.silencedBy == nil)
    let lotKey = SensorKey(site: "hongxuan", room: "cold2", sensor: "lot/LT-1/temp_c")
    let budget = try F.apply(F.event(.opened, lotKey, kind: .budget, severity: .critical, at: 20), to: store)
    #expect(budget.silencedBy == nil && budget.alert.silenced == nil, "lot alerts are never silenced")
    // After it: the resolution is announced and clears the mark.
    let resolved = try F.apply(F.event(.resolved, F.door, at: 80, peak: 9), to: store)
    #expect(resolved.silencedBy == nil && resolved.alert.silenced == nil)
  }

  @Test func anOpenAlertASilenceHidIsAnnouncedOnceWhenTheSilenceEnds() throws {
    let store = try scratch.open()
    let silence = try silenceCold2(store)
    let opened = try F.apply(F.event(.opened, F.door, at: 15, peak: 6), to: store)
    #expect(opened.silencedBy == "1")
    // A quiet alert that opened and resolved inside the silence is never announced.
    let probe = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-air")
    try F.apply(F.event(.opened, probe, at: 16, peak: 6), to: store)
    try F.apply(F.event(.resolved, probe, at: 20, peak: 6), to: store)
    #expect(try store.write { tx in try tx.releaseSilencedAlerts(now: F.minute(30)) }.isEmpty, "still silenced")
    _ = try store.write { tx in try tx.endSilence(silence.id, by: "lan", at: F.minute(40)) }
    let released = try store.write { tx in try tx.releaseSilencedAlerts(now: F.minute(41)) }
    #expect(released.map(\.alert.id) == [opened.alert.id])
    #expect(released.first?.silencedBy == nil, "the announcement is notified")
    let line = try #require(released.first.flatMap { F.object($0.line) })
    #expect(line["event"] as? String == "unsilenced" && line["silenced"] as? String == "1")
    #expect(try store.write { tx in try tx.releaseSilencedAlerts(now: F.minute(42)) }.isEmpty, "once")
  }

  @Test func aSilenceThatExpiresReleasesItsAlertsAndRenotificationWaitsForIt() throws {
    let store = try scratch.open()
    _ = try silenceCold2(store)
    let opened = try F.apply(F.event(.opened, F.door, at: 15, peak: 6), to: store)
    _ = try store.write { tx in try tx.acknowledge(alertID: opened.alert.id, by: "lan", note: nil, at: F.minute(16)) }
    #expect(try store.write { tx in try tx.renotifyDue(now: F.minute(60), afterSeconds: 60) }.isEmpty)
    #expect(try store.write { tx in try tx.releaseSilencedAlerts(now: F.minute(69)) }.isEmpty)
    let released = try store.write { tx in try tx.releaseSilencedAlerts(now: F.minute(70)) }
    #expect(released.map(\.alert.state) == [.acked])
    #expect(try store.write { tx in try tx.renotifyDue(now: F.minute(70), afterSeconds: 60) }.isEmpty)
    #expect(try store.write { tx in try tx.renotifyDue(now: F.minute(71), afterSeconds: 60) }.count == 1)
  }

  @Test func aMaintenanceWindowMarksEventsInItAndReleasesAfterIt() throws {
    let store = try scratch.open()
    // F.start is 08:00 UTC; the window is 08:00–09:00 UTC every day.
    store.useMaintenanceWindows([
      MaintenanceWindow(
        id: "maintenance:cleaning", scope: try cold2(), fromMinute: 8 * 60, toMinute: 9 * 60, offsetMinutes: 0,
        reason: "cleaning")
    ])
    let inside = try F.apply(F.event(.opened, F.door, at: 30, peak: 6), to: store)
    #expect(inside.silencedBy == "maintenance:cleaning")
    let outside = try F.apply(F.event(.opened, F.door, kind: .rhLow, at: 61, peak: 80), to: store)
    #expect(outside.silencedBy == nil)
    #expect(try store.write { tx in try tx.releaseSilencedAlerts(now: F.minute(59)) }.isEmpty)
    #expect(
      try store.write { tx in try tx.releaseSilencedAlerts(now: F.minute(60)) }.map(\.alert.id) == [inside.alert.id])
  }

  @Test func anOlderDatabaseKeepsItsAlertsUnsilencedAndTakesSilencesAfterThem() throws {
    let path = scratch.directory.appendingPathComponent("old.db").path
    do {
      let queue = try DatabaseQueue(path: path)
      try Schema.migrator.migrate(queue, upTo: "v9-probe-placements")
      try queue.write { db in
        try db.execute(
          sql: """
            INSERT INTO alerts (kind, severity, state, site, room, sensor, opened_ms, message)
            VALUES ('temp_high', 'warning', 'open', 'hongxuan', 'cold2', 'cold2-door', ?, 'old')
            """, arguments: [F.minute(0).milliseconds])
      }
      try queue.close()
    }
    let store = try SQLiteStore(path: path)
    let old = try #require(try store.alert(id: 1))
    #expect(old.silenced == nil && old.message == "old")
    _ = try silenceCold2(store)
    #expect(try store.write { tx in try tx.releaseSilencedAlerts(now: F.minute(80)) }.isEmpty, "nothing was held")
    let resolved = try F.apply(F.event(.resolved, F.door, at: 20, peak: 6), to: store)
    #expect(resolved.alert.id == 1 && resolved.silencedBy == "1")
  }
}
