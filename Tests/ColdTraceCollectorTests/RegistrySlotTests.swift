import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

@testable import ColdTraceCollector

/// A probe's registry slot (`ProbeRegistry.Slot`, kept per topic by `TopicProbeMemory`) spares the lookups by site
/// and sensor id, and never changes the decision: the rate still applies, an operator's rejection read by `refresh`
/// is seen at once, and a slot of another site is not used.
@Suite(.timeLimit(.minutes(10)))
struct RegistrySlotTests {
  private let now = Timestamp(seconds: 1_780_000_000)

  private func registry(_ configure: (inout SiteLimitsConfig) -> Void = { _ in }) throws -> ProbeRegistry {
    let directory = try TemporaryDirectory.make(prefix: "registry-slot")
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path, durability: .onDemand)
    var config = SiteLimitsConfig()
    configure(&config)
    return try ProbeRegistry(store: store, config: config, now: now)
  }

  @Test func aProbeRejectedAfterItsSlotSawItRegisteredIsRefused() throws {
    let registry = try registry()
    let key = SensorKey(site: "hx", room: "cold1", sensor: "z2m-0x01")
    var slot: ProbeRegistry.Slot?
    #expect(registry.admit(key, now: now, configured: true, slot: &slot) == .registerFirst)
    #expect(registry.admit(key, now: now, configured: true, slot: &slot) == .admitted)
    let remembered = slot
    #expect(registry.admit(key, now: now, configured: true, slot: &slot) == .admitted)
    #expect(slot == remembered, "a registered probe keeps its slot")
    // Registered on its first reading, not stored yet: an operator rejects it, and the timer round reads that.
    try registry.store.write { tx in
      try tx.rejectProbe(ProbeKey(site: "hx", sensor: "z2m-0x01"), by: "lan", at: now)
    }
    try registry.refresh(now: now)
    #expect(
      registry.admit(key, now: now, configured: true, slot: &slot)
        == .refuse(.unknownProbe, pending: true, silent: true, tripped: nil))
    var noSlot: ProbeRegistry.Slot?
    #expect(
      registry.admit(key, now: now, configured: true, slot: &noSlot)
        == .refuse(.unknownProbe, pending: true, silent: true, tripped: nil))
  }

  @Test func aSlotOfAnotherSiteIsNotUsedAndTheRateStillHolds() throws {
    let registry = try registry { config in
      var held = SiteLimits()
      held.probePolicy = .hold
      config.sites["held"] = held
      var slow = SiteLimits()
      slow.readingsPerSecond = 1
      slow.burstReadings = 2
      config.sites["slow"] = slow
    }
    let open = SensorKey(site: "hx", room: "cold1", sensor: "p1")
    var slot: ProbeRegistry.Slot?
    #expect(registry.admit(open, now: now, configured: true, slot: &slot) == .registerFirst)
    #expect(registry.admit(open, now: now, configured: true, slot: &slot) == .admitted)
    var misplaced = slot
    let stranger = SensorKey(site: "held", room: "cold1", sensor: "p1")
    #expect(
      registry.admit(stranger, now: now, slot: &misplaced)
        == .refuse(.unknownProbe, pending: true, silent: false, tripped: nil),
      "held's own policy decides, not hx's registration")

    let fast = SensorKey(site: "slow", room: "cold1", sensor: "p1")
    var fastSlot: ProbeRegistry.Slot?
    #expect(registry.admit(fast, now: now, configured: true, slot: &fastSlot) == .registerFirst)
    #expect(registry.admit(fast, now: now, configured: true, slot: &fastSlot) == .admitted)
    #expect(
      registry.admit(fast, now: now, configured: true, slot: &fastSlot)
        == .refuse(.siteRateLimit, pending: false, silent: false, tripped: .maxReadingsPerSecond),
      "a registered probe with a slot still takes a token")
    #expect(registry.admit(fast, now: now.adding(seconds: 1), configured: true, slot: &fastSlot) == .admitted)
  }
}
