import ColdTraceConfig
import ColdTraceCore
import Testing

@testable import ColdTraceCollector

/// One site's admission decisions, pure: policy, cap, rejected ids, the bounded pending set, one trip per limit.
@Suite(.timeLimit(.minutes(10)))
struct SiteAdmissionTests {
  @Test func registerPolicyRegistersUpToTheCapThenRefusesWithOneTrip() {
    var limits = SiteLimits()
    limits.maxProbes = 2
    var site = SiteAdmission(limits: limits, now: 0)
    let decision1 = site.admit(sensor: "a", now: 0)
    #expect(decision1 == .registerFirst)
    let decision2 = site.admit(sensor: "a", now: 1)
    #expect(decision2 == .admitted)
    let decision3 = site.admit(sensor: "b", now: 2)
    #expect(decision3 == .registerFirst)
    #expect(
      site.admit(sensor: "c", now: 3) == .refuse(.siteProbeLimit, pending: true, silent: false, tripped: .maxProbes))
    let decision4 = site.admit(sensor: "d", now: 4)
    #expect(decision4 == .refuse(.siteProbeLimit, pending: true, silent: false, tripped: nil))
    let decision5 = site.admit(sensor: "b", now: 5)
    #expect(decision5 == .admitted)
    #expect(site.refused[.siteProbeLimit] == 2)
    #expect(site.lastExceeded[.maxProbes] == 4)
  }

  @Test func holdPolicyRefusesUnknownProbesAndRejectedOnesSilently() {
    var limits = SiteLimits()
    limits.probePolicy = .hold
    var site = SiteAdmission(limits: limits, now: 0)
    site.rejected.insert("x")
    let decision6 = site.admit(sensor: "new", now: 0)
    #expect(decision6 == .refuse(.unknownProbe, pending: true, silent: false, tripped: nil))
    let decision7 = site.admit(sensor: "x", now: 0)
    #expect(decision7 == .refuse(.unknownProbe, pending: true, silent: true, tripped: nil))
    let decision8 = site.announce(["new", "x"], now: 1).new
    #expect(decision8 == ["new"], "an announcement registers, a rejection stands")
    let decision9 = site.admit(sensor: "new", now: 2)
    #expect(decision9 == .admitted)
  }

  @Test func aSourceOfTheConfigRegistersItsProbesUnderHoldUpToTheCap() {
    var limits = SiteLimits()
    limits.probePolicy = .hold
    limits.maxProbes = 1
    var site = SiteAdmission(limits: limits, now: 0)
    let mapped = site.admit(sensor: "zb-1", now: 0, configured: true)
    #expect(mapped == .registerFirst, "a [[source]] row names the probe: no approval needed")
    let unmapped = site.admit(sensor: "zb-2", now: 0)
    #expect(unmapped == .refuse(.unknownProbe, pending: true, silent: false, tripped: nil))
    let overCap = site.admit(sensor: "zb-3", now: 0, configured: true)
    #expect(overCap == .refuse(.siteProbeLimit, pending: true, silent: false, tripped: .maxProbes))
  }

  @Test func pendingIdsAreTrackedUpToABound() {
    var limits = SiteLimits()
    limits.probePolicy = .hold
    var site = SiteAdmission(limits: limits, now: 0)
    for id in 0..<SiteAdmission.maxPendingTracked { _ = site.admit(sensor: "zb-\(id)", now: 0) }
    #expect(
      site.admit(sensor: "one-too-many", now: 0) == .refuse(.unknownProbe, pending: false, silent: false, tripped: nil))
    let decision10 = site.admit(sensor: "zb-1", now: 0)
    #expect(decision10 == .refuse(.unknownProbe, pending: true, silent: false, tripped: nil))
    #expect(site.pendingTracked.count == SiteAdmission.maxPendingTracked)
  }

  @Test func overTheRateIsRefusedBeforeAnythingElse() {
    var limits = SiteLimits()
    limits.readingsPerSecond = 1
    limits.burstReadings = 2
    var site = SiteAdmission(limits: limits, now: 0)
    site.registered.insert("a")
    let decision11 = site.admit(sensor: "a", now: 0)
    #expect(decision11 == .admitted)
    let decision12 = site.admit(sensor: "a", now: 0)
    #expect(decision12 == .admitted)
    let overRate = site.admit(sensor: "a", now: 0)
    #expect(overRate == .refuse(.siteRateLimit, pending: false, silent: false, tripped: .maxReadingsPerSecond))
    let decision13 = site.admit(sensor: "a", now: 500)
    #expect(decision13 == .refuse(.siteRateLimit, pending: false, silent: false, tripped: nil))
    let decision14 = site.admit(sensor: "a", now: 1000)
    #expect(decision14 == .admitted)
  }

  @Test func theSitesTableSetsDefaultsAndEachSitesOwn() throws {
    let file = try CollectorConfigFile.load(
      try ConfigTable(
        path: "collector.toml",
        text: """
          [sites]
          probe_policy = "hold"
          max_probes = 50
          limit_clear_minutes = 2

          [sites.hongxuan]
          max_readings_per_second = 5
          burst_readings = 10
          """))
    #expect(file.siteLimits.defaults.probePolicy == .hold)
    #expect(file.siteLimits.defaults.maxProbes == 50)
    #expect(file.siteLimits.clearAfterSeconds == 120)
    let own = file.siteLimits.limits(of: "hongxuan")
    #expect(own.probePolicy == .hold && own.maxProbes == 50, "a site's table starts from the defaults")
    #expect(own.readingsPerSecond == 5 && own.burstReadings == 10)
    #expect(file.siteLimits.limits(of: "longvien") == file.siteLimits.defaults)
    let journalled = try file.configurationSnapshot().settings
    #expect(journalled["sites hongxuan"]?.contains("max_readings_per_second=5") == true)
    #expect(journalled["sites"]?.hasPrefix("probe_policy=hold max_probes=50") == true)
    #expect(try CollectorConfigFile().configurationSnapshot().settings["sites"] == nil, "defaults journal nothing new")
    #expect(try CollectorConfigFile.load(try ConfigTable(path: "c.toml", text: "")).siteLimits == SiteLimitsConfig())
  }

  @Test(arguments: [
    "[sites]\nprobe_policy = \"open\"", "[sites]\nmax_probes = -1", "[sites]\nmax_probes = 1.5",
    "[sites]\nmax_readings_per_second = 0", "[sites]\nhong$xuan = 3", "[sites]\nhongxuan = 3",
    "[sites.hongxuan]\nmax_probe = 3", "[sites.hongxuan]\nlimit_clear_minutes = 3",
  ])
  func aBadSitesTableIsRefusedNamingTheKey(text: String) {
    #expect(throws: ConfigError.self) {
      try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: text))
    }
  }
}

/// What the registry costs each message on the network thread: one lock, one dictionary lookup (the site), the
/// bucket's arithmetic and one set lookup (the sensor). Printed, with a bound loose enough for a debug build on a
/// shared machine.
@Suite(.timeLimit(.minutes(10)))
struct SiteAdmissionCostTests {
  @Test func admittingAReadingCostsAboutAMicrosecond() {
    var site = SiteAdmission(limits: SiteLimits(), now: 0)
    for index in 0..<20 { site.registered.insert("cold\(index)-air") }
    let sensors = (0..<20).map { "cold\($0)-air" }
    let rounds = 200_000
    var admitted = 0
    let started = ContinuousClock.now
    for index in 0..<rounds where site.admit(sensor: sensors[index % 20], now: Int64(index)) == .admitted {
      admitted += 1
    }
    let elapsed = started.duration(to: .now)
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    print("SiteAdmission.admit: \(Int(nanoseconds / Double(rounds))) ns per reading (\(admitted) admitted)")
    #expect(admitted == rounds)
    #expect(nanoseconds / Double(rounds) < 20_000)
  }
}
