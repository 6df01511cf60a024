import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

@testable import ColdTraceCollector

/// A site registering probes on their first reading (`probe_policy = "register"`): the network thread writes no
/// transaction for a registration; the group that stores the readings stores the registrations, so 50 new probes of
/// a flooding site cost one transaction, and `max_probes` holds as before, in memory and after a restart.
@Suite(.timeLimit(.minutes(10)))
struct FirstReadingRegistrationTests {
  private let now = Timestamp(seconds: 1_780_000_000)
  private static let site = "floodsite"

  private func limitedTo(_ maxProbes: Int) -> SiteLimitsConfig {
    var limits = SiteLimits()
    limits.maxProbes = maxProbes
    var config = SiteLimitsConfig()
    config.sites[Self.site] = limits
    return config
  }

  private func pipeline() throws -> IngestPipeline {
    let directory = try TemporaryDirectory.make(prefix: "first-registration")
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path, durability: .onDemand)
    return try IngestPipeline(store: store, products: ProductAssignment())
  }

  private func reading(_ number: Int) -> DecodedReading {
    let key = SensorKey(site: Self.site, room: "cold1", sensor: "bogus-\(number)")
    let sample = Sample(seq: 1, ts: now.adding(seconds: -60), tempC: 3)
    return DecodedReading(key: key, agent: "flood-1", samples: [sample], isBatch: false)
  }

  @Test func fiftyNewProbesAreRegisteredInTheTransactionOfTheirReadingsAndTheCapHolds() throws {
    let pipeline = try pipeline()
    let store = pipeline.store
    let registry = try ProbeRegistry(
      store: store, config: limitedTo(40), now: now, unstored: pipeline.registrations)
    let writesBefore = store.committedWrites
    var admitted: [DecodedReading] = []
    var refused = 0
    for number in 1...50 {
      switch registry.admit(reading(number).key, now: now) {
      case .registerFirst:
        registry.registerOnFirstReading(reading(number).key, now: now)
        admitted.append(reading(number))
      case .refuse(.siteProbeLimit, _, _, _): refused += 1
      default: Issue.record("unexpected admission of bogus-\(number)")
      }
    }
    #expect(admitted.count == 40 && refused == 10, "max_probes = 40 holds")
    #expect(store.committedWrites == writesBefore, "the admissions wrote nothing")
    #expect(try store.probeRegistry().registered.isEmpty)

    _ = try pipeline.commitGroup(admitted)
    #expect(store.committedWrites == writesBefore + 1, "one transaction: the readings and their 40 registrations")
    let registered = try store.probeRegistry().registered
    #expect(registered == Set((1...40).map { ProbeKey(site: Self.site, sensor: "bogus-\($0)") }))
    #expect(pipeline.registrations.waitingRegistrations().isEmpty)

    // After a restart the registry comes from the database: the same 40 probes, and the cap still full.
    let reloaded = try ProbeRegistry(store: store, config: limitedTo(40), now: now)
    #expect(reloaded.admit(reading(1).key, now: now) == .admitted)
    let overCap = reloaded.admit(reading(45).key, now: now)
    #expect(overCap == .refuse(.siteProbeLimit, pending: true, silent: false, tripped: .maxProbes))
  }

  @Test func aRegistrationNoGroupTookIsStoredByTheTimerRound() throws {
    let pipeline = try pipeline()
    let registry = try ProbeRegistry(
      store: pipeline.store, config: limitedTo(40), now: now, unstored: pipeline.registrations)
    // Its first reading was left to its agent (deferred), so no group stores it.
    #expect(registry.admit(reading(1).key, now: now) == .registerFirst)
    registry.registerOnFirstReading(reading(1).key, now: now)
    #expect(try pipeline.store.probeRegistry().registered.isEmpty)
    try registry.refresh(now: now)
    #expect(try pipeline.store.probeRegistry().registered == [ProbeKey(site: Self.site, sensor: "bogus-1")])
    #expect(pipeline.registrations.waitingRegistrations().isEmpty)
    let writes = pipeline.store.committedWrites
    try registry.refresh(now: now)
    #expect(pipeline.store.committedWrites == writes, "nothing waiting: no transaction")
  }

  @Test func throughTheRouterARegistrationAddsNoTransactionToItsReading() throws {
    let collector = try MessageRouterTests.RunningCollector { settings in
      var limits = SiteLimits()
      limits.maxProbes = 4
      settings.siteLimits.sites[MessageRouterTests.site] = limits
    }
    let store = collector.store
    let writesBefore = store.committedWrites
    // Third-party readings (no outbox): each is committed at once, before its PUBACK, in a transaction of its own.
    for number in 1...6 {
      let ts = collector.clock.now().adding(seconds: -60).rfc3339
      collector.deliver(
        "coldtrace/v1/reading/\(MessageRouterTests.site)/cold2/new-\(number)", "{\"v\":1,\"ts\":\"\(ts)\",\"temp_c\":3}"
      )
    }
    #expect(collector.storedReadings == 4)
    #expect(collector.quarantined == 2)
    // Six messages (four stored, two quarantined over max_probes) and the `site_limit` alert: no registration's own.
    #expect(store.committedWrites - writesBefore == 7)
    #expect(try store.probeRegistry().registered.count == 4)
  }
}
