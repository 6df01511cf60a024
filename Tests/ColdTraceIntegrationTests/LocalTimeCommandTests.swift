import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `status`, `alerts` and `report` show times in the site's zone (+07:00, Asia/Ho_Chi_Minh, by default) and say so,
/// UTC with `--utc`, a daylight-saving zone with each time's own offset; a bad zone name is exit 2. The shell runs at a
/// frozen clock (libfaketime: 2026-06-12 05:00 UTC, 12:00 in Vietnam) so the outputs are golden files
/// (`Tests/Fixtures/local-time`; `COLDTRACE_UPDATE_GOLDEN=1` rewrites them after a deliberate change).
@Suite(.timeLimit(.minutes(10)))
struct LocalTimeCommandTests {
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/local-time")
  static let now = "2026-06-12 05:00:00"
  static let air = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-air")

  let directory: URL
  let database: String

  private static func utc(_ text: String) -> Timestamp { Timestamp.parseRFC3339(text)! }

  /// cold2-air every 10 minutes from 03:00 to 04:50 UTC (10:00–11:50 in Vietnam) in a lot of litchi; a temp_high
  /// alert opened at 03:40 UTC and acknowledged; a defrost going on since 04:45; an agent installed at 01:10 whose
  /// clock went wrong at 04:20; in January, a winter alert (for the Europe/Berlin case).
  init() throws {
    directory = try TemporaryDirectory.make(prefix: "localtime")
    database = directory.appendingPathComponent("coldtrace.db").path
    let store = try SQLiteStore(path: database)
    _ = try store.addLot(
      "LT-2026-0612", product: "litchi", market: "eu", site: "hongxuan", room: "cold2",
      at: Self.utc("2026-06-12T03:00:00Z"))
    let first = Self.utc("2026-06-12T03:00:00Z")
    var samples: [Sample] = []
    for step in 0..<12 {
      let warm = step == 4 || step == 5
      let ts = first.adding(seconds: Double(step * 600))
      samples.append(Sample(seq: Int64(step + 1), ts: ts, tempC: warm ? 5.6 : 3.5, rhPct: 91))
    }
    try store.write { tx in
      _ = try tx.insertNew(samples, source: try tx.sourceID(for: Self.air, agent: "hx-edge-1"))
      _ = try tx.openRoomSpan(
        RoomSpan(
          signal: .defrost, source: .schedule, sensor: nil, start: Self.utc("2026-06-12T04:45:00Z"), end: nil),
        site: "hongxuan", room: "cold2")
      try tx.recordAgentIncarnation(
        "9f3c0a5e12b4d67", site: "hongxuan", agent: "hx-edge-1", at: Self.utc("2026-06-12T01:10:00Z"))
    }
    let opened = try store.write { tx in
      try tx.apply(
        AlertEvent(
          type: .opened, key: Self.air, kind: .tempHigh, severity: .warning, productID: "litchi",
          at: Self.utc("2026-06-12T03:40:00Z"), limit: 5, value: 5.6, peak: 5.6, message: "temperature above 5 °C"),
        lots: ["LT-2026-0612"]
      ).alert.id
    }
    _ = try store.write { tx in
      try tx.acknowledge(alertID: opened, by: "lan", note: nil, at: Self.utc("2026-06-12T03:55:00Z"))
    }
    let others: [(AlertKind, SensorKey, String, String)] = [
      (
        .clockSkew, SensorKey(site: "hongxuan", room: "-", sensor: "hx-edge-1"), "2026-06-12T04:20:00Z",
        "the clock of agent hx-edge-1 is 3 h 0 min behind"
      ),
      (.offline, SensorKey(site: "hongxuan", room: "cold3", sensor: "cold3-air"), "2026-01-15T10:00:00Z", "silent"),
    ]
    for (kind, key, at, message) in others {
      let event = AlertEvent(
        type: .opened, key: key, kind: kind, severity: .warning, productID: "-", at: Self.utc(at), limit: nil,
        value: nil, peak: nil, message: message)
      _ = try store.write { tx in try tx.apply(event, lots: []) }
    }
    _ = try store.closeLot("LT-2026-0612", at: Self.utc("2026-06-12T05:00:00Z"))
  }

  /// `coldtrace` at the frozen clock, without the caller's locale.
  private func coldtrace(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let candidates = ["x86_64-linux-gnu", "aarch64-linux-gnu"].map { "/usr/lib/\($0)/faketime/libfaketime.so.1" }
    guard let library = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
      throw TestSupportError("libfaketime is not installed (scripts/bootstrap.sh installs the faketime package)")
    }
    return try Executables.run(
      URL(fileURLWithPath: "/usr/bin/env"),
      [
        "LD_PRELOAD=\(library)", "FAKETIME=\(Self.now)", "TZ=UTC", "DONT_FAKE_MONOTONIC=1",
        "FAKETIME_SHARED=/coldtrace-none /coldtrace-none", "LANG=", "LC_ALL=", "LC_MESSAGES=",
        Executables.product("coldtrace").path,
      ] + arguments + ["--db", database])
  }

  private func config(_ text: String) throws -> String {
    let path = directory.appendingPathComponent("collector-\(abs(text.hashValue)).toml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Compares `output` with the golden file `name` (or writes it with `COLDTRACE_UPDATE_GOLDEN=1`).
  private func expectGolden(_ name: String, _ output: String) throws {
    let file = Self.golden.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["COLDTRACE_UPDATE_GOLDEN"] == "1" {
      try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
      try output.write(to: file, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    #expect(output == expected, "\(name) differs from its golden file:\n\(output)")
  }

  static let goldenCases: [(name: String, language: String, utc: Bool)] = ["status", "alerts", "report"].flatMap {
    name in ["en", "vi"].flatMap { language in [false, true].map { (name, language, $0) } }
  }

  @Test(
    "status, alerts and the lot report in local time (+07:00) by default and in UTC with --utc, in en and vi",
    arguments: goldenCases)
  func golden(name: String, language: String, utc: Bool) throws {
    let command = name == "report" ? ["report", "LT-2026-0612"] : [name]
    let result = try coldtrace(command + ["--lang", language] + (utc ? ["--utc"] : []))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    try expectGolden("\(name)-\(language)\(utc ? "-utc" : "").txt", result.stdout)
  }

  @Test func theReportsMachineFormatsFollowTheZone() throws {
    let epcis = try coldtrace(["report", "LT-2026-0612", "--format", "epcis"])
    #expect(epcis.status == 0, "\(epcis.stderr)")
    #expect(epcis.stdout.contains(#""eventTime":"2026-06-12T10:00:00.000+07:00""#))
    #expect(epcis.stdout.contains(#""eventTimeZoneOffset":"+07:00""#))
    let epcisUTC = try coldtrace(["report", "LT-2026-0612", "--format", "epcis", "--utc"])
    #expect(epcisUTC.stdout.contains(#""eventTime":"2026-06-12T03:00:00.000Z""#))
    #expect(epcisUTC.stdout.contains(#""eventTimeZoneOffset":"+00:00""#))
    let json = try coldtrace(["report", "LT-2026-0612", "--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(object["from"] as? String == "2026-06-12T03:00:00.000Z", "JSON times stay UTC")
    #expect(object["time_zone"] as? String == "Asia/Ho_Chi_Minh")
    let csv = try coldtrace(["report", "LT-2026-0612", "--format", "csv"])
    #expect(csv.stdout.contains("2026-06-12T03:00:00.000Z,2026-06-12 10:00,hongxuan"), "\(csv.stdout.prefix(300))")
    let room = try coldtrace(["report", "room", "hongxuan/cold2", "--from", "2026-06-12", "--format", "json"])
    let roomObject = try #require(try JSONSerialization.jsonObject(with: Data(room.stdout.utf8)) as? [String: Any])
    #expect(roomObject["from"] as? String == "2026-06-11T17:00:00.000Z", "the local day starts at 17:00 UTC")
    #expect(roomObject["time_zone"] as? String == "Asia/Ho_Chi_Minh")
  }

  @Test func aSiteInBerlinShowsSummerAndWinterTimeWithTheirOffsets() throws {
    let berlin = try config("[sites.hongxuan]\ntime_zone = \"Europe/Berlin\"\n")
    let result = try coldtrace(["alerts", "--config", berlin])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.contains("2026-06-12 05:40") && $0.contains("temp_high") }, "summer: +02:00")
    #expect(lines.contains { $0.contains("2026-01-15 11:00") && $0.contains("offline") }, "winter: +01:00")
    #expect(lines.last == "times in Europe/Berlin (+01:00, +02:00)")
    let report = try coldtrace(["report", "LT-2026-0612", "--config", berlin])
    #expect(report.stdout.contains("Times are in:                   Europe/Berlin (+02:00)"), "\(report.stdout)")
    #expect(report.stdout.contains("2026-06-12 05:00 → 2026-06-12 07:00"))
  }

  @Test(
    "a time zone the data does not know is one line and exit 2",
    arguments: [["status"], ["alerts"], ["report", "LT-2026-0612"]])
  func aBadZoneNameIsExitTwo(command: [String]) throws {
    let bad = try config("time_zone = \"Asia/Hanoi_City\"\n")
    let result = try coldtrace(command + ["--config", bad])
    #expect(result.status == 2)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.contains("time_zone") && result.stderr.contains("Asia/Hanoi_City"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test func utcAndAFixedOffsetTogetherAreRefused() throws {
    let result = try coldtrace(["report", "LT-2026-0612", "--utc", "--utc-offset", "+07:00"])
    #expect(result.status == 2 && result.stderr.contains("--utc"), "\(result.stderr)")
  }

  @Test func lotsAndProbesAreListedInLocalTimeToo() throws {
    let list = try coldtrace(["lot", "list"])
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.contains("hongxuan/cold2  2026-06-12 10:00  closed"), "\(list.stdout)")
    #expect(list.stdout.hasSuffix("times in Asia/Ho_Chi_Minh (+07:00)\n"))
    let utc = try coldtrace(["lot", "list", "--utc"])
    #expect(utc.stdout.contains("2026-06-12 03:00") && utc.stdout.hasSuffix("times in UTC\n"), "\(utc.stdout)")
    let show = try coldtrace(["lot", "show", "LT-2026-0612"])
    #expect(show.stdout.contains("hongxuan/cold2  2026-06-12 10:00  2026-06-12 12:00"), "\(show.stdout)")
    #expect(show.stdout.contains("1   2026-06-12 10:40  acked"), "the lot's alerts too")
    let probes = try coldtrace(["probe", "list"])
    #expect(probes.stdout.contains("2026-06-12 11:50"), "\(probes.stdout)")
    #expect(probes.stdout.hasSuffix("times in Asia/Ho_Chi_Minh (+07:00)\n"))
  }
}
