import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace status` over a database written through the storage API: a probe warming 3 °C an hour with a lot of
/// litchi in its room and an open alert, and a probe silent for an hour in another room.
@Suite(.timeLimit(.minutes(10)))
struct StatusCommandTests {
  static let warming = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-air")
  static let silent = SensorKey(site: "hongxuan", room: "cold3", sensor: "cold3-air")

  let directory: URL
  let database: String
  let alertID: Int64
  let budgetAlertID: Int64

  init() throws {
    directory = try TemporaryDirectory.make(prefix: "status")
    database = directory.appendingPathComponent("coldtrace.db").path
    let now = Timestamp(seconds: WallClock.now().milliseconds / 1000)
    let store = try SQLiteStore(path: database)
    // Every minute for the last 30 minutes, 0.05 °C warmer each time: +3 °C/h, latest 30 s ago.
    var warmingSamples: [Sample] = []
    for minute in 0..<30 {
      let ts = now.adding(seconds: Double(minute - 29) * 60 - 30)
      let tempC = 2.05 + 0.05 * Double(minute)
      warmingSamples.append(Sample(seq: Int64(minute + 1), ts: ts, tempC: tempC, rhPct: 91.25))
    }
    let silentSamples = [Sample(seq: 1, ts: now.adding(seconds: -3600), tempC: -18.5)]
    try store.write { tx in
      _ = try tx.insertNew(
        warmingSamples, source: try tx.sourceID(for: Self.warming, agent: "hx-edge-1"))
      _ = try tx.insertNew(
        silentSamples, source: try tx.sourceID(for: Self.silent, agent: "hx-edge-1"))
    }
    alertID = try store.write { tx in
      try tx.apply(
        AlertEvent(
          type: .opened, key: Self.warming, kind: .tempHigh, severity: .critical, productID: "litchi",
          at: now.adding(seconds: -120), limit: 3.2, value: 3.4, peak: 3.45, message: "test alert"),
        lots: ["L-001"]
      ).alert.id
    }
    budgetAlertID = try store.write { tx in
      try tx.apply(
        AlertEvent(
          type: .opened, key: SensorKey(site: "hongxuan", room: "cold2", sensor: "lot/L-001/temp_c"), kind: .budget,
          severity: .critical, productID: "litchi", at: now.adding(seconds: -60), limit: 120, value: 121, peak: 121,
          message: "budget used up"),
        lots: ["L-001"]
      ).alert.id
    }
    _ = try store.addLot(
      "L-001", product: "litchi", market: "EU", site: "hongxuan", room: "cold2", at: now.adding(seconds: -7200))
    _ = try store.addLot(
      "L-OLD", product: "longan", market: nil, site: "hongxuan", room: "cold2", at: now.adding(seconds: -9000))
    _ = try store.closeLot("L-OLD", at: now.adding(seconds: -8000))
  }

  private func status(_ arguments: String..., environment: [String: String] = [:]) throws
    -> (status: Int32, stdout: String, stderr: String)
  {
    try Executables.run(
      Executables.product("coldtrace"), ["status", "--db", database] + arguments,
      environment: ["LANG": "", "LC_ALL": "", "LC_MESSAGES": ""].merging(environment) { $1 })
  }

  @Test("JSON: trend, staleness, the lots in the room now and the open alerts")
  func json() throws {
    let result = try status("--json")
    #expect(result.status == 0, "\(result.stderr)")
    let objects = result.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    #expect(objects.count == 2)
    let warming = try #require(objects.first { $0["sensor"] as? String == "cold2-air" })
    let trend = try #require(warming["trend_c_per_h"] as? Double)
    #expect(abs(trend - 3) < 0.01, "least-squares slope of +0.05 °C a minute is 3 °C/h, got \(trend)")
    #expect(warming["stale"] as? Bool == false)
    #expect(warming["readings_24h"] as? Int == 30)
    let lots = try #require(warming["lots"] as? [[String: Any]])
    #expect(lots.map { $0["lot"] as? String } == ["L-001"], "the closed lot is not in the room any more")
    #expect(lots.first?["market"] as? String == "EU")
    #expect((warming["open_alerts"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(alertID)])
    #expect((warming["room_lot_alerts"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(budgetAlertID)])

    let silent = try #require(objects.first { $0["sensor"] as? String == "cold3-air" })
    #expect(silent["stale"] as? Bool == true)
    #expect(isNull(silent["trend_c_per_h"]), "one reading gives no trend")
    #expect((silent["lots"] as? [Any])?.isEmpty == true)
    #expect((silent["age_s"] as? Double ?? 0) >= 3600)
  }

  @Test("text when piped: no colour codes, rooms headed with their lots, stale probes marked, in English")
  func englishText() throws {
    let result = try status()
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stdout.contains("\u{1B}["), "no ANSI escapes when stdout is a pipe")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.contains("TREND °C/h") == true)
    #expect(lines.contains("hongxuan/cold2 · lots: L-001 (litchi, EU)"))
    #expect(lines.contains("hongxuan/cold3 · no lot"))
    #expect(lines.contains("  ! critical budget #\(budgetAlertID): lot L-001"), "the lot's alert under its room")
    let warming = try #require(lines.first { $0.contains("cold2-air") })
    #expect(warming.contains("3.5") && warming.contains("91.3") && warming.contains("↑ +3.0"))
    #expect(warming.contains("critical temp_high #\(alertID)"))
    let silent = try #require(lines.first { $0.contains("cold3-air") })
    #expect(silent.contains("60 min STALE") && silent.contains("−18.5") && silent.hasSuffix("ok"))
    #expect(lines.dropLast().last == "STALE: no reading for more than 10 min.")
    #expect(lines.last == "times in Asia/Ho_Chi_Minh (+07:00)", "the zone of the times, last")
    // Columns line up: each probe's temperature starts in the header's "TEMP °C" column.
    let header = Array(try #require(lines.first))
    let column = try #require((0..<header.count).first { String(header[$0...]).hasPrefix("TEMP °C") })
    for row in [warming, silent].map(Array.init) {
      #expect(row[column - 1] == " " && row[column] != " ", "misaligned: \(String(row))")
    }
  }

  @Test("Vietnamese by --lang or the locale: diacritics, decimal commas")
  func vietnameseText() throws {
    for result in [try status("--lang", "vi"), try status(environment: ["LANG": "vi_VN.UTF-8"])] {
      #expect(result.status == 0, "\(result.stderr)")
      let lines = result.stdout.split(separator: "\n").map(String.init)
      #expect(lines.first?.contains("NHIỆT ĐỘ °C") == true)
      #expect(lines.contains("hongxuan/cold2 · lô hàng: L-001 (litchi, EU)"))
      #expect(lines.contains("  ! nguy cấp hết hạn mức vượt ngưỡng #\(budgetAlertID): lô L-001"))
      let warming = try #require(lines.first { $0.contains("cold2-air") })
      #expect(warming.contains("3,5") && warming.contains("91,3") && warming.contains("↑ +3,0"))
      #expect(warming.contains("nguy cấp nhiệt độ cao #\(alertID)"))
      #expect(lines.contains { $0.contains("cold3-air") && $0.contains("60 phút MẤT TÍN HIỆU") })
    }
  }

  @Test("bad --lang and --stale-after: one line, exit 2")
  func badOptions() throws {
    for arguments in [["--lang", "fr"], ["--stale-after", "0"], ["--stale-after", "nan"], ["--stale-after", "-5"]] {
      let result = try Executables.run(Executables.product("coldtrace"), ["status", "--db", database] + arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
    }
  }
}
