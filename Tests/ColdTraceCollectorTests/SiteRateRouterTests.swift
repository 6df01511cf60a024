import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

@testable import ColdTraceCollector

/// A site over its `max_readings_per_second`, from an agent that keeps an outbox: the excess costs no quarantine
/// transaction, is not acknowledged, and its probe's later readings wait until the agent sends it again, so the
/// probe's readings are all stored, in order, once it does.
@Suite struct SiteRateRouterTests {
  @Test func anOutboxAgentsReadingOverTheRateIsLeftToItsAgentAndNothingOvertakesIt() throws {
    let collector = try MessageRouterTests.RunningCollector { settings in
      var limits = SiteLimits()
      limits.readingsPerSecond = 0.01
      limits.burstReadings = 2
      settings.siteLimits.sites[MessageRouterTests.site] = limits
    }
    collector.announceOutbox()
    collector.deliverNumbered(seq: 1, minutesAgo: 10)
    collector.deliverNumbered(seq: 2, minutesAgo: 9)
    collector.deliverNumbered(seq: 3, minutesAgo: 8)  // over the rate
    #expect(eventually { collector.service.totals.freshSamples == 2 })
    #expect(collector.quarantined == 0, "no quarantine row (and no transaction) for the excess")
    #expect(collector.service.totals.deferred == 1)
    // Tokens again (200 s at 0.01/s): seq 4 would overtake 3, so it waits for the agent's re-send of 3.
    collector.clock.advance(seconds: 200)
    collector.deliverNumbered(seq: 4, minutesAgo: 7)
    #expect(collector.service.totals.deferred == 2)
    collector.clock.advance(seconds: 200)
    collector.deliverNumbered(seq: 3, minutesAgo: 8)
    collector.deliverNumbered(seq: 4, minutesAgo: 7)
    #expect(eventually { collector.service.totals.freshSamples == 4 })
    collector.service.acknowledgeNow()
    let acks = collector.transport.publications(matching: "coldtrace/v1/ack/hongxuan/hx-edge-1")
    #expect(acks.last.flatMap { AcknowledgementMessage.decode($0.payload) }?.watermarks == ["probe-1": 4])
    #expect(try collector.store.alerts(AlertFilter()).filter { $0.kind == .siteLimit }.count == 1)
  }
}
