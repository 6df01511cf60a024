import ColdTraceCore
import Foundation
// GRDB comes with ColdTraceStorage; used here only to build a database as the previous schema left it.
import GRDB
import Testing

@testable import ColdTraceStorage

/// `config_changed` lines: the configuration that judges alerts, in the journal's hash chain.
@Suite("Configuration changes in the journal")
struct ConfigurationJournalTests {
  typealias F = StoreFixtures

  static let litchiDefault = ["default_product": "litchi", "offline_after_minutes": "10"]

  @Test("the first configuration, then only changes, are recorded; alert lines chain after them and verify")
  func recordsChangesOnly() throws {
    let scratch = try ScratchDatabase()
    let store = try scratch.open()
    let profiles = BuiltInProfiles.all
    let first = try ConfigurationSnapshot(settings: Self.litchiDefault, profiles: profiles)

    let line = try #require(try store.write { try $0.recordConfiguration(first, at: F.minute(0)) })
    let object = try #require(F.object(line))
    #expect(object["event"] as? String == "config_changed")
    #expect(object["event_id"] as? Int == 1)
    #expect(object["prev"] as? String == JournalChain.genesis)
    #expect(object["settings"] as? [String: String] == Self.litchiDefault)
    #expect(object["profiles_sha256"] as? String == first.profilesSHA256)
    #expect(object["changes"] as? [String] == ["first recorded configuration"])
    #expect(first.profilesSHA256.count == 64)

    #expect(try store.write { try $0.recordConfiguration(first, at: F.minute(1)) } == nil, "nothing changed")

    try F.apply(F.event(.opened, at: 2, peak: 6), to: store)

    var settings = Self.litchiDefault
    settings["default_product"] = "longan"
    settings["room hongxuan/cold3"] = "chilled-pork-eu"
    var stricter = BuiltInProfiles.litchi
    stricter.temperature.warningHigh = .past(5, afterMinutes: 15)
    let second = try ConfigurationSnapshot(settings: settings, profiles: profiles + [stricter])
    let changed = try #require(try store.write { try $0.recordConfiguration(second, at: F.minute(3)) })
    let changes = try #require(F.object(changed)?["changes"] as? [String])
    #expect(changes.count == 3)
    #expect(changes[0] == "default_product: litchi → longan")
    #expect(changes[1] == "room hongxuan/cold3: (unset) → chilled-pork-eu")
    #expect(changes[2].hasPrefix("product profiles: \(first.profilesSHA256.prefix(12))… → "))
    #expect(try store.write { try $0.lastRecordedConfiguration() } == second)

    let journal = AlertJournal(path: scratch.directory.appendingPathComponent("coldtrace.alerts.jsonl").path)
    let written = try journal.catchUp(from: store)
    #expect(written.compactMap { F.object($0)?["event"] as? String } == ["config_changed", "opened", "config_changed"])
    let text = try String(contentsOfFile: journal.path, encoding: .utf8)
    let verified = try JournalChain.verify(files: [("journal", text)]).get()
    #expect(verified.lines == 3)
  }

  @Test("a database from before config lines keeps its alert lines, ids and chain, and takes config lines after them")
  func migratesAnOlderDatabase() throws {
    let scratch = try ScratchDatabase()
    do {
      let queue = try DatabaseQueue(path: scratch.path)
      try Schema.migrator.migrate(queue, upTo: "v4-renotification")
      try queue.write { db in
        try db.execute(
          sql: """
            INSERT INTO alerts (id, kind, severity, state, site, room, sensor, opened_ms, message)
            VALUES (1, 'temp_high', 'warning', 'open', 'hongxuan', 'cold2', 'cold2-door', 0, 'warm');
            INSERT INTO alert_events (id, alert_id, event, at_ms, line)
            VALUES (1, 1, 'opened', 0, '{"prev":"\(JournalChain.genesis)","event":"opened","event_id":1}');
            """)
      }
    }
    let store = try scratch.open()
    let snapshot = try ConfigurationSnapshot(settings: Self.litchiDefault, profiles: BuiltInProfiles.all)
    let line = try #require(try store.write { try $0.recordConfiguration(snapshot, at: F.minute(5)) })
    let lines = try store.journalLines(after: 0)
    #expect(lines.map(\.id) == [1, 2])
    #expect(lines.last?.line == line)
    let text = lines.map(\.line).joined(separator: "\n")
    #expect(try JournalChain.verify(files: [("db", text)]).get().lines == 2)
    #expect(F.object(line)?["prev"] as? String == JournalChain.hash(lines[0].line))
  }
}
