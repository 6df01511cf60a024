import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace silence ...` as an operator types it, against a real database file and its journal. (Hostile
/// arguments: `HostileArgumentTests`.)
@Suite(.timeLimit(.minutes(10)))
struct SilenceCommandTests {

  private func objects(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  @Test func addListAndEndASilenceEachJournalledInAChainThatVerifies() throws {
    let fixture = try ShellFixture()
    let db = fixture.database
    let added = try Executables.coldtrace(
      ["silence", "add", "hongxuan/cold2", "--for", "2h", "--reason", "cleaning cold2", "--by", "lan"], db: db)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout == "1\n", "prints the new id alone, for scripts")
    let until = try Executables.coldtrace(
      ["silence", "add", "thanhha", "--until", "2099-01-01T00:00:00+07:00", "--reason", "x", "--by", "minh"], db: db)
    #expect(until.status == 2, "more than 7 days ahead: \(until.stdout)")
    let probe = try Executables.coldtrace(
      ["silence", "add", "hongxuan/cold3/cold3-rack", "--for", "30m", "--reason", "probe swap", "--by", "minh"], db: db)
    #expect(probe.stdout == "2\n", "\(probe.stderr)")

    let listed = try Executables.coldtrace(["silence", "list"], db: db)
    #expect(listed.status == 0)
    let rows = listed.stdout.split(separator: "\n")
    #expect(rows.first?.hasPrefix("ID  SCOPE") == true)
    #expect(rows.count == 4 && rows[1].contains("hongxuan/cold2") && rows[1].contains("cleaning cold2"))
    #expect(rows.last == "times in Asia/Ho_Chi_Minh (+07:00)", "the zone of FROM and UNTIL, last")
    let json = try objects(try Executables.coldtrace(["silence", "list", "--json"], db: db).stdout)
    #expect(json.map { $0["scope"] as? String } == ["hongxuan/cold2", "hongxuan/cold3/cold3-rack"])
    #expect(json[0]["state"] as? String == "active" && json[0]["room"] as? String == "cold2")
    #expect(json[0]["sensor"] is NSNull && json[0]["by"] as? String == "lan")

    let ended = try Executables.coldtrace(["silence", "end", "1", "--by", "minh"], db: db)
    #expect(ended.status == 0, "\(ended.stderr)")
    #expect(ended.stdout.contains("silence 1 (hongxuan/cold2) ended by minh"))
    let again = try Executables.coldtrace(["silence", "end", "1", "--by", "minh"], db: db)
    #expect(again.status == 2 && again.stderr.contains("already ended"))
    let active = try objects(try Executables.coldtrace(["silence", "list", "--json"], db: db).stdout)
    #expect(active.map { $0["id"] as? Int } == [2])
    let all = try objects(try Executables.coldtrace(["silence", "list", "--all", "--json"], db: db).stdout)
    #expect(all.map { $0["state"] as? String } == ["ended", "active"])
    #expect(all[0]["ended_by"] as? String == "minh")
    #expect(try Executables.coldtrace(["silence", "list", "--all"], db: db).stdout.contains("by minh"))

    let config = fixture.directory.appendingPathComponent("collector.toml")
    try "[[maintenance]]\nscope = \"hongxuan/cold2\"\nfrom = \"06:00\"\nto = \"07:30\"\nreason = \"cleaning\"\n"
      .write(to: config, atomically: true, encoding: .utf8)
    let withWindows = try Executables.coldtrace(["silence", "list", "--config", config.path], db: db).stdout
    #expect(
      withWindows.hasSuffix("maintenance:1: hongxuan/cold2 daily 06:00-07:30 +07:00: cleaning\n"), "\(withWindows)")

    let journal = try String(contentsOfFile: fixture.journal, encoding: .utf8)
    let events = try objects(journal).compactMap { $0["event"] as? String }
    #expect(events.suffix(3) == ["silence_added", "silence_added", "silence_ended"])
    let verified = try Executables.run(Executables.product("coldtrace"), ["journal", "verify", fixture.journal])
    #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
  }

  @Test func anAlertInASilenceShowsItsMarkInTheListingAndItsJSON() throws {
    let fixture = try ShellFixture()
    let added = try Executables.coldtrace(
      ["silence", "add", "thanhha/cold1", "--for", "1h", "--reason", "defrost test", "--by", "lan"],
      db: fixture.database)
    #expect(added.stdout == "1\n", "\(added.stderr)")
    let store = try SQLiteStore(path: fixture.database, create: false)
    let raised = try store.write { tx in
      try tx.apply(
        AlertEvent(
          type: .opened, key: ShellFixture.foreign, kind: .tempHigh, severity: .warning, productID: "litchi",
          at: WallClock.now(), limit: 5, value: 6, peak: 6, message: "temperature 6 °C above 5 °C"))
    }
    #expect(raised.silencedBy == "1")
    let text = try Executables.coldtrace(["alerts", "--sensor", "th-probe"], db: fixture.database)
    #expect(text.stdout.contains("[silenced 1] temperature 6 °C above 5 °C"), "\(text.stdout)")
    let json = try objects(try Executables.coldtrace(["alerts", "--json"], db: fixture.database).stdout)
    #expect(json.first { $0["sensor"] as? String == "th-probe" }?["silenced"] as? String == "1")
    #expect(json.first { $0["id"] as? Int == Int(fixture.openAlertID) }?["silenced"] is NSNull)
  }
}
