import ColdTraceCore
import Testing

@testable import ColdTraceAgent

/// The `mqtt` driver's reports of its probes beyond their samples (`mqtt_probes` in the status): battery and link,
/// the source's offline limit, the device's availability; a new status only when the collector's judgement could
/// change.
@Suite("Agent mqtt driver: probe health and availability")
struct SiteProbeConditionsTests {
  static let source = """
    [[mqtt_source]]
    id = "z2m"
    broker = "mqtt://192.168.1.10"
    preset = "zigbee2mqtt"
    topic = "zigbee2mqtt/{room}-{sensor}"
    time = "payload"
    availability = "zigbee2mqtt/{room}-{sensor}/availability"
    availability_grace_minutes = 2
    offline_after_minutes = 90
    battery_low_pct = 25

    """

  private func mapper() throws -> SiteMessageMapper {
    SiteMessageMapper(
      sources: try MQTTDriverTests.load(Self.source).mqttSources.map(\.mapping), reservedIDs: [], site: "hongxuan")
  }

  private func state(battery: Double, linkquality: Double, at seconds: Int64) -> String {
    #"{"battery":\#(battery),"linkquality":\#(linkquality),"temperature":3.4,"last_seen":\#(seconds * 1000)}"#
  }

  @Test("battery and link go into the report with the source's limits; a new status only when a zone changes")
  func health() throws {
    var mapper = try mapper()
    let at = MQTTDriverTests.now
    let topic = "zigbee2mqtt/cold2-snzb1"
    _ = MQTTDriverTests.map(&mapper, topic, state(battery: 80, linkquality: 120, at: at.milliseconds / 1000))
    let first = try #require(mapper.conditions.takeIfChanged()?["snzb1"], "a new probe is a new status")
    #expect(first.health == ProbeHealth(batteryPct: 80, linkQuality: 120) && first.offlineAfterMinutes == 90)
    #expect(first.limits.batteryLowPct == 25 && first.healthAt == Timestamp(seconds: at.milliseconds / 1000))
    #expect(mapper.conditions.rooms == ["snzb1": "cold2"])
    // 80 → 79 %: the same zone, no new status; a battery-only report below the limit: one.
    _ = MQTTDriverTests.map(&mapper, topic, state(battery: 79, linkquality: 118, at: at.milliseconds / 1000 + 60))
    #expect(mapper.conditions.takeIfChanged() == nil)
    let seen = #","last_seen":"2026-12-07T10:01:00Z"}"#
    let (samples, problems) = MQTTDriverTests.map(&mapper, topic, #"{"battery":20"# + seen)
    #expect(samples.isEmpty && problems.isEmpty)
    let low = try #require(mapper.conditions.takeIfChanged()?["snzb1"])
    #expect(low.health == ProbeHealth(batteryPct: 20, linkQuality: 118), "the link known before stays")
    // Back within the margin above the limit (25..30): another zone, another status; then clear.
    _ = MQTTDriverTests.map(&mapper, topic, #"{"battery":27"# + seen)
    #expect(mapper.conditions.takeIfChanged()?["snzb1"]?.health.batteryPct == 27)
    _ = MQTTDriverTests.map(&mapper, topic, #"{"battery":28"# + seen)
    #expect(mapper.conditions.takeIfChanged() == nil)
  }

  @Test("a device announced offline is in the report from the announcement, with its grace, until it speaks again")
  func availability() throws {
    var mapper = try mapper()
    let at = MQTTDriverTests.now
    _ = MQTTDriverTests.map(&mapper, "zigbee2mqtt/cold2-snzb1", state(battery: 80, linkquality: 120, at: 1_795_000_000))
    _ = mapper.conditions.takeIfChanged()
    let later = at.adding(seconds: 30)
    let (samples, problems) = MQTTDriverTests.map(
      &mapper, "zigbee2mqtt/cold2-snzb1/availability", #"{"state":"offline"}"#, now: later)
    #expect(samples.isEmpty && problems.isEmpty)
    let offline = try #require(mapper.conditions.takeIfChanged()?["snzb1"])
    #expect(offline.unavailableSince == later && offline.graceMinutes == 2)
    // Said again: nothing new. Online: cleared.
    _ = MQTTDriverTests.map(&mapper, "zigbee2mqtt/cold2-snzb1/availability", "offline", now: later.adding(seconds: 5))
    #expect(mapper.conditions.takeIfChanged() == nil)
    _ = MQTTDriverTests.map(&mapper, "zigbee2mqtt/cold2-snzb1/availability", #"{"state":"online"}"#)
    #expect(mapper.conditions.takeIfChanged()?["snzb1"]?.unavailableSince == nil)
    let bad = MQTTDriverTests.map(&mapper, "zigbee2mqtt/cold2-snzb1/availability", "sleeping")
    #expect(bad.problems.count == 1 && bad.problems[0].contains("neither online nor offline"))
  }

  @Test("the report travels in the status and reads back; lenient about what it does not know")
  func statusRoundTrip() throws {
    var report = SiteProbeReport()
    report.offlineAfterMinutes = 90
    report.health = ProbeHealth(batteryPct: 15, linkQuality: 87)
    report.healthAt = MQTTDriverTests.now
    report.unavailableSince = MQTTDriverTests.now
    report.graceMinutes = 5
    var message = StatusMessage(state: "online", sender: .agent("hx-edge-1"), version: "0.1.0", ts: nil)
    message.mqttProbes = ["snzb1": report]
    let payload = message.encode()
    #expect(
      payload.hasSuffix(
        #""mqtt_probes":{"snzb1":{"offline_after_minutes":90,"health":{"ts":"2026-12-07T10:00:00.000Z","battery_pct":15,"linkquality":87},"limits":{"battery_low_pct":20,"weak_linkquality":20,"weak_rssi_dbm":-85},"unavailable":{"since":"2026-12-07T10:00:00.000Z","grace_minutes":5}}}}"#
      ), "\(payload)")
    #expect(StatusMessage.decode(Array(payload.utf8))?.mqttProbes == ["snzb1": report])
    let odd = StatusMessage.decode(
      Array(
        #"{"state":"online","agent":"a","mqtt_probes":{"bad id/x":{},"p":{"offline_after_minutes":"x","health":{"battery_pct":3}}}}"#
          .utf8))
    #expect(odd?.mqttProbes == ["p": SiteProbeReport()])
  }

  @Test("one availability topic named by several tables (an ESPHome node's status) concerns the probes of each")
  func sharedAvailability() throws {
    let tables = ["air", "pulp"].map { entity in
      """
      [[mqtt_source]]
      id = "esp-\(entity)"
      broker = "mqtt://192.168.1.10"
      preset = "esphome"
      topic = "cold3-esp/sensor/\(entity)/state"
      room = "cold3"
      sensor = "cold3-\(entity)"
      time = "receipt"
      availability = "cold3-esp/status"

      """
    }.joined()
    var mapper = SiteMessageMapper(
      sources: try MQTTDriverTests.load(tables).mqttSources.map(\.mapping), reservedIDs: [], site: "hongxuan")
    _ = MQTTDriverTests.map(&mapper, "cold3-esp/sensor/air/state", "3.1")
    _ = MQTTDriverTests.map(&mapper, "cold3-esp/sensor/pulp/state", "2.4")
    _ = mapper.conditions.takeIfChanged()
    _ = MQTTDriverTests.map(&mapper, "cold3-esp/status", "offline")
    let taken = mapper.conditions.takeIfChanged()
    let reports = try #require(taken)
    #expect(reports["cold3-air"]?.unavailableSince == MQTTDriverTests.now)
    #expect(reports["cold3-pulp"]?.unavailableSince == MQTTDriverTests.now)
  }
}
