import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// One site that invents sensor ids (issue 24) against a real broker and collector with the default site limits:
/// the collector's memory, its `sources` table and its alerts stay bounded, and the other probes keep working.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SiteFloodTests {
  @Test func sixtyThousandInventedIdsAreCappedQuarantinedAndRaiseOneWarning() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: broker, clientID: "flood")

    // A probe of the flooding site and one of another site, known before the flood.
    try publisher.publish("coldtrace/v1/reading/hongxuan/cold2/cold2-air", secondsAgo: 1800)
    try publisher.publish("coldtrace/v1/reading/longvien/cold1/cold1-air", secondsAgo: 1800)
    #expect(eventually(timeout: 20) { (try? store.counts().readings) == 2 })
    let pid = try #require(facility.collectorPID)
    let before = try #require(residentKilobytes(of: pid))

    let flood = 60_000
    let started = Date()
    for id in 0..<flood { try publisher.publish("coldtrace/v1/reading/hongxuan/bridge/zb-\(id)", secondsAgo: 60) }
    #expect(publisher.waitForAcknowledgements(timeout: 300))
    let limit = SiteLimits().maxProbes
    let expectedRefused = flood - (limit - 1)
    #expect(
      eventually(timeout: 120) {
        (try? store.counts().quarantinedByReason["site_probe_limit"]) == expectedRefused
      })
    let seconds = Date().timeIntervalSince(started)
    let after = try #require(residentKilobytes(of: pid))
    print("flood: \(flood) ids in \(Int(seconds)) s; collector VmRSS \(before) kB before, \(after) kB after")
    #expect(after - before < 40_000, "VmRSS grew from \(before) to \(after) kB")

    let registered = try store.probeRecords(site: "hongxuan", retired: true, now: WallClock.now())
    #expect(registered.count == limit, "sources rows of the flooding site stop at max_probes")
    let alerts = try store.alerts(AlertFilter())
    #expect(alerts.filter { $0.kind == .siteLimit }.count == 1)
    #expect(
      alerts.first { $0.kind == .siteLimit }.map { ($0.site, $0.sensor) } ?? ("", "") == ("hongxuan", "max_probes"))
    #expect(!alerts.contains { $0.kind == .offline && $0.sensor.hasPrefix("zb-") })
    #expect(try store.pendingProbes(site: "hongxuan", rejected: true).count == 1000, "pending ids tracked are bounded")
    // One log line for the site and reason, not one per id.
    #expect(facility.collectorLog.components(separatedBy: "site_probe_limit").count < 10)

    // The site's registered probe and the other site's probe are stored and judged as before: 30 minutes at 12 °C
    // (litchi: critical above 8 °C for 10 minutes).
    for minute in stride(from: 25, through: 5, by: -5) {
      try publisher.publish("coldtrace/v1/reading/hongxuan/cold2/cold2-air", tempC: 12, secondsAgo: Double(minute * 60))
      try publisher.publish("coldtrace/v1/reading/longvien/cold1/cold1-air", tempC: 12, secondsAgo: Double(minute * 60))
    }
    // Stored: the two probes' readings, and the first reading of each flood id registered up to max_probes.
    #expect(eventually(timeout: 30) { (try? store.counts().readings) == 2 + (limit - 1) + 2 * 5 })
    #expect(
      eventually(timeout: 30) {
        let raised = (try? store.alerts(AlertFilter()).filter { $0.kind == .tempHigh }.map(\.sensor)) ?? []
        return Set(raised) == ["cold2-air", "cold1-air"]
      })
    #expect(try Executables.run(Executables.product("coldtrace"), ["journal", "verify", facility.journal]).status == 0)
  }
}
