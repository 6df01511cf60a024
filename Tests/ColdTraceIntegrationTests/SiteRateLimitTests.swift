import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Per-site limits with a real broker and collector: a site over its `max_readings_per_second` gets its excess
/// quarantined (`site_rate_limit`) and one `site_limit` warning, which resolves once it is quiet; other sites are
/// not touched. And 5,000 invented ids with `offline_after_minutes = 1` raise one site-level offline alert, not a storm.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SiteRateLimitTests {
  @Test func aSiteOverItsRateIsQuarantinedWithOneWarningAndTheOthersAreNotTouched() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    let config = try facility.collectorConfig(
      """
      offline_after_minutes = 0.2

      [sites]
      limit_clear_minutes = 0.1

      [sites.hongxuan]
      max_readings_per_second = 20
      burst_readings = 40
      """)
    try facility.startCollector(arguments: config)
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: broker, clientID: "fast")
    let sent = 500
    for index in 0..<sent {
      try publisher.publish("coldtrace/v1/reading/hongxuan/cold2/cold2-air", secondsAgo: Double(3000 - index))
      try publisher.publish("coldtrace/v1/reading/longvien/cold1/cold1-air", secondsAgo: Double(3000 - index))
    }
    #expect(publisher.waitForAcknowledgements(timeout: 120))
    #expect(
      eventually(timeout: 60) {
        guard let counts = try? store.counts() else { return false }
        return counts.readings + (counts.quarantinedByReason["site_rate_limit"] ?? 0) == 2 * sent
      })
    let counts = try store.counts()
    let limited = counts.quarantinedByReason["site_rate_limit"] ?? 0
    print("rate limit: \(limited) of \(sent) readings of hongxuan quarantined; \(counts.readings) stored")
    #expect(limited >= sent - 40 - 20 * 30, "at most the burst and 20/s pass")
    #expect(limited < sent)
    var otherSite = ReadingFilter()
    otherSite.site = "longvien"
    #expect(try store.readings(otherSite).count == sent, "the other site is not limited")
    let warnings = try store.alerts(AlertFilter()).filter { $0.kind == .siteLimit }
    #expect(warnings.count == 1)
    #expect(warnings.first?.site == "hongxuan")
    #expect(warnings.first?.sensor == "max_readings_per_second")
    // Quiet for limit_clear_minutes (6 s): the warning resolves at a timer round.
    #expect(
      eventually(timeout: 40) {
        (try? store.alerts(AlertFilter()).first { $0.kind == .siteLimit }?.state) == .resolved
      })
  }

  @Test func fiveThousandInventedIdsWithAOneMinuteOfflineRaiseNoStorm() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector(arguments: try facility.collectorConfig("offline_after_minutes = 1\n"))
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: broker, clientID: "bridge")
    for id in 0..<5000 { try publisher.publish("coldtrace/v1/reading/hongxuan/bridge/zb-\(id)", secondsAgo: 5) }
    #expect(publisher.waitForAcknowledgements(timeout: 120))
    let limit = SiteLimits().maxProbes
    #expect(eventually(timeout: 60) { (try? store.counts().quarantinedByReason["site_probe_limit"]) == 5000 - limit })
    // Past the offline time and a timer round: the probes registered up to max_probes go silent together and raise
    // one site-level offline alert naming them, not one each.
    Thread.sleep(forTimeInterval: 80)
    let alerts = try store.alerts(AlertFilter())
    let offline = alerts.filter { $0.kind == .offline }
    let lines = try String(contentsOfFile: facility.journal, encoding: .utf8).split(separator: "\n").count
    print("5,000 ids, offline_after_minutes = 1: \(offline.count) offline alerts, \(lines) journal lines")
    #expect(offline.count == 1)
    #expect(offline.first.map { ($0.site, $0.room, $0.sensor) } ?? ("", "", "") == ("hongxuan", "-", "*"))
    #expect(offline.first?.message.hasPrefix("\(limit) probes of site hongxuan sent nothing") == true)
    #expect(alerts.filter { $0.kind == .siteLimit }.count == 1)
    #expect(lines <= 3, "the config line, one site_limit, one site-level offline")
    // They all report again: the site-level alert resolves at a timer round, and no per-probe line appears.
    for id in 0..<limit { try publisher.publish("coldtrace/v1/reading/hongxuan/bridge/zb-\(id)", secondsAgo: 1) }
    #expect(
      eventually(timeout: 40) {
        (try? store.alerts(AlertFilter()).first { $0.kind == .offline }?.state) == .resolved
      })
    #expect(try String(contentsOfFile: facility.journal, encoding: .utf8).split(separator: "\n").count == lines + 1)
  }
}
