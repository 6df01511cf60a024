import ColdTraceCore
import ColdTraceStorage
import Foundation
import Logging
import TestSupport
import Testing

@testable import ColdTraceCollector

/// A site broker's link state (`coldtrace/v1/bridge/<site>`, `1` or `0`): changes recorded with the time they were
/// seen, retained repeats changing nothing but the time last seen, anything else refused, and the states read back by
/// a restarted collector and written on `/metrics`.
struct SiteBridgeTrackerTests {
  private let start = Timestamp(seconds: 1_780_000_000)

  private func receive(_ tracker: SiteBridgeTracker, _ topic: String, _ text: String, at seconds: Double) -> Bool {
    Array(text.utf8).withUnsafeBytes { tracker.receive(topic: topic, payload: $0, now: start.adding(seconds: seconds)) }
  }

  @Test func changesAreRecordedRepeatsKeepTheirSinceAndARestartedCollectorKnowsThem() throws {
    let database = try TemporaryDirectory.make(prefix: "bridges").appendingPathComponent("c.db").path
    let tracker = try SiteBridgeTracker(store: try SQLiteStore(path: database), logger: Logger(label: "test"))
    #expect(receive(tracker, "coldtrace/v1/bridge/hongxuan", "1", at: 0))
    #expect(receive(tracker, "coldtrace/v1/bridge/hongxuan", "0", at: 60))
    #expect(receive(tracker, "coldtrace/v1/bridge/hongxuan", "0", at: 90))  // the will again, retained
    #expect(receive(tracker, "coldtrace/v1/bridge/dongtien", "1", at: 100))
    let expected = [
      SiteBridgeState(site: "dongtien", up: true, since: start.adding(seconds: 100), seen: start.adding(seconds: 100)),
      SiteBridgeState(site: "hongxuan", up: false, since: start.adding(seconds: 60), seen: start.adding(seconds: 60)),
    ]
    // A repeat is not written (the database keeps the change); the live state knows it was seen again.
    #expect(try SQLiteStore(path: database, create: false).siteBridges() == expected)
    #expect(tracker.current["hongxuan"]?.seen == start.adding(seconds: 90))

    let restarted = try SiteBridgeTracker(
      store: try SQLiteStore(path: database, create: false), logger: Logger(label: "test"))
    #expect(restarted.current.values.sorted { $0.site < $1.site } == expected)
    #expect(receive(restarted, "coldtrace/v1/bridge/hongxuan", "1", at: 200))
    #expect(try SQLiteStore(path: database, create: false).siteBridges().last?.since == start.adding(seconds: 200))

    var text = MetricsText()
    CollectorMetrics.writeSiteBridges(restarted.current, into: &text)
    #expect(text.text.contains(#"coldtrace_site_bridge_up{site="hongxuan"} 1"#))
    #expect(text.text.contains(#"coldtrace_site_bridge_up{site="dongtien"} 1"#))
    #expect(text.text.contains(#"coldtrace_site_bridge_since_timestamp_seconds{site="hongxuan"} 1780000200"#))
  }

  @Test func uplinkDownOpensPastTheGraceStaysOpenAcrossARestartAndResolvesWhenTheBridgeIsBack() throws {
    let database = try TemporaryDirectory.make(prefix: "bridges").appendingPathComponent("c.db").path
    let rule = SiteUplinkRule(graceSeconds: 60)
    let tracker = try SiteBridgeTracker(
      store: try SQLiteStore(path: database), logger: Logger(label: "test"), rule: rule)
    #expect(receive(tracker, "coldtrace/v1/bridge/hongxuan", "1", at: 0))
    #expect(receive(tracker, "coldtrace/v1/bridge/hongxuan", "0", at: 10))
    #expect(tracker.check(now: start.adding(seconds: 65)).committed.alerts.isEmpty, "within the grace")
    let opened = tracker.check(now: start.adding(seconds: 75))
    #expect(opened.failure == nil)
    let alert = try #require(opened.committed.alerts.first)
    #expect(alert.key == SensorKey(site: "hongxuan", room: "-", sensor: "*"))
    #expect(alert.event.alert.kind == .uplinkDown && alert.event.alert.severity == .warning)
    #expect(alert.event.line.contains(#""event":"opened""#))
    #expect(tracker.check(now: start.adding(seconds: 200)).committed.alerts.isEmpty, "opened once")

    // A restarted collector knows it is open: the bridge's 1 resolves it, at the time the bridge came back.
    let restarted = try SiteBridgeTracker(
      store: try SQLiteStore(path: database, create: false), logger: Logger(label: "test"), rule: rule)
    #expect(restarted.check(now: start.adding(seconds: 300)).committed.alerts.isEmpty)
    #expect(receive(restarted, "coldtrace/v1/bridge/hongxuan", "1", at: 310))
    let resolved = try #require(restarted.check(now: start.adding(seconds: 320)).committed.alerts.first)
    #expect(resolved.event.line.contains(#""event":"resolved""#))
    #expect(resolved.event.alert.resolvedAt == start.adding(seconds: 310))
    #expect(restarted.check(now: start.adding(seconds: 400)).committed.alerts.isEmpty)
  }

  /// Down past the probes' offline limit, the site has been unseen as long as a silent probe may be: the warning
  /// escalates to critical once (also when a restarted collector finds it open), and the bridge's 1 resolves it. A
  /// site whose bridge is down holds its probes' offline alerts, one back counts their silence from then; none with no
  /// grace (`uplink_down` off).
  @Test func uplinkDownBecomesCriticalOnceTheSiteIsUnseenAsLongAsAProbeMayBeSilent() throws {
    let database = try TemporaryDirectory.make(prefix: "bridges").appendingPathComponent("c.db").path
    let rule = SiteUplinkRule(graceSeconds: 60, blindAfterSeconds: 600)
    let tracker = try SiteBridgeTracker(
      store: try SQLiteStore(path: database), logger: Logger(label: "test"), rule: rule)
    #expect(receive(tracker, "coldtrace/v1/bridge/hongxuan", "0", at: 0))
    #expect(receive(tracker, "coldtrace/v1/bridge/dongtien", "1", at: 0))
    #expect(tracker.siteLinks == ["hongxuan": .down, "dongtien": .upSince(start)])
    let warning = try #require(tracker.check(now: start.adding(seconds: 61)).committed.alerts.first)
    #expect(warning.event.alert.severity == .warning)
    let restarted = try SiteBridgeTracker(
      store: try SQLiteStore(path: database, create: false), logger: Logger(label: "test"), rule: rule)
    #expect(restarted.check(now: start.adding(seconds: 599)).committed.alerts.isEmpty)
    let critical = try #require(restarted.check(now: start.adding(seconds: 601)).committed.alerts.first)
    #expect(critical.event.line.contains(#""event":"escalated""#))
    #expect(critical.event.alert.severity == .critical)
    #expect(critical.event.line.contains("no reading of the site has arrived for 10 min"))
    let again = try SiteBridgeTracker(
      store: try SQLiteStore(path: database, create: false), logger: Logger(label: "test"), rule: rule)
    #expect(again.check(now: start.adding(seconds: 900)).committed.alerts.isEmpty, "escalated once")
    #expect(receive(again, "coldtrace/v1/bridge/hongxuan", "1", at: 950))
    #expect(again.siteLinks["hongxuan"] == .upSince(start.adding(seconds: 950)))
    let resolved = try #require(again.check(now: start.adding(seconds: 960)).committed.alerts.first)
    #expect(resolved.event.line.contains(#""event":"resolved""#))

    let off = try SiteBridgeTracker(
      store: try SQLiteStore(path: database, create: false), logger: Logger(label: "test"),
      rule: SiteUplinkRule(graceSeconds: 0))
    #expect(receive(off, "coldtrace/v1/bridge/hongxuan", "0", at: 1000))
    #expect(off.siteLinks.isEmpty)
    #expect(off.check(now: start.adding(seconds: 5000)).committed.alerts.isEmpty)
  }

  @Test func anythingButOneOrZeroOnAValidSiteIsRefusedAndChangesNothing() throws {
    let database = try TemporaryDirectory.make(prefix: "bridges").appendingPathComponent("c.db").path
    let tracker = try SiteBridgeTracker(store: try SQLiteStore(path: database), logger: Logger(label: "test"))
    for (topic, payload) in [
      ("coldtrace/v1/bridge/hongxuan", "connected"), ("coldtrace/v1/bridge/hongxuan", ""),
      ("coldtrace/v1/bridge/hongxuan", "10"), ("coldtrace/v1/bridge/hong xuan", "1"),
      ("coldtrace/v1/bridge/hongxuan/extra", "1"), ("coldtrace/v1/bridge/", "1"),
    ] {
      #expect(!receive(tracker, topic, payload, at: 0), "\(topic) \(payload)")
    }
    #expect(tracker.current.isEmpty)
    #expect(try SQLiteStore(path: database, create: false).siteBridges().isEmpty)
  }
}
