import Testing

@testable import ColdTraceCore

/// Which probes judge a lot (docs/alert-rules.md, "Probe placement"): the pure filter of `LotEngine`.
@Suite("Lot rules by probe placement")
struct LotPlacementTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let litchi = BuiltInProfiles.litchi

  private func key(_ sensor: String) -> SensorKey { SensorKey(site: "hx", room: "cold2", sensor: sensor) }

  /// Feeds `tempC` every 5 min for `hours` from `sensor` placed at `placement`; returns every lot event.
  private func feed(
    _ sensor: String, _ placement: Placement, tempC: Double, hours: Double, roomHasProductProbe: Bool,
    state: inout LotRuleState
  ) -> [LotEvent] {
    var events: [LotEvent] = []
    for step in 0...Int(hours * 12) {
      let sample = Sample(seq: Int64(step + 1), ts: start.adding(seconds: Double(step) * 300), tempC: tempC)
      events += LotEngine.process(
        sample, key: key(sensor), lot: "L1", profile: litchi, placement: placement,
        roomHasProductProbe: roomHasProductProbe, state: &state)
    }
    return events
  }

  @Test func whichPlacementsFeedTheLotRules() {
    #expect(Placement.product.feedsLotRules(roomHasProductProbe: true))
    #expect(Placement.simulant.feedsLotRules(roomHasProductProbe: true))
    #expect(!Placement.air.feedsLotRules(roomHasProductProbe: true))
    #expect(Placement.air.feedsLotRules(roomHasProductProbe: false))
    for placement in [Placement.evaporator, .ambient] {
      #expect(!placement.feedsLotRules(roomHasProductProbe: true))
      #expect(!placement.feedsLotRules(roomHasProductProbe: false))
      #expect(!placement.judgesProduct)
    }
  }

  @Test func airAboveTheBandSpendsTheBudgetOnlyWhereTheRoomHasNoProductProbe() {
    var withProduct = LotRuleState()
    let quiet = feed("air", .air, tempC: 9, hours: 12, roomHasProductProbe: true, state: &withProduct)
    #expect(quiet.isEmpty)
    #expect(withProduct == LotRuleState(), "an ignored probe leaves no trace")
    var airOnly = LotRuleState()
    let spent = feed("air", .air, tempC: 9, hours: 12, roomHasProductProbe: false, state: &airOnly)
    #expect(spent.contains { if case .alert(let alert) = $0 { alert.kind == .budget } else { false } })
  }

  @Test func anEvaporatorProbeNeverJudgesALotNorItsBand() {
    var state = LotRuleState()
    #expect(feed("coil", .evaporator, tempC: 20, hours: 12, roomHasProductProbe: false, state: &state).isEmpty)
    var engine = SensorRuleState()
    var events: [AlertEvent] = []
    for step in 0...144 {
      let tempC = 20 + Double(step % 2) / 10  // not stuck
      let sample = Sample(seq: Int64(step + 1), ts: start.adding(seconds: Double(step) * 300), tempC: tempC)
      events += AlertEngine.process(sample, key: key("coil"), profile: litchi, judgesProduct: false, state: &engine)
    }
    #expect(events.isEmpty)
    // Its fault rule still applies.
    var faults: [AlertEvent] = []
    for step in 1...3 {
      let fault = Sample(seq: Int64(999 + step), ts: start.adding(seconds: 86_400 + Double(step) * 300), error: "CRC")
      faults += AlertEngine.process(fault, key: key("coil"), profile: litchi, judgesProduct: false, state: &engine)
    }
    #expect(faults.contains { $0.kind == .sensorFault })
  }

  @Test func aProductProbeInTheBandKeepsTheLotQuietWhileTheAirWarms() {
    var state = LotRuleState()
    var events: [LotEvent] = []
    for step in 0...(12 * 12) {
      let ts = start.adding(seconds: Double(step) * 300)
      events += LotEngine.process(
        Sample(seq: Int64(step + 1), ts: ts, tempC: 9), key: key("air"), lot: "L1", profile: litchi,
        placement: .air, roomHasProductProbe: true, state: &state)
      events += LotEngine.process(
        Sample(seq: Int64(step + 1), ts: ts, tempC: 3.8), key: key("pulp"), lot: "L1", profile: litchi,
        placement: .product, roomHasProductProbe: true, state: &state)
    }
    #expect(events.isEmpty)
    #expect(state.probes.keys.sorted() == ["hx/pulp"])
  }
}
