import Testing

@testable import ColdTraceCore

@Suite("Source probe health rule")
struct ProbeHealthRuleTests {
  private let key = SensorKey(site: "hx", room: "cold2", sensor: "snzb-1")
  private let at = Timestamp(seconds: 1_795_923_600)

  @Test("battery_low opens below the limit and resolves only 5 % above it")
  func battery() {
    let rule = ProbeHealthRule()
    var open: Set<AlertKind> = []
    let judge = { (battery: Double, open: inout Set<AlertKind>) in
      rule.judge(ProbeHealth(batteryPct: battery), key: key, productID: "litchi", at: at, open: &open).map(\.type)
    }
    #expect(judge(35, &open).isEmpty)
    #expect(judge(19, &open) == [.opened] && open == [.batteryLow])
    #expect(judge(15, &open).isEmpty)
    #expect(judge(22, &open).isEmpty)
    #expect(judge(26, &open) == [.resolved] && open.isEmpty)
  }

  @Test("weak_signal judges Zigbee link quality, else Wi-Fi RSSI")
  func signal() {
    let rule = ProbeHealthRule()
    var open: Set<AlertKind> = []
    let weak = rule.judge(ProbeHealth(linkQuality: 12), key: key, productID: "litchi", at: at, open: &open)
    #expect(weak.map(\.kind) == [.weakSignal] && weak[0].severity == .warning && weak[0].limit == 20)
    #expect(rule.judge(ProbeHealth(linkQuality: 25), key: key, productID: "litchi", at: at, open: &open).isEmpty)
    #expect(rule.judge(ProbeHealth(linkQuality: 90), key: key, productID: "litchi", at: at, open: &open).count == 1)
    #expect(rule.judge(ProbeHealth(rssiDBm: -91), key: key, productID: "litchi", at: at, open: &open).count == 1)
    #expect(rule.judge(ProbeHealth(rssiDBm: -70), key: key, productID: "litchi", at: at, open: &open).count == 1)
  }

  @Test("zones: below the limit, within the margin, clear, absent; the link is Zigbee's, else Wi-Fi's")
  func zones() {
    let rule = ProbeHealthRule()
    #expect(rule.zones(ProbeHealth(batteryPct: 19, linkQuality: 25)) == [0, 1, -1])
    #expect(rule.zones(ProbeHealth(batteryPct: 25, rssiDBm: -70)) == [2, -1, 2])
    #expect(rule.zones(ProbeHealth(rssiDBm: -88)) == [-1, -1, 0])
  }
}
