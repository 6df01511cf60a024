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
    let site = try NotifyingFacility(settings: "offline_after_minutes = 0.2")
    defer { site.stop() }
    let store = try SQLiteStore(path: site.facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: site.broker, clientID: "hx-bridge")
    let probes = (1...40).map { index in (room: index <= 20 ? "cold1" : "cold2", sensor: "probe-\(index)") }
    for probe in probes {
      try publisher.publish("coldtrace/v1/reading/hongxuan/\(probe.room)/\(probe.sensor)", secondsAgo: 1)
    }
    #expect(publisher.waitForAcknowledgements(timeout: 60))
    #expect(eventually(timeout: 30) { (try? store.counts().readings) == probes.count })

    // The power goes: nothing more arrives. After 12 s of silence and a timer round, one site-level alert.
    #expect(eventually(timeout: 60) { (try? store.alerts(AlertFilter()).contains { $0.kind == .offline }) == true })
    // Its notification goes out (grouped for 1 s); a few more timer rounds add nothing.
    #expect(eventually(timeout: 30) { site.runCount() > 0 })
    Thread.sleep(forTimeInterval: 6)

    let offline = try store.alerts(AlertFilter()).filter { $0.kind == .offline }
    #expect(offline.count == 1)
    #expect(offline.first.map { ($0.site, $0.room, $0.sensor) } ?? ("", "", "") == ("hongxuan", "-", "*"))
    #expect(offline.first?.message.hasPrefix("40 probes of site hongxuan sent nothing") == true)
    let rows = try store.notifications(channel: "sms")
    #expect(rows.count == 1, "one outbox row: \(rows.map(\.line))")
    #expect(rows.first?.alertID == offline.first?.id)
    #expect(rows.first?.state == "delivered")
    #expect(site.deliveredLines().count == 1)
    #expect(site.runCount() == 1, "one run: one SMS")

    // Each probe is still on the board, marked stale (no per-probe alert is open).
    let boards = try site.facility.jsonObjects(["status", "--json"] + site.config).filter {
      $0["site"] as? String == "hongxuan" && ($0["sensor"] as? String)?.hasPrefix("probe-") == true
    }
    #expect(boards.count == probes.count)
    #expect(boards.allSatisfy { $0["stale"] as? Bool == true }, "every probe is shown stale")
    // The site alert itself is on the board too: one JSON line, and its own section in the text.
    let siteAlerts = try site.facility.jsonObjects(["status", "--json"] + site.config).filter {
      $0["site_alert"] != nil
    }
    #expect(siteAlerts.count == 1)
    #expect((siteAlerts.first?["site_alert"] as? NSNumber)?.int64Value == offline.first?.id)
    #expect(siteAlerts.first?["kind"] as? String == "offline")
    #expect(siteAlerts.first?["sensor"] == nil, "no sensor field: a filter on probes passes over it")
    let text = try site.facility.shell(["status", "--lang", "en"] + site.config)
    #expect(
      text.stdout.contains("Open site alerts\n  hongxuan  critical offline #\(offline.first?.id ?? 0) since "),
      "\(text.stdout)")
    #expect(text.stdout.contains("40 probes of site hongxuan sent nothing"))
  }
}
