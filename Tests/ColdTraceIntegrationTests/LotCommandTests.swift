import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace lot ...` as an operator types it, against a real database file.
@Suite(.timeLimit(.minutes(10)))
struct LotCommandTests {

  @Test func addMoveShowCloseAndListTellTheLotsStory() throws {
    let db = try TemporaryDirectory.make(prefix: "lotcli").appendingPathComponent("coldtrace.db").path
    let added = try Executables.coldtrace(
      [
        "lot", "add", "LT-2026-0612", "--product", "litchi", "--room", "hongxuan/cold2", "--market", "eu",
        "--at", "2026-06-12T06:00:00+07:00",
      ], db: db)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout.contains("lot LT-2026-0612 (litchi) in hongxuan/cold2 from 2026-06-11T23:00:00.000Z"))
    let moved = try Executables.coldtrace(
      ["lot", "move", "LT-2026-0612", "--room", "hongxuan/cold3", "--at", "2026-06-13T00:00:00Z"], db: db)
    #expect(moved.status == 0, "\(moved.stderr)")
    let shown = try Executables.coldtrace(["lot", "show", "LT-2026-0612", "--json"], db: db)
    #expect(shown.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
    #expect(object["product"] as? String == "litchi" && object["market"] as? String == "eu")
    let rooms = try #require(object["rooms"] as? [[String: Any]])
    #expect(rooms.map { $0["room"] as? String } == ["cold2", "cold3"])
    #expect(rooms[0]["to"] as? String == "2026-06-13T00:00:00.000Z")
    #expect(rooms[1]["to"] is NSNull)
    let closed = try Executables.coldtrace(["lot", "close", "LT-2026-0612", "--at", "2026-06-20T00:00:00Z"], db: db)
    #expect(closed.status == 0, "\(closed.stderr)")
    let listed = try Executables.coldtrace(["lot", "list"], db: db)
    #expect(listed.stdout.contains("LT-2026-0612") && listed.stdout.contains("closed"))
  }

  @Test(arguments: [
    ["lot", "add", "LT-1", "--product", "bananas", "--room", "hx/cold1"],
    ["lot", "add", "LT/1", "--product", "litchi", "--room", "hx/cold1"],
    ["lot", "add", "LT-2", "--product", "litchi", "--room", "hx"],
    ["lot", "add", "LT-2", "--product", "litchi", "--room", "hx/cold1", "--at", "someday"],
    ["lot", "add", "LT-0", "--product", "litchi", "--room", "hx/cold9"],
    ["lot", "move", "LT-0", "--room", "hx/cold0", "--at", "2000-01-01T00:00:00Z"],
    ["lot", "move", "LT-404", "--room", "hx/cold2"],
    ["lot", "show", "LT-404"],
  ])
  func badLotCommandsExitTwoWithOneLineAndChangeNothing(arguments: [String]) throws {
    let db = try TemporaryDirectory.make(prefix: "lotcli").appendingPathComponent("coldtrace.db").path
    #expect(
      try Executables.coldtrace(["lot", "add", "LT-0", "--product", "litchi", "--room", "hx/cold0"], db: db).status == 0
    )
    let before = try SQLiteStore(path: db, create: false).lots()
    let result = try Executables.coldtrace(arguments, db: db)
    #expect(result.status == 2)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(try SQLiteStore(path: db, create: false).lots() == before)
  }
}

/// The per-lot rules from the operator's shell: a lot placed in the past, its budget and treatment in `lot show`,
/// and the journal's chain with lot lines in it.
@Suite(.timeLimit(.minutes(10)))
struct LotRulesCommandTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!

  /// Stores one reading a minute at `tempC` for `minutes` minutes from the start, as the collector would.
  private func storeReadings(_ db: String, room: String, minutes: Int, tempC: Double) throws {
    let store = try SQLiteStore(path: db)
    try store.write { tx in
      let source = try tx.sourceID(for: SensorKey(site: "hongxuan", room: room, sensor: "probe-1"), agent: "hx-1")
      let samples = (0..<minutes).map {
        Sample(seq: Int64($0 + 1), ts: start.adding(seconds: Double($0 * 60)), tempC: tempC)
      }
      _ = try tx.insertNew(samples, source: source)
    }
  }

  private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func aLotAddedInThePastSpendsItsBudgetOnTheStoredReadingsAndTheJournalVerifies() throws {
    let directory = try TemporaryDirectory.make(prefix: "lotrules")
    let db = directory.appendingPathComponent("coldtrace.db").path
    try storeReadings(db, room: "cold2", minutes: 140, tempC: 7)
    let added = try Executables.coldtrace(
      ["lot", "add", "LT-7", "--product", "litchi", "--room", "hongxuan/cold2", "--at", start.rfc3339], db: db)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout.contains("budget open: lot LT-7 used up its temperature excursion budget"), "\(added.stdout)")
    let shown = try json(try Executables.coldtrace(["lot", "show", "LT-7", "--json"], db: db).stdout)
    let temperature = try #require((shown["budget"] as? [String: Any])?["temp_c"] as? [String: Any])
    #expect(temperature["used_minutes"] as? Double == 139)
    #expect(temperature["budget_minutes"] as? Double == 120)
    #expect(temperature["exhausted_at"] as? String == start.adding(seconds: 120 * 60).rfc3339)
    #expect(shown["treatment"] is NSNull)
    let text = try Executables.coldtrace(["lot", "show", "LT-7"], db: db).stdout
    #expect(text.contains("temperature outside its band: 139 min of a 120 min budget, USED UP at"), "\(text)")
    let closed = try Executables.coldtrace(
      ["lot", "close", "LT-7", "--at", start.adding(seconds: 200 * 60).rfc3339], db: db)
    #expect(closed.stdout.contains("budget resolved"), "\(closed.stdout)")
    let verified = try Executables.coldtrace(["journal", "verify"], db: db)
    #expect(verified.status == 0, "\(verified.stderr)")
    #expect(verified.stdout.hasPrefix("ok: 4 lines chained"), "lot_added, opened, lot_closed, resolved")
    let journal = try String(
      contentsOf: directory.appendingPathComponent("coldtrace.alerts.jsonl"), encoding: .utf8)
    #expect(journal.contains("\"event\":\"lot_added\""))
    #expect(journal.contains("\"event\":\"lot_closed\""))
  }

  @Test func productsShowEachProfilesBudgetAndColdTreatment() throws {
    let db = try TemporaryDirectory.make(prefix: "lotrules").appendingPathComponent("coldtrace.db").path
    let result = try Executables.coldtrace(["products", "--json"], db: db)
    #expect(result.status == 0, "\(result.stderr)")
    let profiles = try result.stdout.split(separator: "\n").map { try json(String($0)) }
    #expect(profiles.count == BuiltInProfiles.all.count)
    for (shown, profile) in zip(profiles, BuiltInProfiles.all) {
      let budget = shown["budget"] as? [String: Any]
      #expect(budget?["temp_c_minutes"] as? Double == profile.budget?.temperatureMinutes, "\(profile.id)")
      #expect(budget?["rh_pct_minutes"] as? Double == profile.budget?.humidityMinutes, "\(profile.id)")
      let treatment = shown["cold_treatment"] as? [String: Any]
      #expect(treatment?["max_temp_c"] as? Double == profile.coldTreatment?.maxTempC, "\(profile.id)")
      #expect(treatment?["days"] as? Double == profile.coldTreatment?.days, "\(profile.id)")
    }
    #expect(profiles.contains { $0["cold_treatment"] is [String: Any] }, "litchi-cold-treatment has one")
  }

  @Test func lotShowTellsWhereTheColdTreatmentStands() throws {
    let db = try TemporaryDirectory.make(prefix: "lotrules").appendingPathComponent("coldtrace.db").path
    try storeReadings(db, room: "ct1", minutes: 90, tempC: 0.5)
    let added = try Executables.coldtrace(
      [
        "lot", "add", "CT-1", "--product", "litchi-cold-treatment", "--room", "hongxuan/ct1", "--at", start.rfc3339,
      ], db: db)
    #expect(added.status == 0, "\(added.stderr)")
    let shown = try json(try Executables.coldtrace(["lot", "show", "CT-1", "--json"], db: db).stdout)
    let treatment = try #require(shown["treatment"] as? [String: Any])
    #expect(treatment["state"] as? String == "running")
    #expect(treatment["clock_started_at"] as? String == start.rfc3339)
    #expect(treatment["earliest_finish"] as? String == start.adding(seconds: 17 * 86_400).rfc3339)
    #expect(treatment["restarts"] as? Int == 0)
    #expect(treatment["completed_at"] is NSNull)
  }
}
