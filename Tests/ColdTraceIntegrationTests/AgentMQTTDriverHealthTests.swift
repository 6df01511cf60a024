import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// Wireless probe health behind an edge box, with real processes: Zigbee2MQTT-shaped messages on the site broker
/// (mosquitto #1) → `coldtrace-agent`'s `mqtt` driver → its status on the central broker (mosquitto #2) →
/// `coldtrace collect`, which opens and resolves `battery_low`, `weak_signal` and the per-source `offline` alerts as
/// it does for its own `[[source]]`s.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AgentMQTTDriverHealthTests {
  static func tables(site: String) -> String {
    """
    [[mqtt_source]]
    id = "z2m-cold2"
    broker = "\(site)"
    preset = "zigbee2mqtt"
    topic = "zigbee2mqtt/cold2-{sensor}"
    room = "cold2"
    time = "payload"
    availability = "zigbee2mqtt/cold2-{sensor}/availability"
    availability_grace_minutes = 0.05

    [[mqtt_source]]
    id = "z2m-cold3"
    broker = "\(site)"
    preset = "zigbee2mqtt"
    topic = "zigbee2mqtt/cold3-{sensor}"
    room = "cold3"
    time = "payload"
    offline_after_minutes = 0.1
    """
  }

  @Test func batteryLinkAndOfflineAlertsOpenAndResolveThroughTheAgent() throws {
    let site = try MosquittoBroker()
    defer { site.stop() }
    let central = try MosquittoBroker()
    defer { central.stop() }
    let facility = try Facility(broker: central)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let agent = try facility.startAgent(interval: 5, sensorTables: Self.tables(site: site.url))
    defer { agent.stop() }
    let agentLog = facility.agentLog()
    #expect(
      eventually(timeout: 20) {
        ((try? String(contentsOf: agentLog, encoding: .utf8)) ?? "").contains(
          "mqtt driver: subscribed to zigbee2mqtt/+/availability")
      }, "the agent did not subscribe to the availability topics")
    let store = try SQLiteStore(path: facility.database, create: false)
    let publisher = try MosquittoClient(
      options: ClientOptions(clientID: "zigbee2mqtt-bridge", broker: try BrokerAddress(url: site.url)))
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })
    func publish(_ topic: String, _ payload: String) throws {
      try publisher.publish(topic: topic, payload: Array(payload.utf8))
    }
    func state(battery: Int, linkquality: Int, temperature: Double) -> String {
      let now = Int64(Date().timeIntervalSince1970 * 1000)
      return #"{"battery":\#(battery),"linkquality":\#(linkquality),"temperature":\#(temperature),"last_seen":\#(now)}"#
    }
    func alerts(_ sensor: String, _ kind: AlertKind) -> [AlertRecord] {
      var filter = AlertFilter()
      filter.sensor = sensor
      return ((try? store.alerts(filter)) ?? []).filter { $0.kind == kind }
    }
    func isOpen(_ sensor: String, _ kind: AlertKind) -> Bool { alerts(sensor, kind).contains { $0.state != .resolved } }

    // A weak battery and a weak link: two warnings, in the probe's room.
    try publish("zigbee2mqtt/cold2-snzb1", state(battery: 15, linkquality: 10, temperature: 3.4))
    try publish("zigbee2mqtt/cold3-snzb2", state(battery: 90, linkquality: 100, temperature: 2.1))
    #expect(eventually(timeout: 20) { isOpen("snzb1", .batteryLow) && isOpen("snzb1", .weakSignal) })
    let battery = try #require(alerts("snzb1", .batteryLow).first)
    #expect(battery.site == "hongxuan" && battery.room == "cold2" && battery.severity == .warning)
    #expect(battery.limit == 20 && battery.message.contains("replace the battery"), "\(battery)")
    #expect(!isOpen("snzb2", .batteryLow) && !isOpen("snzb2", .weakSignal))
    // A collector restart: the open warnings come from the database, the limits again from the retained status.
    facility.stopCollector()
    try facility.startCollector()
    // A battery-only report still below: nothing new; a new battery and a router nearby: both resolve.
    try publish("zigbee2mqtt/cold2-snzb1", state(battery: 14, linkquality: 9, temperature: 3.4))
    try publish("zigbee2mqtt/cold2-snzb1", state(battery: 100, linkquality: 120, temperature: 3.5))
    #expect(eventually(timeout: 20) { !isOpen("snzb1", .batteryLow) && !isOpen("snzb1", .weakSignal) })
    #expect(alerts("snzb1", .batteryLow).count == 1 && alerts("snzb1", .weakSignal).count == 1)

    // snzb2's source says 6 s without a reading is offline (the collector's own limit is 10 minutes); this collector
    // knows it only from the agent's retained status.
    #expect(eventually(timeout: 40) { isOpen("snzb2", .offline) }, "the source's offline limit did not apply")
    #expect(!isOpen("snzb1", .offline), "snzb1 is judged by the collector's 10 minutes until its device speaks")
    // snzb1's device announces itself offline: offline after the 3 s grace, whatever the limit.
    try publish("zigbee2mqtt/cold2-snzb1/availability", #"{"state":"offline"}"#)
    #expect(eventually(timeout: 40) { isOpen("snzb1", .offline) }, "the availability topic did not raise offline")
    // Both speak again: resolved.
    try publish("zigbee2mqtt/cold2-snzb1/availability", #"{"state":"online"}"#)
    try publish("zigbee2mqtt/cold2-snzb1", state(battery: 100, linkquality: 120, temperature: 3.6))
    try publish("zigbee2mqtt/cold3-snzb2", state(battery: 90, linkquality: 100, temperature: 2.2))
    #expect(eventually(timeout: 20) { !isOpen("snzb1", .offline) && !isOpen("snzb2", .offline) })
    let log = try String(contentsOf: agentLog, encoding: .utf8)
    #expect(!log.contains("mqtt driver: ignored"), "the agent ignored a message")
  }
}
