import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace probe ...` as an operator types it, against a real database file: a probe's life (calibrated, replaced,
/// moved, retired), what lists, reports and the journal then say, and the arguments that must change nothing.
@Suite(.timeLimit(.minutes(10)))
struct ProbeLifecycleCommandTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!

  private func minute(_ minutes: Int) -> Timestamp { start.adding(seconds: Double(minutes * 60)) }

  /// Stores one reading a minute at 3 °C from `sensor` in `room`, minutes `range`, as the collector would.
  private func storeReadings(_ db: String, sensor: String, room: String = "cold2", minutes range: Range<Int>) throws {
    let store = try SQLiteStore(path: db)
    try store.write { tx in
      let key = SensorKey(site: "hongxuan", room: room, sensor: sensor)
      let source = try tx.sourceID(for: key, agent: "hx-1", from: minute(range.lowerBound))
      _ = try tx.insertNew(range.map { Sample(seq: Int64($0 + 1), ts: minute($0), tempC: 3) }, source: source)
    }
  }

  private func database() throws -> String {
    let db = try TemporaryDirectory.make(prefix: "probecli").appendingPathComponent("coldtrace.db").path
    try storeReadings(db, sensor: "cold2-air", minutes: 0..<60)
    try storeReadings(db, sensor: "cold2-pulp", minutes: 0..<60)
    try SQLiteStore(path: db).write { try $0.announcePlacements(["cold2-pulp": .product], site: "hongxuan") }
    return db
  }

  private func probes(_ db: String, all: Bool = false) throws -> [[String: Any]] {
    let listed = try Executables.coldtrace(["probe", "list", "--json"] + (all ? ["--all"] : []), db: db)
    #expect(listed.status == 0, "\(listed.stderr)")
    return try listed.stdout.split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  @Test func aProbesLifeIsListedReportedAndJournalled() throws {
    let db = try database()
    #expect(try probes(db).map { $0["sensor"] as? String } == ["cold2-air", "cold2-pulp"])
    let added = try Executables.coldtrace(
      ["lot", "add", "LT-1", "--product", "litchi", "--room", "hongxuan/cold2", "--at", start.rfc3339], db: db)
    #expect(added.status == 0, "\(added.stderr)")

    let calibrated = try Executables.coldtrace(
      [
        "probe", "calibrate", "hongxuan/cold2-pulp", "--certificate", "VN-CAL-118", "--due", "2099-06-30", "--at",
        "2026-06-01", "--by", "lan",
      ], db: db)
    #expect(calibrated.status == 0, "\(calibrated.stderr)")
    #expect(calibrated.stdout.contains("certificate VN-CAL-118, due 2099-06-30T00:00:00.000Z"), "\(calibrated.stdout)")

    let replaced = try Executables.coldtrace(
      ["probe", "replace", "hongxuan/cold2-pulp", "cold2-pulp-b", "--by", "lan", "--at", minute(60).rfc3339], db: db)
    #expect(replaced.status == 0, "\(replaced.stderr)")
    try storeReadings(db, sensor: "cold2-pulp-b", minutes: 61..<90)
    let active = try probes(db)
    #expect(active.map { $0["sensor"] as? String } == ["cold2-air", "cold2-pulp-b"])
    #expect(active[1]["placement"] as? String == "product", "the successor inherits the placement")
    #expect(active[1]["predecessor"] as? String == "cold2-pulp")
    #expect(active[1]["calibration_due"] is NSNull)
    let retired = try #require(try probes(db, all: true).first { $0["sensor"] as? String == "cold2-pulp" })
    #expect(retired["state"] as? String == "retired" && retired["successor"] as? String == "cold2-pulp-b")
    #expect(retired["certificate"] as? String == "VN-CAL-118")

    let moved = try Executables.coldtrace(
      ["probe", "move", "hongxuan/cold2-air", "--room", "cold3", "--by", "lan", "--at", minute(30).rfc3339], db: db)
    #expect(moved.status == 0, "\(moved.stderr)")
    #expect(try probes(db).first?["room"] as? String == "cold3")
    let cold2 = try Executables.coldtrace(["readings", "--room", "cold2", "--sensor", "cold2-air"], db: db)
    #expect(cold2.stdout.split(separator: "\n").count == 30, "the air probe's first half hour stays in cold2")

    let retiredAir = try Executables.coldtrace(
      ["probe", "retire", "hongxuan/cold2-air", "--reason", "cable cut", "--by", "lan"], db: db)
    #expect(retiredAir.status == 0, "\(retiredAir.stderr)")
    #expect(try probes(db).map { $0["sensor"] as? String } == ["cold2-pulp-b"])

    let report = try Executables.coldtrace(["report", "LT-1", "--format", "json", "--lang", "en"], db: db)
    #expect(report.status == 0, "\(report.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
    #expect(
      Set(object["probes"] as? [String] ?? [])
        == ["hongxuan/cold2-air", "hongxuan/cold2-pulp", "hongxuan/cold2-pulp-b"],
      "the old probe and its successor, and the air probe while it hung there")
    let text = try Executables.coldtrace(["report", "LT-1", "--lang", "en"], db: db).stdout
    #expect(text.contains("hongxuan/cold2-pulp (product, certificate VN-CAL-118, due"), "\(text)")
    #expect(text.contains("hongxuan/cold2-pulp-b (product, no calibration on record)"), "\(text)")

    // The calibrations a report states are sealed: one recorded afterwards for its period is a difference.
    let sealed = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("LT-1.json").path
    #expect(try Executables.coldtrace(["report", "LT-1", "--format", "json", "--out", sealed], db: db).status == 0)
    #expect(try Executables.coldtrace(["report", "LT-1", "--verify", sealed], db: db).status == 0)
    let late = try Executables.coldtrace(
      [
        "probe", "calibrate", "hongxuan/cold2-pulp-b", "--certificate", "VN-CAL-120", "--due", "2099-01-01", "--at",
        "2026-06-20", "--by", "lan",
      ], db: db)
    #expect(late.status == 0, "\(late.stderr)")
    let changed = try Executables.coldtrace(["report", "LT-1", "--verify", sealed], db: db)
    #expect(changed.status == 1)
    #expect(
      (changed.stdout + changed.stderr).contains("calibrations or its imported legs changed"),
      "\(changed.stdout) \(changed.stderr)")

    let verified = try Executables.coldtrace(["journal", "verify"], db: db)
    #expect(verified.status == 0, "\(verified.stderr)")
    let journal = try String(
      contentsOfFile: URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent(
        "coldtrace.alerts.jsonl"
      ).path, encoding: .utf8)
    for event in ["probe_calibrated", "probe_replaced", "probe_moved", "probe_retired"] {
      #expect(journal.contains("\"event\":\"\(event)\""), "\(event)")
    }
  }

  @Test func statusShowsACalibrationFallingDue() throws {
    let db = try database()
    let soon = String(WallClock.now().adding(seconds: 10 * 86_400).rfc3339.prefix(10))
    let calibrated = try Executables.coldtrace(
      [
        "probe", "calibrate", "hongxuan/cold2-air", "--certificate", "C-9", "--due", soon, "--at", "350d", "--by",
        "lan",
      ], db: db)
    #expect(calibrated.status == 0, "\(calibrated.stderr)")
    #expect(calibrated.stdout.contains("calibration_due open"), "the shell applies the rule at once")
    let status = try Executables.coldtrace(["status", "--lang", "en"], db: db)
    #expect(status.stdout.contains("calibration due \(soon)"), "\(status.stdout)")
    let json = try Executables.coldtrace(["status", "--json"], db: db).stdout
    #expect(json.contains("\"calibration\":{\"certificate\":\"C-9\""), "\(json)")
    #expect(json.contains("\"state\":\"due\""))
  }

  @Test(arguments: [
    ["probe", "retire", "hongxuan/ghost", "--reason", "gone", "--by", "lan"],
    ["probe", "retire", "hongxuan", "--reason", "gone", "--by", "lan"],
    ["probe", "retire", "hongxuan/cold2-air", "--reason", " ", "--by", "lan"],
    ["probe", "retire", "hongxuan/cold2-old", "--reason", "again", "--by", "lan"],
    ["probe", "retire", "hongxuan/cold2-air", "--reason", "x", "--by", "lan", "--at", "someday"],
    ["probe", "replace", "hongxuan/cold2-air", "cold2-air", "--by", "lan"],
    ["probe", "replace", "hongxuan/cold2-air", "cold2/b", "--by", "lan"],
    ["probe", "replace", "hongxuan/cold2-air", "cold2-old", "--by", "lan"],
    ["probe", "move", "hongxuan/cold2-air", "--room", "cold2", "--by", "lan"],
    ["probe", "move", "hongxuan/cold2-air", "--room", "cold 3", "--by", "lan"],
    ["probe", "move", "hongxuan/cold2-old", "--room", "cold3", "--by", "lan"],
    ["probe", "calibrate", "hongxuan/cold2-air", "--certificate", "C", "--due", "someday", "--by", "lan"],
    ["probe", "calibrate", "hongxuan/cold2-air", "--certificate", "C", "--due", "7d", "--by", "lan"],
    [
      "probe", "calibrate", "hongxuan/cold2-air", "--certificate", "C", "--due", "2026-01-01", "--at", "2026-06-01",
      "--by", "lan",
    ],
    ["probe", "calibrate", "hongxuan/cold2-air", "--certificate", "C\nD", "--due", "2099-01-01", "--by", "lan"],
    ["probe", "calibrate", "hongxuan/ghost", "--certificate", "C", "--due", "2099-01-01", "--by", "lan"],
    ["probe", "list", "--site", "hong xuan"],
  ])
  func badProbeCommandsExitTwoWithOneLineAndChangeNothing(arguments: [String]) throws {
    let db = try database()
    try storeReadings(db, sensor: "cold2-old", minutes: 0..<5)
    #expect(
      try Executables.coldtrace(["probe", "retire", "hongxuan/cold2-old", "--reason", "old", "--by", "lan"], db: db)
        .status == 0)
    let store = try SQLiteStore(path: db, create: false)
    func snapshot() throws -> String {
      let probes = try store.probeRecords(site: nil, retired: true, now: start).map { "\($0)" }
      return probes.joined(separator: "\n") + "\n" + (try store.readings(ReadingFilter()).map { "\($0)" }.joined())
        + "\n" + (try store.alerts(AlertFilter()).map { "\($0)" }.joined())
    }
    let before = try snapshot()
    let result = try Executables.coldtrace(arguments, db: db)
    #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(try snapshot() == before)
    let verified = try Executables.coldtrace(["journal", "verify"], db: db)
    #expect(verified.stdout.hasPrefix("ok: 1 lines chained"), "only the setup's retirement: \(verified.stdout)")
  }
}
