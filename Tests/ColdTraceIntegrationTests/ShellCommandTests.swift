import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A database prepared through the storage API, as the collector would have left it: three probes (one of them a
/// third-party source without `agent` or `seq`), six readings, an open alert and a resolved one, and a journal that is
/// caught up.
final class ShellFixture {
  static let door = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-door")
  static let rack = SensorKey(site: "hongxuan", room: "cold3", sensor: "cold3-rack")
  static let foreign = SensorKey(site: "thanhha", room: "cold1", sensor: "th-probe")
  static let faultText = #"probe "A" lost, bus 1"#

  let directory: URL
  let database: String
  let journal: String
  /// Two hours ago, rounded to the second: every time below is after it.
  let base: Timestamp
  let openAlertID: Int64
  let resolvedAlertID: Int64
  let readings: [(key: SensorKey, agent: String?, sample: Sample)]

  init() throws {
    let directory = try TemporaryDirectory.make(prefix: "shell")
    let database = directory.appendingPathComponent("coldtrace.db").path
    let base = Timestamp(seconds: WallClock.now().milliseconds / 1000 - 7200)
    let minute = { (minutes: Int) in base.adding(seconds: Double(minutes * 60)) }
    let readings: [(key: SensorKey, agent: String?, sample: Sample)] = [
      (Self.door, "hx-edge-1", Sample(seq: 1, ts: minute(0), tempC: 3.4, rhPct: 91.8)),
      (Self.rack, "hx-edge-1", Sample(seq: 1, ts: minute(1), tempC: 2.9)),
      (Self.door, "hx-edge-1", Sample(seq: 2, ts: minute(2), tempC: 6.4, rhPct: 88.5)),
      (Self.foreign, nil, Sample(seq: nil, ts: minute(3), tempC: 4.25, rhPct: 90)),
      (Self.rack, "hx-edge-1", Sample(seq: 2, ts: minute(4), error: Self.faultText)),
      (Self.door, "hx-edge-1", Sample(seq: 3, ts: minute(5), tempC: 6.1, rhPct: 89)),
    ]
    let store = try SQLiteStore(path: database)
    try store.write { tx in
      for reading in readings {
        _ = try tx.insertNew(
          [reading.sample], source: try tx.sourceID(for: reading.key, agent: reading.agent))
      }
    }
    func event(_ type: AlertEventType, _ key: SensorKey, _ severity: Severity, at minutes: Int, limit: Double)
      -> AlertEvent
    {
      AlertEvent(
        type: type, key: key, kind: .tempHigh, severity: severity, productID: "litchi", at: minute(minutes),
        limit: limit, value: 9, peak: 9.3, message: "temperature 9 °C above \(limit) °C (litchi, \(severity))")
    }
    let resolvedAlertID = try store.write { tx in
      try tx.apply(event(.opened, Self.rack, .critical, at: 10, limit: 8)).alert.id
    }
    _ = try store.write { tx in try tx.apply(event(.resolved, Self.rack, .critical, at: 40, limit: 5)) }
    let openAlertID = try store.write { tx in
      try tx.apply(
        AlertEvent(
          type: .opened, key: Self.door, kind: .tempHigh, severity: .warning, productID: "litchi", at: minute(30),
          limit: 5, value: 6.1, peak: 6.4, message: "temperature 6.1 °C above 5 °C for 15 min (litchi, warning)"),
        lots: ["LT-2026-0612"]
      ).alert.id
    }
    let journal = AlertJournal.defaultPath(forDatabase: database)
    try AlertJournal(path: journal).catchUp(from: store)

    self.directory = directory
    self.database = database
    self.journal = journal
    self.base = base
    self.readings = readings
    self.openAlertID = openAlertID
    self.resolvedAlertID = resolvedAlertID
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  func minute(_ minutes: Int) -> Timestamp { base.adding(seconds: Double(minutes * 60)) }

  /// Everything the shell could change: readings, quarantine counts, alerts, alert events and the journal file.
  struct Snapshot: Equatable {
    var counts: IngestCounts
    var readings: [StoredReading]
    var alerts: [AlertRecord]
    var events: [String]
    var journal: String?
  }

  func snapshot() throws -> Snapshot {
    let store = try SQLiteStore(path: database, create: false)
    return Snapshot(
      counts: try store.counts(), readings: try store.readings(ReadingFilter()),
      alerts: try store.alerts(AlertFilter()),
      events: try store.alertEventLines(after: 0).map(\.line),
      journal: try? String(contentsOfFile: journal, encoding: .utf8))
  }

  func coldtrace(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
    try run(arguments)
  }

  /// Runs the built `coldtrace` (or `program`: another built product, or an absolute path) with a deadline, so a
  /// command that wrongly starts serving cannot hang the suite.
  func run(_ arguments: [String], program: String = "coldtrace", timeout: Double = 60) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    let process = Process()
    process.executableURL =
      program.hasPrefix("/") ? URL(fileURLWithPath: program) : Executables.product(program)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["COLDTRACE_DB"] = nil
    process.environment = environment
    process.currentDirectoryURL = directory
    let id = UUID().uuidString
    let outURL = directory.appendingPathComponent("out-\(id)")
    let errURL = directory.appendingPathComponent("err-\(id)")
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    defer {
      try? out.close()
      try? err.close()
    }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + timeout) == .timedOut {
      process.terminate()
      finished.wait()
      Issue.record("\(program) \(arguments.joined(separator: " ")) still ran after \(timeout) s")
    }
    return (
      process.terminationStatus, try String(contentsOf: outURL, encoding: .utf8),
      try String(contentsOf: errURL, encoding: .utf8)
    )
  }
}

/// The fields of `coldtrace alerts --json` (docs/protocol.md, "Alert lines and the journal").
private let alertFields: Set<String> = [
  "id", "kind", "severity", "state", "site", "room", "sensor", "lots", "product", "opened_at", "resolved_at",
  "acked_at", "acked_by", "note", "limit", "peak", "message",
]

/// Each line of `text` as a JSON object; a line that is not one is recorded as an issue.
private func jsonObjects(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
  text.split(separator: "\n").compactMap { line in
    guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
      Issue.record("not a JSON object: \(line)", sourceLocation: sourceLocation)
      return nil
    }
    return object
  }
}

func isNull(_ value: Any?) -> Bool { value is NSNull }

/// Splits one RFC 4180 CSV line (quoted cells may hold commas and doubled quotes).
private func csvCells(_ line: Substring) -> [String] {
  var cells: [String] = []
  var cell = ""
  var quoted = false
  var characters = line.makeIterator()
  var pending = characters.next()
  while let character = pending {
    pending = characters.next()
    switch (character, quoted) {
    case ("\"", true) where pending == "\"":
      cell.append("\"")
      pending = characters.next()
    case ("\"", _): quoted.toggle()
    case (",", false):
      cells.append(cell)
      cell = ""
    default: cell.append(character)
    }
  }
  cells.append(cell)
  return cells
}

@Suite("coldtrace shell commands", .serialized, .timeLimit(.minutes(10)))
struct ShellCommandTests {
  typealias Fixture = ShellFixture

  /// Bad usage and bad input, each with a word its one-line message must contain.
  enum BadUsage: String, CaseIterable, CustomTestStringConvertible {
    case unknownOption, badSeverity, badSince, badSite, emptyAcknowledger, noSuchAlert, missingDatabase
    case missingDatabaseFile, httpBroker, tomlSyntaxError, unknownFormat

    var testDescription: String { rawValue }

    func arguments(_ fixture: Fixture, badConfig: String) -> (arguments: [String], mentions: String) {
      let db = fixture.database
      switch self {
      case .unknownOption: return (["alerts", "--db", db, "--frobnicate"], "--frobnicate")
      case .badSeverity: return (["alerts", "--db", db, "--severity", "bogus"], "bogus")
      case .badSince: return (["alerts", "--db", db, "--since", "yesterdayish"], "yesterdayish")
      case .badSite: return (["alerts", "--db", db, "--site", "a/b"], "--site")
      case .emptyAcknowledger: return (["ack", String(fixture.openAlertID), "--db", db, "--by", " "], "--by")
      case .noSuchAlert: return (["ack", "99999", "--by", "x", "--db", db], "99999")
      case .missingDatabase: return (["alerts", "--db", "/nonexistent/x.db"], "/nonexistent/x.db")
      case .missingDatabaseFile:
        let missing = fixture.directory.appendingPathComponent("typo.db").path
        return (["status", "--db", missing], missing)
      case .httpBroker: return (["collect", "--db", db, "--broker", "http://x"], "http://x")
      case .tomlSyntaxError: return (["alerts", "--db", db, "--config", badConfig], "\(badConfig):3:")
      case .unknownFormat: return (["readings", "--db", db, "--format", "xml"], "xml")
      }
    }
  }

  @Test(
    "bad usage exits 2 with one line on stderr, nothing on stdout, and changes nothing", arguments: BadUsage.allCases)
  func badUsage(_ usage: BadUsage) throws {
    let fixture = try Fixture()
    let badConfig = fixture.directory.appendingPathComponent("collector.toml").path
    try Data("db = \"x.db\"\nmqtt_version = 5\nbroker = \"mqtt://127.0.0.1\n".utf8)
      .write(to: URL(fileURLWithPath: badConfig))
    let (arguments, mentions) = usage.arguments(fixture, badConfig: badConfig)
    let before = try fixture.snapshot()

    let result = try fixture.run(arguments)
    #expect(result.status == 2)
    #expect(result.stdout == "")
    #expect(result.stderr.hasPrefix("coldtrace: "))
    #expect(result.stderr.hasSuffix("\n") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    #expect(result.stderr.contains(mentions), "\(result.stderr)")

    #expect(try fixture.snapshot() == before)
    let created = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path)
      .filter { !$0.hasPrefix("out-") && !$0.hasPrefix("err-") }
    #expect(
      Set(created).isSubset(of: [
        "coldtrace.db", "coldtrace.db-wal", "coldtrace.db-shm", "coldtrace.alerts.jsonl",
        "collector.toml",
      ]), "bad usage created \(created)")
  }

  @Test("alerts --json: one object per alert, newest last, with every protocol field and null for absent values")
  func alertsJSON() throws {
    let fixture = try Fixture()
    let result = try fixture.coldtrace("alerts", "--db", fixture.database, "--json")
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let objects = jsonObjects(result.stdout)
    #expect(objects.count == 2)
    for object in objects {
      #expect(alertFields.isSubset(of: Set(object.keys)), "missing \(alertFields.subtracting(object.keys))")
    }
    try #require(objects.count == 2)
    let (resolved, open) = (objects[0], objects[1])

    #expect(open["id"] as? Int == Int(fixture.openAlertID))
    #expect(open["kind"] as? String == "temp_high")
    #expect(open["severity"] as? String == "warning")
    #expect(open["state"] as? String == "open")
    #expect(open["site"] as? String == "hongxuan")
    #expect(open["room"] as? String == "cold2")
    #expect(open["sensor"] as? String == "cold2-door")
    #expect(open["lots"] as? [String] == ["LT-2026-0612"])
    #expect(open["product"] as? String == "litchi")
    #expect(open["opened_at"] as? String == fixture.minute(30).rfc3339)
    #expect((open["opened_at"] as? String)?.hasSuffix("Z") == true, "times are UTC")
    for absent in ["resolved_at", "acked_at", "acked_by", "note"] {
      #expect(isNull(open[absent]), "\(absent) is \(String(describing: open[absent]))")
    }
    #expect(open["limit"] as? Double == 5)
    #expect(open["peak"] as? Double == 6.4)
    #expect(open["message"] as? String == "temperature 6.1 °C above 5 °C for 15 min (litchi, warning)")

    #expect(resolved["id"] as? Int == Int(fixture.resolvedAlertID))
    #expect(resolved["state"] as? String == "resolved")
    #expect(resolved["severity"] as? String == "critical")
    #expect(resolved["sensor"] as? String == "cold3-rack")
    #expect(resolved["lots"] as? [String] == [])
    #expect(resolved["opened_at"] as? String == fixture.minute(10).rfc3339)
    #expect(resolved["resolved_at"] as? String == fixture.minute(40).rfc3339)

    let openOnly = try fixture.coldtrace(
      "alerts", "--db", fixture.database, "--json", "--state", "open", "--since", "24h")
    #expect(jsonObjects(openOnly.stdout).map { $0["id"] as? Int } == [Int(fixture.openAlertID)])
  }

  @Test("ack --by --note: alerts --state acked shows who and the note, and the journal gains an acked line")
  func acknowledgeFromTheShell() throws {
    let fixture = try Fixture()
    let journalBefore = try String(contentsOfFile: fixture.journal, encoding: .utf8)
    let linesBefore = journalBefore.split(separator: "\n").count
    #expect(linesBefore == 3, "the fixture's journal holds its three events")
    let before = WallClock.now()

    let ack = try fixture.coldtrace(
      "ack", String(fixture.openAlertID), "--by", "lan", "--note", "door closed", "--db", fixture.database)
    #expect(ack.status == 0)
    #expect(ack.stderr == "")
    #expect(ack.stdout.contains("alert \(fixture.openAlertID) acknowledged by lan"))
    let after = WallClock.now()

    let listed = try fixture.coldtrace("alerts", "--db", fixture.database, "--json", "--state", "acked")
    #expect(listed.status == 0)
    let objects = jsonObjects(listed.stdout)
    #expect(objects.count == 1)
    let acked = try #require(objects.first)
    #expect(acked["id"] as? Int == Int(fixture.openAlertID))
    #expect(acked["state"] as? String == "acked")
    #expect(acked["acked_by"] as? String == "lan")
    #expect(acked["note"] as? String == "door closed")
    let ackedAt = try #require((acked["acked_at"] as? String).flatMap(Timestamp.parseRFC3339))
    #expect(ackedAt >= Timestamp(seconds: before.milliseconds / 1000) && ackedAt <= after)
    #expect(isNull(acked["resolved_at"]))

    let journal = try String(contentsOfFile: fixture.journal, encoding: .utf8)
    #expect(journal.hasPrefix(journalBefore), "the journal is only appended to")
    let lines = journal.split(separator: "\n")
    #expect(lines.count == linesBefore + 1)
    let line = try #require(jsonObjects(String(lines.last ?? "")).first)
    #expect(line["event"] as? String == "acked")
    #expect(line["event_id"] as? Int == 4)
    #expect(line["id"] as? Int == Int(fixture.openAlertID))
    #expect(line["acked_by"] as? String == "lan")
    #expect(line["note"] as? String == "door closed")
  }

  @Test("readings --format csv: a header and one row per stored reading, oldest first")
  func readingsCSV() throws {
    let fixture = try Fixture()
    let result = try fixture.coldtrace("readings", "--db", fixture.database, "--format", "csv")
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n")
    try #require(lines.count == fixture.readings.count + 1)
    let header = csvCells(lines[0])
    #expect(Array(header.prefix(8)) == ["site", "room", "sensor", "agent", "seq", "ts", "temp_c", "rh_pct"])
    let rows = lines.dropFirst().map(csvCells)
    for row in rows { #expect(row.count == header.count, "\(row)") }
    #expect(rows.map { $0[5] } == fixture.readings.map { $0.sample.ts.rfc3339 }, "oldest first")
    #expect(
      Array(rows[0].prefix(8)) == ["hongxuan", "cold2", "cold2-door", "hx-edge-1", "1", rows[0][5], "3.4", "91.8"])
    #expect(Array(rows[3].prefix(8)) == ["thanhha", "cold1", "th-probe", "", "", rows[3][5], "4.25", "90"])
    let fault = rows[4]
    #expect(Array(fault.prefix(8)) == ["hongxuan", "cold3", "cold3-rack", "hx-edge-1", "2", fault[5], "", ""])
    if let column = header.firstIndex(of: "error") {
      #expect(fault[column] == Fixture.faultText, "the fault text survives CSV quoting")
    }
  }

  @Test("readings (JSON lines): site, room, sensor, agent, seq, ts, temp_c, rh_pct on every line; filters apply")
  func readingsJSON() throws {
    let fixture = try Fixture()
    let result = try fixture.coldtrace("readings", "--db", fixture.database)
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let objects = jsonObjects(result.stdout)
    try #require(objects.count == fixture.readings.count)
    let fields: Set<String> = ["site", "room", "sensor", "agent", "seq", "ts", "temp_c", "rh_pct"]
    for (object, reading) in zip(objects, fixture.readings) {
      #expect(fields.isSubset(of: Set(object.keys)), "missing \(fields.subtracting(object.keys))")
      #expect(object["site"] as? String == reading.key.site)
      #expect(object["room"] as? String == reading.key.room)
      #expect(object["sensor"] as? String == reading.key.sensor)
      #expect(object["ts"] as? String == reading.sample.ts.rfc3339)
      #expect(object["temp_c"] as? Double == reading.sample.tempC)
      #expect(object["rh_pct"] as? Double == reading.sample.rhPct)
      if reading.sample.tempC == nil { #expect(isNull(object["temp_c"])) }
      if reading.sample.rhPct == nil { #expect(isNull(object["rh_pct"])) }
      if let seq = reading.sample.seq {
        #expect(object["seq"] as? Int == Int(seq))
      } else {
        #expect(isNull(object["seq"]))
      }
      if let agent = reading.agent {
        #expect(object["agent"] as? String == agent)
      } else {
        #expect(isNull(object["agent"]))
      }
    }

    let door = try fixture.coldtrace(
      "readings", "--db", fixture.database, "--site", "hongxuan", "--sensor", "cold2-door")
    #expect(jsonObjects(door.stdout).map { $0["seq"] as? Int } == [1, 2, 3])
    let since = try fixture.coldtrace("readings", "--db", fixture.database, "--since", fixture.minute(3).rfc3339)
    #expect(jsonObjects(since.stdout).map { $0["ts"] as? String } == [3, 4, 5].map { fixture.minute($0).rfc3339 })
  }

  @Test("status --json lists each sensor with its latest reading, day count and open alerts")
  func statusJSON() throws {
    let fixture = try Fixture()
    let result = try fixture.coldtrace("status", "--db", fixture.database, "--json")
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let objects = jsonObjects(result.stdout)
    let sensors = objects.map {
      "\($0["site"] as? String ?? "?")/\($0["room"] as? String ?? "?")/\($0["sensor"] ?? "?")"
    }
    #expect(Set(sensors) == Set([Fixture.door, Fixture.rack, Fixture.foreign].map(\.description)))
    #expect(sensors.count == 3)

    let door = try #require(objects.first { $0["sensor"] as? String == "cold2-door" })
    #expect(door["readings_24h"] as? Int == 3)
    #expect(door["temp_c"] as? Double == 6.1)
    #expect(door["ts"] as? String == fixture.minute(5).rfc3339)
    let doorAlerts = door["open_alerts"] as? [[String: Any]]
    #expect(doorAlerts?.map { $0["id"] as? Int } == [Int(fixture.openAlertID)])
    let rack = try #require(objects.first { $0["sensor"] as? String == "cold3-rack" })
    #expect((rack["open_alerts"] as? [Any])?.isEmpty == true, "the rack's alert is resolved")
    #expect(rack["readings_24h"] as? Int == 2)
  }

  @Test("products --json lists litchi with its temp_c and rh_pct limits")
  func productsJSON() throws {
    let fixture = try Fixture()
    let result = try fixture.coldtrace("products", "--json")
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let litchi = try #require(jsonObjects(result.stdout).first { $0["id"] as? String == "litchi" })
    let profile = BuiltInProfiles.litchi
    for (field, bands) in [("temp_c", profile.temperature), ("rh_pct", profile.humidity)] {
      let object = try #require(litchi[field] as? [String: Any], "\(field) is not an object")
      let limits: [(String, BandLimit?)] = [
        ("warning_high", bands.warningHigh), ("critical_high", bands.criticalHigh), ("warning_low", bands.warningLow),
        ("critical_low", bands.criticalLow),
      ]
      for (name, limit) in limits {
        if let limit {
          let shown = object[name] as? [String: Any]
          #expect(shown?["value"] as? Double == limit.threshold, "\(field).\(name)")
          #expect(shown?["delay_s"] as? Int == limit.delaySeconds, "\(field).\(name)")
        } else {
          #expect(isNull(object[name]), "\(field).\(name)")
        }
      }
      #expect(object["hysteresis"] as? Double == bands.hysteresis)
    }
    #expect(
      (litchi["temp_c"] as? [String: Any]).flatMap { $0["warning_high"] as? [String: Any] }?["value"] as? Double == 5)
    let trend = try #require(litchi["temp_trend"] as? [String: Any])
    #expect(trend["rise_c_per_h"] as? Double == profile.trend?.riseCPerHour)
    #expect(trend["clear_c_per_h"] as? Double == profile.trend?.clearCPerHour)
    #expect(trend["window_min"] as? Double == profile.trend?.windowMinutes)
    #expect(trend["sustain_min"] as? Double == profile.trend?.sustainMinutes)
    let frozen = try #require(jsonObjects(result.stdout).first { $0["id"] as? String == "frozen-meat" })
    #expect(isNull(frozen["temp_trend"]), "frozen meat sets no trend")
  }

  @Test("--help exits 0 with the usage on stdout", arguments: [["--help"], ["alerts", "--help"], ["ack", "--help"]])
  func help(_ arguments: [String]) throws {
    let fixture = try Fixture()
    let result = try fixture.run(arguments)
    #expect(result.status == 0)
    #expect(result.stderr == "")
    #expect(result.stdout.contains("USAGE"))
    if arguments == ["--help"] {
      for command in ["collect", "alerts", "ack", "readings", "status", "products"] {
        #expect(result.stdout.contains(command), "--help does not mention \(command)")
      }
    } else {
      #expect(result.stdout.contains("--db"))
    }
  }
}
