import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Third-party payloads of the exact documented shapes, published with `mosquitto_pub` to a real broker, into the
/// real collector running one `[[source]]` per preset (`SourceTestConfig`).
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SourcePresetCollectorTests {
  @Test func everyPresetsPayloadBecomesAReadingAndABadOneIsQuarantinedWithoutBlockingTheNext() throws {
    let rig = try SourceRig()
    defer { rig.stop() }
    let t1 = SourceClock.secondsAgo(180)
    let before = Timestamp(seconds: SourceClock.secondsAgo(5))
    try rig.publish(
      "zigbee2mqtt/cold2-snzb-1",
      #"{"battery":100,"humidity":91.8,"linkquality":87,"temperature":3.42,"voltage":3000,"last_seen":"\#(SourceClock.iso(t1))"}"#
    )
    try rig.publish(
      "tele/cold3-esp/SENSOR",
      #"{"Time":"\#(SourceClock.tasmotaLocal(t1))","DS18B20-1":{"Id":"01144A0CB2AA","Temperature":3.4},"DS18B20-2":{"Id":"0316A2C5D6FF","Temperature":1.2},"TempUnit":"C"}"#
    )
    try rig.publish("shellies/shellyht-AB12/sensor/temperature", "3.42")
    try rig.publish("shellies/shellyht-AB12/sensor/humidity", "91.8")
    try rig.publish("shellies/shellyht-AB12/sensor/battery", "98")
    try rig.publish(
      "shellyplusht-b8d61a8b17cc/events/rpc",
      #"{"src":"shellyplusht-b8d61a8b17cc","dst":"shellyplusht-b8d61a8b17cc/events","method":"NotifyStatus","params":{"ts":\#(t1).62,"temperature:0":{"id":0,"tC":3.4,"tF":38.1},"humidity:0":{"id":0,"rh":91.8}}}"#
    )
    try rig.publish("esphome/cold6/sensor/cold6_air/state", "3.42")
    try rig.publish("collectd/cold8/probe1/temperature", "\(t1).123:3.42")
    try rig.publish("homeassistant/sensor/cold7_tuya/state", "3.42")
    try rig.publish("farm/cold9/p1/json", #"{"t":38.12,"ts":\#(t1)}"#)
    try rig.publish("plain/cold10/p2", "4.5")
    try rig.expectReadings(11)

    let stored = try rig.readings()
    func one(_ sensor: String) throws -> StoredReading {
      try #require(stored.first { $0.key.sensor == sensor && $0.sample.tempC != nil }, "no reading of \(sensor)")
    }
    let at = Timestamp(seconds: t1)
    let expected: [(String, String, Double, Double?, Timestamp?)] = [
      ("cold2", "snzb-1", 3.42, 91.8, at), ("cold3", "cold3-air", 3.4, nil, at), ("cold3", "cold3-pulp", 1.2, nil, at),
      ("cold4", "shellyht-AB12", 3.42, nil, nil),
      ("cold5", "shellyplusht-b8d61a8b17cc", 3.4, 91.8, Timestamp(milliseconds: t1 * 1000 + 620)),
      ("cold6", "cold6_air", 3.42, nil, nil), ("cold8", "probe1", 3.42, nil, Timestamp(milliseconds: t1 * 1000 + 123)),
      ("cold7", "tuya", 3.42, nil, nil), ("cold10", "p2", 4.5, nil, nil),
    ]
    for (room, sensor, temp, rh, ts) in expected {
      let reading = try one(sensor)
      #expect(reading.key == SensorKey(site: "hx", room: room, sensor: sensor))
      #expect(reading.sample.tempC == temp && reading.sample.rhPct == rh && reading.sample.seq == nil, "\(reading)")
      // Receipt time: the collector's clock when the message arrived.
      if let ts { #expect(reading.sample.ts == ts, "\(sensor)") } else { #expect(reading.sample.ts >= before) }
    }
    let json = try one("p1")
    #expect(abs((json.sample.tempC ?? 0) - 3.4) < 0.001 && json.sample.ts == at)
    // Shelly Gen1's separate topics: two readings of one probe.
    let shelly = try rig.readings(sensor: "shellyht-AB12")
    #expect(shelly.map(\.sample.rhPct) == [nil, 91.8] && Set(shelly.map(\.key)).count == 1)

    let bad: [(String, String, String)] = [
      ("zigbee2mqtt/cold2-snzb-1", #"{"temperature":3.5}"#, "bad_time"),
      ("zigbee2mqtt/nodash", #"{"temperature":3.5}"#, "unmapped_topic"),
      ("tele/cold3-esp/SENSOR", #"{"Time":"\#(SourceClock.tasmotaLocal(t1))","TempUnit":"C"}"#, "no_value"),
      (
        "shellyplusht-b8d61a8b17cc/events/rpc",
        #"{"src":"x","method":"NotifyStatus","params":{"ts":null,"temperature:0":{"id":0,"tC":3.4}}}"#, "bad_time"
      ),
      ("esphome/cold6/sensor/cold6_air/state", "nan", "no_value"),
      ("collectd/cold8/probe1/temperature", "3.42", "no_value"),
      ("homeassistant/sensor/cold7_tuya/state", "unavailable", "no_value"),
      ("farm/cold9/p1/json", #"{"t":"#, "malformed_json"),
      ("plain/cold10/p2", "91.5 C", "no_value"),
    ]
    for (topic, payload, _) in bad { try rig.publish(topic, payload) }
    try rig.publish("plain/cold10/p2", "4.6")
    try rig.expectReadings(12)
    #expect(eventually { (try? rig.quarantined().values.reduce(0, +)) == bad.count })
    let reasons = try rig.quarantined()
    for reason in Set(bad.map(\.2)) {
      #expect(reasons[reason] == bad.filter { $0.2 == reason }.count, "\(reason) in \(reasons)")
    }

    // The Tasmota row's placement was recorded; status says these probes' transport is unacknowledged.
    let status = try rig.facility.shell(["status", "--json"])
    let pulp = try #require(status.stdout.split(separator: "\n").first { $0.contains(#""sensor":"cold3-pulp""#) })
    #expect(pulp.contains(#""placement":"product""#) && pulp.contains(#""transport":"unacknowledged""#))
  }

  @Test func zigbee2mqttCachedStateRepeatsDoNotBecomeReadings() throws {
    let rig = try SourceRig()
    defer { rig.stop() }
    let t1 = SourceClock.secondsAgo(240)
    let first =
      #"{"battery":100,"humidity":91.8,"linkquality":87,"temperature":3.42,"voltage":3000,"last_seen":"\#(SourceClock.iso(t1))"}"#
    try rig.publish("zigbee2mqtt/cold2-snzb-1", first)
    try rig.expectReadings(1)
    // A battery report 30 s later repeats the cached temperature and humidity with a new last_seen.
    try rig.publish(
      "zigbee2mqtt/cold2-snzb-1",
      #"{"battery":97,"humidity":91.8,"linkquality":60,"temperature":3.42,"voltage":2900,"last_seen":"\#(SourceClock.iso(t1 + 30))"}"#
    )
    // Zigbee2MQTT restarting replays its cached state (cache_state_send_on_startup).
    try rig.publish("zigbee2mqtt/cold2-snzb-1", first)
    try rig.publish(
      "zigbee2mqtt/cold2-snzb-1",
      #"{"battery":97,"humidity":90.1,"linkquality":60,"temperature":3.9,"voltage":2900,"last_seen":"\#(SourceClock.iso(t1 + 60))"}"#
    )
    try rig.expectReadings(2)
    #expect(try rig.readings().map(\.sample.tempC) == [3.42, 3.9])
    #expect(try rig.quarantined().isEmpty)
  }

  @Test func esphomeRetainedStatesAfterACollectorRestartAreNotNewReadings() throws {
    let rig = try SourceRig()
    defer { rig.stop() }
    // ESPHome publishes its states retained; received live, a state is a reading.
    try rig.publish("esphome/cold6/sensor/cold6_air/state", "3.42", retain: true)
    try rig.publish("homeassistant/sensor/cold7_tuya/state", "3.5", retain: true)
    try rig.expectReadings(2)
    rig.facility.stopCollector()
    try rig.startCollector()
    // The resubscription brings both back, retained, hours old perhaps: refused, not stamped now.
    #expect(eventually(timeout: 15) { (try? rig.quarantined()["stale_retained"]) == 2 })
    try rig.publish("esphome/cold6/sensor/cold6_air/state", "3.6", retain: true)
    try rig.expectReadings(3)
    #expect(try rig.readings(sensor: "cold6_air").map(\.sample.tempC) == [3.42, 3.6])
  }

  @Test func aReceiptTimedSourceGetsNoBacklogStampedAtReconnection() throws {
    let rig = try SourceRig()
    defer { rig.stop() }
    rig.facility.stopCollector()
    // Published while the collector is away: its persistent session must not keep it (QoS 0 subscription).
    try rig.publish("plain/cold10/p2", "5.0")
    try rig.startCollector()
    try rig.publish("plain/cold10/p2", "5.1")
    try rig.expectReadings(1)
    #expect(try rig.readings().map(\.sample.tempC) == [5.1])
  }

  @Test func tasmotaProbesKeepTheirIdentityWhenAThirdDS18B20RenumbersTheKeys() throws {
    let rig = try SourceRig()
    defer { rig.stop() }
    let t1 = SourceClock.secondsAgo(300)
    try rig.publish(
      "tele/cold3-esp/SENSOR",
      #"{"Time":"\#(SourceClock.tasmotaLocal(t1))","DS18B20-1":{"Id":"01144A0CB2AA","Temperature":3.4},"DS18B20-2":{"Id":"0316A2C5D6FF","Temperature":1.2},"TempUnit":"C"}"#
    )
    try rig.expectReadings(2)
    // A new probe whose ROM id sorts first takes DS18B20-1; the others move to -2 and -3.
    try rig.publish(
      "tele/cold3-esp/SENSOR",
      #"{"Time":"\#(SourceClock.tasmotaLocal(t1 + 300))","DS18B20-1":{"Id":"0008AA000001","Temperature":25.0},"DS18B20-2":{"Id":"01144A0CB2AA","Temperature":3.5},"DS18B20-3":{"Id":"0316A2C5D6FF","Temperature":1.3},"TempUnit":"C"}"#
    )
    try rig.expectReadings(4)
    #expect(try rig.readings(sensor: "cold3-air").map(\.sample.tempC) == [3.4, 3.5])
    #expect(try rig.readings(sensor: "cold3-pulp").map(\.sample.tempC) == [1.2, 1.3])
    #expect(eventually { (try? rig.quarantined()["unmapped_probe"]) == 1 })
  }

  @Test func aBadSourceTableStopsTheCollectorWithOneLineAndExitStatus2() throws {
    let directory = try TemporaryDirectory.make(prefix: "source-config")
    let config = directory.appendingPathComponent("collector.toml")
    try """
    [[source]]
    id = "esp"
    site = "hx"
    preset = "esphome"
    topic = "esphome/{room}/sensor/{sensor}/state"
    time = "payload"
    """.write(to: config, atomically: true, encoding: .utf8)
    let result = try Executables.run(
      Executables.product("coldtrace"),
      [
        "collect", "--config", config.path, "--db", directory.appendingPathComponent("c.db").path, "--broker",
        "mqtt://127.0.0.1:1",
      ])
    #expect(result.status == 2)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1 && lines[0].contains("`source[1].time`"), "\(result.stderr)")
  }
}

/// Wireless probe health and device availability through the real collector: warnings that open and resolve, and
/// `offline` after an announced disconnection.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SourceDeviceHealthCollectorTests {
  @Test func zigbeeBatteryAndLinkQualityOpenAndResolveWarnings() throws {
    let rig = try SourceRig()
    defer { rig.stop() }
    let t1 = SourceClock.secondsAgo(200)
    func report(_ seconds: Int64, battery: Int, link: Int, temperature: Double) throws {
      try rig.publish(
        "zigbee2mqtt/cold2-snzb-1",
        #"{"battery":\#(battery),"humidity":91.8,"linkquality":\#(link),"temperature":\#(temperature),"voltage":2600,"last_seen":"\#(SourceClock.iso(seconds))"}"#
      )
    }
    try report(t1, battery: 15, link: 9, temperature: 3.4)
    let opened = eventually {
      Set(((try? rig.store.alerts(AlertFilter())) ?? []).map(\.kind)) == [.batteryLow, .weakSignal]
    }
    #expect(opened, "\(String(describing: try? rig.store.alerts(AlertFilter())))")
    let alerts = try rig.store.alerts(AlertFilter())
    #expect(alerts.allSatisfy { $0.severity == .warning && $0.state == .open && $0.sensor == "snzb-1" })
    #expect(!rig.facility.collectorLog.contains("cannot record the health"))
    // A new battery and a repeater: both resolve.
    try report(t1 + 60, battery: 100, link: 120, temperature: 3.5)
    #expect(
      eventually { ((try? rig.store.alerts(AlertFilter())) ?? []).allSatisfy { $0.state == .resolved } },
      "\(String(describing: try? rig.store.alerts(AlertFilter())))")
    let journal = try String(contentsOfFile: rig.facility.journal, encoding: .utf8)
    #expect(journal.contains(#""kind":"battery_low""#) && journal.contains(#""kind":"weak_signal""#))
    try rig.expectReadings(2)
  }

  @Test func aZigbeeDeviceAnnouncedOfflineRaisesOfflineAfterItsGrace() throws {
    let rig = try SourceRig()
    defer { rig.stop() }
    let now = SourceClock.secondsAgo(5)
    try rig.publish(
      "zigbee2mqtt/cold2-snzb-1", #"{"temperature":3.4,"humidity":91,"last_seen":"\#(SourceClock.iso(now))"}"#)
    try rig.expectReadings(1)
    // Zigbee2MQTT 2.x marks it offline (retained): 3 s of grace, not the collector's 60 minutes.
    try rig.publish("zigbee2mqtt/cold2-snzb-1/availability", #"{"state":"offline"}"#, retain: true)
    let offline = eventually(timeout: 20) {
      ((try? rig.store.alerts(AlertFilter())) ?? []).contains { $0.kind == .offline && $0.state == .open }
    }
    #expect(offline, "\(String(describing: try? rig.store.alerts(AlertFilter())))")
    try rig.publish(
      "zigbee2mqtt/cold2-snzb-1", #"{"temperature":3.5,"humidity":91,"last_seen":"\#(SourceClock.iso(now + 4))"}"#)
    #expect(
      eventually { ((try? rig.store.alerts(AlertFilter())) ?? []).allSatisfy { $0.state == .resolved } },
      "\(String(describing: try? rig.store.alerts(AlertFilter())))")
    #expect(try rig.quarantined().isEmpty)
  }

  @Test func aSourcesOwnOfflineLimitStillHoldsForItsProbesAfterACollectorRestart() throws {
    let config = """
      offline_after_minutes = 0.05

      [[source]]
      id = "z2m"
      site = "hx"
      preset = "zigbee2mqtt"
      topic = "zigbee2mqtt/{room}-{sensor}"
      time = "payload"
      offline_after_minutes = 90
      """
    let rig = try SourceRig(config: config, filters: ["zigbee2mqtt/+"])
    defer { rig.stop() }
    try rig.publish(
      "zigbee2mqtt/cold2-snzb-1",
      #"{"temperature":3.4,"last_seen":"\#(SourceClock.iso(SourceClock.secondsAgo(2)))"}"#)
    try rig.expectReadings(1)
    rig.facility.stopCollector()
    try rig.startCollector()
    // The collector's own limit is 3 s and its timer runs every second: 6 s without an alert shows the 90 min held.
    Thread.sleep(forTimeInterval: 6)
    #expect(try rig.store.alerts(AlertFilter()).isEmpty)
  }
}
