import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import TestSupport
import Testing

@testable import ColdTraceCollector

/// The rooms' critical limits the collector publishes for the edge alarm, on the in-memory transport with a manual
/// clock and a real SQLite file: retained, the profile the room is judged by, and only when they change.
@Suite struct RoomLimitsTests {
  static let topic = "coldtrace/v1/limits/hongxuan/cold2"

  private func published(_ collector: MessageRouterTests.RunningCollector) -> [LimitsMessage] {
    collector.transport.publications(matching: Self.topic).compactMap { LimitsMessage.decode($0.payload) }
  }

  @Test func aRoomsLimitsAreRetainedAndRepublishedOnlyWhenTheLotsInItChange() throws {
    let collector = try MessageRouterTests.RunningCollector()
    collector.deliverThirdParty(tempC: 3, minutesAgo: 0)
    collector.service.checkTimersNow()
    #expect(collector.transport.publications(matching: Self.topic).map(\.retain) == [true])
    #expect(published(collector).map(\.profile) == ["litchi"], "no lot: the default product")
    collector.service.checkTimersNow()
    #expect(published(collector).count == 1, "unchanged: not published again")

    let now = collector.clock.now()
    _ = try collector.store.addLot("LG-1", product: "longan", market: nil, site: "hongxuan", room: "cold2", at: now)
    collector.clock.advance(seconds: 1)
    collector.service.checkTimersNow()
    #expect(published(collector).last?.profile == "longan")
    #expect(published(collector).last?.temperature.high == BandLimit(threshold: 10, delaySeconds: 1800))

    _ = try collector.store.addLot("LC-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: now)
    collector.clock.advance(seconds: 1)
    collector.service.checkTimersNow()
    let shared = try #require(published(collector).last)
    #expect(shared.profile == "litchi+longan")
    #expect(shared.temperature.high == BandLimit(threshold: 8, delaySeconds: 600), "the strictest of the two")

    _ = try collector.store.closeLot("LG-1", at: collector.clock.now())
    _ = try collector.store.closeLot("LC-1", at: collector.clock.now())
    collector.clock.advance(seconds: 1)
    collector.service.checkTimersNow()
    #expect(published(collector).map(\.profile) == ["litchi", "longan", "litchi+longan", "litchi"])
  }

  @Test func aReconnectionRepublishesEveryRoom() throws {
    let collector = try MessageRouterTests.RunningCollector()
    _ = try collector.store.addLot(
      "LC-1", product: "litchi", market: nil, site: "hongxuan", room: "cold7",
      at: collector.clock.now().adding(seconds: -60))
    collector.service.checkTimersNow()
    let cold7 = "coldtrace/v1/limits/hongxuan/cold7"
    #expect(collector.transport.publications(matching: cold7).count == 1, "a room known by its lot alone")
    collector.transport.disconnect()
    collector.service.checkTimersNow()
    #expect(collector.transport.publications(matching: cold7).count == 1, "nothing while disconnected")
    collector.transport.connect()
    collector.service.checkTimersNow()
    #expect(collector.transport.publications(matching: cold7).count == 2)
  }
}

/// The payload itself: what the collector writes is what an agent reads, and an agent refuses what it cannot trust.
struct LimitsMessageTests {
  @Test func aPayloadRoundTripsAndCarriesOnlyCriticalLimits() throws {
    let ts = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
    let message = LimitsMessage(site: "hongxuan", room: "cold2", profile: BuiltInProfiles.litchi, ts: ts)
    let text = message.encode()
    #expect(
      text == #"{"v":1,"ts":"2026-06-12T17:00:00.000Z","site":"hongxuan","room":"cold2","profile":"litchi","#
        + #""temp_c":{"critical_high":8,"critical_high_delay_minutes":10,"critical_low":-0.5,"#
        + #""critical_low_delay_minutes":10,"hysteresis":0.5},"#
        + #""rh_pct":{"critical_low":80,"critical_low_delay_minutes":60,"hysteresis":2}}"#)
    #expect(LimitsMessage.decode(Array(text.utf8)) == message)
  }

  @Test(arguments: [
    #"{"v":2,"ts":"2026-06-12T17:00:00Z","site":"s","room":"r","profile":"p","temp_c":{"hysteresis":0},"rh_pct":{"hysteresis":0}}"#,
    #"{"v":1,"site":"s","room":"r","profile":"p","temp_c":{"hysteresis":0},"rh_pct":{"hysteresis":0}}"#,
    #"{"v":1,"ts":"2026-06-12T17:00:00Z","site":"s","room":"r","profile":"p","temp_c":{"critical_high":8,"hysteresis":0},"rh_pct":{"hysteresis":0}}"#,
    #"{"v":1,"ts":"2026-06-12T17:00:00Z","site":"s","room":"r","profile":"p","temp_c":{"critical_high":"8","critical_high_delay_minutes":1,"hysteresis":0},"rh_pct":{"hysteresis":0}}"#,
    #"{"v":1,"ts":"2026-06-12T17:00:00Z","site":"s","room":"r","profile":"p","temp_c":{"hysteresis":-1},"rh_pct":{"hysteresis":0}}"#,
    #"{"v":1,"ts":"2026-06-12T17:00:00Z","site":"s","room":"r","profile":"p","temp_c":{"critical_low":1,"critical_low_delay_minutes":1e9,"hysteresis":0},"rh_pct":{"hysteresis":0}}"#,
    #"{"v":1,"ts":"2026-06-12T17:00:00Z","site":"s","room":"../r","profile":"p","temp_c":{"hysteresis":0},"rh_pct":{"hysteresis":0}}"#,
    "not json", "",
  ])
  func anUntrustworthyPayloadIsRefused(_ text: String) {
    #expect(LimitsMessage.decode(Array(text.utf8)) == nil)
  }
}
