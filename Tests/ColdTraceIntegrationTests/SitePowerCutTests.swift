import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// A power cut of a whole site, with a real broker, the real collector and a real notification program: 40 probes in
/// two rooms report, then nothing. The operator gets one site-level `offline` alert naming them, the outbox one row
/// and the program one run with one line, and `coldtrace status` still shows each probe, stale.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SitePowerCutTests {
  @Test func aFortyProbeSiteGoingDarkIsOneAlertOneNotificationAndFortyStaleProbes() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let delivered = facility.directory.appendingPathComponent("sms.jsonl")
    let runs = facility.directory.appendingPathComponent("sms-runs")
    let config = try facility.collectorConfig(
      """
      offline_after_minutes = 0.2

      [[notify]]
      name = "sms"
      command = ["/bin/sh", "-c", "cat >> '\(delivered.path)'; echo run >> '\(runs.path)'"]
      group_seconds = 1
      contacts = ["+84901234567"]
      """)
    try facility.startCollector(arguments: config)
    let store = try SQLiteStore(path: facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: broker, clientID: "hx-bridge")
    let probes = (1...40).map { index in (room: index <= 20 ? "cold1" : "cold2", sensor: "probe-\(index)") }
    for probe in probes {
      try publisher.publish("coldtrace/v1/reading/hongxuan/\(probe.room)/\(probe.sensor)", secondsAgo: 1)
    }
    #expect(publisher.waitForAcknowledgements(timeout: 60))
    #expect(eventually(timeout: 30) { (try? store.counts().readings) == probes.count })

    // The power goes: nothing more arrives. After 12 s of silence and a timer round, one site-level alert.
    #expect(eventually(timeout: 60) { (try? store.alerts(AlertFilter()).contains { $0.kind == .offline }) == true })
    // Its notification goes out (grouped for 1 s); a few more timer rounds add nothing.
    #expect(eventually(timeout: 30) { (try? String(contentsOf: runs, encoding: .utf8)) != nil })
    Thread.sleep(forTimeInterval: 6)

    let offline = try store.alerts(AlertFilter()).filter { $0.kind == .offline }
    #expect(offline.count == 1)
    #expect(offline.first.map { ($0.site, $0.room, $0.sensor) } ?? ("", "", "") == ("hongxuan", "-", "*"))
    #expect(offline.first?.message.hasPrefix("40 probes of site hongxuan sent nothing") == true)
    let rows = try store.notifications(channel: "sms")
    #expect(rows.count == 1, "one outbox row: \(rows.map(\.line))")
    #expect(rows.first?.alertID == offline.first?.id)
    #expect(rows.first?.state == "delivered")
    let lines = try String(contentsOf: delivered, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 1)
    #expect(try String(contentsOf: runs, encoding: .utf8).split(separator: "\n").count == 1, "one run: one SMS")

    // Each probe is still on the board, marked stale (no per-probe alert is open).
    let status = try facility.shell(["status", "--json"] + config)
    #expect(status.status == 0, "\(status.stderr)")
    let boards = status.stdout.split(separator: "\n").compactMap { line in
      try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }.filter { $0["site"] as? String == "hongxuan" && ($0["sensor"] as? String)?.hasPrefix("probe-") == true }
    #expect(boards.count == probes.count)
    #expect(boards.allSatisfy { $0["stale"] as? Bool == true }, "every probe is shown stale")
  }
}
