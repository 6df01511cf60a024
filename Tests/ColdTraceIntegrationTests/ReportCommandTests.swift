import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace report` as an operator runs it, against a real database file.
@Suite(.timeLimit(.minutes(10)))
struct ReportCommandTests {
  private let t0 = ClosedLotDatabase.start

  /// A closed lot with two probes read every minute for an hour, one 20-minute excursion on probe p2.
  private func database() throws -> (db: String, directory: URL) {
    let (directory, db) = try ClosedLotDatabase.make(prefix: "reportcli")
    return (db, directory)
  }

  @Test func jsonCarriesTheSpecFieldsAndTheVerdict() throws {
    let (db, _) = try database()
    let result = try Executables.coldtrace(["report", "LT-7", "--format", "json"], db: db)
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    for key in [
      "lot", "product", "market", "from", "to", "rooms", "readings", "temp_c", "rh_pct", "in_range_pct",
      "minutes_out_of_range", "excursions", "gaps", "alerts",
    ] {
      #expect(object[key] != nil, "missing \(key)")
    }
    #expect(object["readings"] as? Int == 120)
    let minutes = try #require(object["minutes_out_of_range"] as? [String: Any])
    #expect(minutes["temp_c"] as? Double == 20)
    let verdict = try #require(object["verdict"] as? [String: Any])
    // 20 minutes past litchi's 5 °C warning limit, inside its 120-minute temperature budget.
    #expect(verdict["outcome"] as? String == "excursions_within_budget")
    #expect(verdict["rule"] as? String == "within_budget")
  }

  @Test func verifyMatchesThenNamesAChangedReading() throws {
    let (db, directory) = try database()
    let file = directory.appendingPathComponent("LT-7.html").path
    let written = try Executables.coldtrace(
      ["report", "LT-7", "--format", "html", "--lang", "vi", "--out", file], db: db)
    #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
    #expect(!FileManager.default.fileExists(atPath: file + ".tmp"), "no temporary file left behind")
    let matched = try Executables.coldtrace(["report", "LT-7", "--verify", file], db: db)
    #expect(matched.status == 0, "\(matched.stderr)")
    #expect(matched.stdout.hasPrefix("match"))

    let sqlite = try Executables.run(
      URL(fileURLWithPath: "/usr/bin/sqlite3"), [db, "UPDATE readings SET temp_mc = 3500 WHERE seq = 5"])
    #expect(sqlite.status == 0, "sqlite3: \(sqlite.stderr)")
    let mismatched = try Executables.coldtrace(["report", "LT-7", "--verify", file], db: db)
    #expect(mismatched.status == 1)
    #expect(mismatched.stdout.contains("mismatch") && mismatched.stdout.contains("a reading's time or value changed"))
  }

  /// The database above with a defrost of cold2 (minutes 20–40, from the controller's input) and a collector config
  /// that places p1 in the product.
  private func withDefrostAndProductProbe() throws -> (db: String, config: String, directory: URL) {
    let (db, directory) = try database()
    let store = try SQLiteStore(path: db)
    try store.write { tx in
      let id = try tx.openRoomSpan(
        RoomSpan(signal: .defrost, source: .input, sensor: "ctl2", start: t0.adding(seconds: 1200), end: nil),
        site: "hx", room: "cold2")
      try tx.closeRoomSpan(id, at: t0.adding(seconds: 2400))
    }
    let config = directory.appendingPathComponent("collector.toml")
    try "[placements]\n\"hx/p1\" = \"product\"\n".write(to: config, atomically: true, encoding: .utf8)
    return (db, config.path, directory)
  }

  @Test func theConfigsProductProbeJudgesAndTheDefrostIsReportedAndSealed() throws {
    let (db, config, directory) = try withDefrostAndProductProbe()
    let json = try Executables.coldtrace(["report", "LT-7", "--format", "json", "--config", config], db: db)
    #expect(json.status == 0, "\(json.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let verdict = try #require(object["verdict"] as? [String: Any])
    #expect(verdict["outcome"] as? String == "within_limits", "p2's 20 warm minutes are the air's, not the product's")
    let rooms = try #require(object["rooms"] as? [[String: Any]])
    #expect((rooms.first?["judged_by"] as? [String: Any])?["basis"] as? String == "product")
    let spans = try #require(object["spans"] as? [[String: Any]])
    #expect(
      spans.count == 1 && spans.first?["signal"] as? String == "defrost" && spans.first?["minutes"] as? Double == 20)

    let file = directory.appendingPathComponent("LT-7.txt").path
    let written = try Executables.coldtrace(["report", "LT-7", "--config", config, "--out", file], db: db)
    #expect(written.status == 0, "\(written.stderr)")
    let text = try String(contentsOfFile: file, encoding: .utf8)
    #expect(text.contains("Judged by product probe hx/p1.") && text.contains("Defrosts: 1 (20 min in all"))
    #expect(
      try Executables.coldtrace(["report", "LT-7", "--config", config, "--verify", file], db: db).stdout.hasPrefix(
        "match"))

    let unplaced = try Executables.coldtrace(["report", "LT-7", "--verify", file], db: db)
    #expect(unplaced.status == 1 && unplaced.stdout.contains("a probe's placement"), "\(unplaced.stdout)")
    let sqlite = try Executables.run(
      URL(fileURLWithPath: "/usr/bin/sqlite3"), [db, "UPDATE room_spans SET start_ms = start_ms + 60000"])
    #expect(sqlite.status == 0, "sqlite3: \(sqlite.stderr)")
    let moved = try Executables.coldtrace(["report", "LT-7", "--config", config, "--verify", file], db: db)
    #expect(moved.status == 1 && moved.stdout.contains("the rooms' defrost or door spans changed"), "\(moved.stdout)")
  }

  @Test(arguments: [
    ["report", "LT-404"],
    ["report", "LT-7", "--format", "pdf"],
    ["report", "LT-7", "--lang", "fr"],
    ["report", "LT-7", "--utc-offset", "7"],
    ["report", "LT/7"],
  ])
  func badInputIsOneLineAndExitTwo(arguments: [String]) throws {
    let (db, _) = try database()
    let result = try Executables.coldtrace(arguments, db: db)
    #expect(result.status == 2)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }
}
