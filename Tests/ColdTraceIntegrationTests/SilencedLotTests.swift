import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// A silence over a lot's room changes nothing the lot's record says: the same budget, the same `budget` alert
/// (never silenced) and the same report verdict, through the real `coldtrace` on real database files.
@Suite(.timeLimit(.minutes(10)))
struct SilencedLotTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!

  private func object(_ text: some StringProtocol) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// What the lot's record says after 140 minutes at 7 °C in hongxuan/cold2 (past litchi's 120-minute budget), with
  /// the room's `temp_high` alert raised as the collector would; with `silenced`, a silence of the whole site covers
  /// all of it.
  private func record(silenced: Bool) throws -> (lot: [String: Any], alerts: [[String: Any]], report: [String: Any]) {
    let db = try TemporaryDirectory.make(prefix: "silencedlot").appendingPathComponent("coldtrace.db").path
    let store = try SQLiteStore(path: db)
    let probe = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1")
    try store.write { tx in
      if silenced {
        _ = try tx.addSilence(
          try SilenceScope.parse("hongxuan"), from: start.adding(seconds: -3600),
          until: start.adding(seconds: 6 * 3600),
          reason: "cleaning", by: "lan")
      }
      let source = try tx.sourceID(for: probe, agent: "hx-1")
      let samples = (0..<140).map { Sample(seq: Int64($0 + 1), ts: start.adding(seconds: Double($0 * 60)), tempC: 7) }
      _ = try tx.insertNew(samples, source: source)
      _ = try tx.apply(
        AlertEvent(
          type: .opened, key: probe, kind: .tempHigh, severity: .warning, productID: "litchi",
          at: start.adding(seconds: 45 * 60), limit: 5, value: 7, peak: 7, message: "temperature 7 °C above 5 °C"),
        lots: ["LT-7"])
    }
    let added = try Executables.coldtrace(
      ["lot", "add", "LT-7", "--product", "litchi", "--room", "hongxuan/cold2", "--at", start.rfc3339], db: db)
    #expect(added.status == 0, "\(added.stderr)")
    let shown = try object(try Executables.coldtrace(["lot", "show", "LT-7", "--json"], db: db).stdout)
    let alerts = try Executables.coldtrace(["alerts", "--lot", "LT-7", "--since", start.rfc3339, "--json"], db: db)
      .stdout
      .split(separator: "\n").map { try object($0) }
    let report = try Executables.coldtrace(["report", "LT-7", "--format", "json"], db: db)
    #expect(report.status == 0, "\(report.stderr)")
    return (shown, alerts, try object(report.stdout))
  }

  @Test func aLotsBudgetAlertAndVerdictAreTheSameWithAndWithoutASilence() throws {
    let plain = try record(silenced: false)
    let silenced = try record(silenced: true)

    #expect((plain.lot["budget"] as? NSDictionary) == (silenced.lot["budget"] as? NSDictionary))
    let budget = { (alerts: [[String: Any]]) in alerts.first { $0["kind"] as? String == "budget" } }
    let plainBudget = try #require(budget(plain.alerts))
    #expect(plainBudget["opened_at"] as? String == start.adding(seconds: 120 * 60).rfc3339)
    #expect((plainBudget as NSDictionary) == (try #require(budget(silenced.alerts)) as NSDictionary))
    #expect(plainBudget["silenced"] is NSNull, "a lot alert is never silenced")

    let verdict = try #require(plain.report["verdict"] as? NSDictionary)
    #expect(verdict["outcome"] as? String == "failed")
    #expect(verdict == (silenced.report["verdict"] as? NSDictionary))
    for key in ["minutes_out_of_range", "budget_minutes", "excursions"] {
      #expect((plain.report[key] as? NSObject) == (silenced.report[key] as? NSObject), "\(key)")
    }
    // The room's own band alert is the one thing the silence marks.
    let band = { (alerts: [[String: Any]]) in alerts.first { $0["kind"] as? String == "temp_high" } }
    #expect(try #require(band(plain.alerts))["silenced"] is NSNull)
    #expect(try #require(band(silenced.alerts))["silenced"] as? String == "1")
  }
}
