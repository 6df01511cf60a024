import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace report room` as an inspector's visit needs it, against a real database file: the happy path in each
/// format, a signed room report that `report verify` accepts, and bad arguments refused with one line and exit 2.
@Suite(.timeLimit(.minutes(10)))
struct RoomReportCommandTests {
  /// 2026-06-10 00:00 at UTC+07:00.
  private let dayZero = Timestamp(seconds: 1_781_024_400)

  private func coldtrace(_ arguments: [String], in directory: URL) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    try Executables.run(
      URL(fileURLWithPath: "/usr/bin/env"), ["-C", directory.path, Executables.product("coldtrace").path] + arguments,
      environment: ["LANG": "C", "COLDTRACE_DB": directory.appendingPathComponent("coldtrace.db").path])
  }

  /// Two days of hourly readings of p1 in hx/cold2, 3 °C on the first day and 4 °C on the second.
  private func database() throws -> URL {
    let directory = try TemporaryDirectory.make(prefix: "roomreport")
    let store = try SQLiteStore(path: directory.appendingPathComponent("coldtrace.db").path)
    try store.write { tx in
      let source = try tx.sourceID(for: SensorKey(site: "hx", room: "cold2", sensor: "p1"), agent: "edge")
      let samples = (0..<48).map { hour in
        Sample(
          seq: Int64(hour + 1), ts: dayZero.adding(seconds: Double(hour) * 3600), tempC: hour < 24 ? 3 : 4, rhPct: 92)
      }
      _ = try tx.insertNew(samples, source: source)
    }
    return directory
  }

  @Test func aRoomReportInEveryFormatAndSignedOne() throws {
    let directory = try database()
    let period = ["--from", "2026-06-10", "--to", "2026-06-11"]
    let text = try coldtrace(["report", "room", "hx/cold2"] + period, in: directory)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("Cold room report: hx/cold2") && text.stdout.contains("Asia/Ho_Chi_Minh (+07:00)"))
    #expect(text.stdout.contains("2026-06-10 cold2/p1") && text.stdout.contains("2026-06-11 cold2/p1"))
    let json = try coldtrace(["report", "room", "--site", "hx", "--format", "json"] + period, in: directory)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let daily = try #require(object["daily"] as? [[String: Any]])
    #expect(daily.filter { $0["metric"] as? String == "temp_c" }.map { $0["mean"] as? Double } == [3, 4])
    let csv = try coldtrace(["report", "room", "hx/cold2", "--format", "csv", "--lang", "vi"] + period, in: directory)
    #expect(csv.stdout.hasPrefix("day;site;room;sensor;metric;readings;min;max;mean\r\n"), "\(csv.stderr)")

    #expect(try coldtrace(["keys", "init"], in: directory).status == 0)
    let signed = try coldtrace(
      ["report", "room", "hx/cold2", "--format", "html", "--sign", "--out", "cold2.html"] + period, in: directory)
    #expect(signed.status == 0, "\(signed.stderr)")
    let valid = try coldtrace(["report", "verify", "cold2.html", "--key", "coop.pub"], in: directory)
    #expect(valid.status == 0 && valid.stdout.hasPrefix("valid:"), "\(valid.stdout) \(valid.stderr)")
    #expect(valid.stdout.contains("html report on room hx/cold2"), "\(valid.stdout)")
  }

  @Test func badArgumentsExitTwoWithOneLine() throws {
    let directory = try database()
    let cases: [([String], String)] = [
      (["report", "room", "hx/cold9", "--from", "2026-06-10"], "no room hx/cold9"),
      (["report", "room", "--site", "nowhere", "--from", "2026-06-10"], "no site nowhere"),
      (["report", "room", "hx/cold2", "--from", "2026-06-12", "--to", "2026-06-10"], "must come before --to"),
      (["report", "room", "hx/cold2", "--from", "2026-06-10T12:00:00Z", "--to", "2026-06-10T12:00:00Z"], "before"),
      (["report", "room", "hx/cold2", "--from", "yesterday"], "is not a time"),
      (["report", "room", "cold2", "--from", "2026-06-10"], "site/room"),
      (["report", "room", "--from", "2026-06-10"], "name a room"),
      (["report", "room", "hx/cold2", "--from", "2026-06-10", "--format", "epcis"], "--format"),
    ]
    for (arguments, expected) in cases {
      let result = try coldtrace(arguments, in: directory)
      #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
      let lines = result.stderr.split(separator: "\n")
      #expect(lines.count == 1 && result.stderr.contains(expected), "\(arguments): \(result.stderr)")
      #expect(result.stdout.isEmpty)
    }
  }
}
