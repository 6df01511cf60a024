import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace sources discover` against a real mosquitto holding the retained Home Assistant discovery configs of a
/// Zigbee2MQTT SNZB-02, an ESPHome node and a Tasmota board (`DiscoveryConfigs`); its output, pasted into the
/// collector config as it is, ingests those sensors' states.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SourcesDiscoverTests {
  @Test func discoveredTablesPastedIntoTheConfigIngestTheSensors() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    for (topic, payload) in DiscoveryConfigs.all { try publish(broker, topic, payload, retain: true) }
    let discover = try Executables.run(
      Executables.product("coldtrace"),
      [
        "sources", "discover", "--broker", broker.url, "--site", "hx", "--room", "cold4", "--time-zone", "+07:00",
        "--timeout", "1",
      ])
    #expect(discover.status == 0, "discover failed: \(discover.stderr)")
    let tables = discover.stdout
    print(tables)
    for line in [
      "preset = \"zigbee2mqtt\"", "topic = \"zigbee2mqtt/cold2/snzb-1\"", "room = \"cold2\"", "sensor = \"snzb-1\"",
      "availability = \"zigbee2mqtt/cold2/snzb-1/availability\"", "offline_after_minutes = 90",
      "preset = \"esphome\"", "topic = \"cold3-esp/sensor/cold3_temperature/state\"", "metric = \"humidity\"",
      "room = \"cold3\"", "availability = \"cold3-esp/status\"", "preset = \"tasmota\"",
      "sensor = \"tasmota_6c5b3a-{id}\"", "time_zone = \"+07:00\"", "availability = \"tele/tasmota_6C5B3A/LWT\"",
    ] {
      #expect(tables.contains(line), "no \(line) in the discovered tables")
    }
    // The Zigbee device publishes last_seen: timed by its payload; the ESPHome states by their receipt.
    #expect(tables.components(separatedBy: "time = \"payload\"").count == 3, "zigbee2mqtt and tasmota by payload")
    #expect(tables.contains("not mapped: homeassistant/sensor/cold9-esp/cold9_dew/config"))
    #expect(!tables.contains("battery") || !tables.contains("device_class = \"battery\""))

    let facility = try Facility(broker: broker)
    try facility.startCollector(arguments: try facility.collectorConfig("offline_after_minutes = 60\n\n" + tables))
    defer { facility.stopCollector() }
    #expect(eventually(timeout: 20) { facility.collectorLog.contains("subscribed to tele/tasmota_6C5B3A/SENSOR") })
    let store = try SQLiteStore(path: facility.database, create: false)
    let at = Int64(Date().timeIntervalSince1970) - 120
    try publish(
      broker, "zigbee2mqtt/cold2/snzb-1",
      #"{"battery":100,"humidity":91.8,"linkquality":87,"temperature":3.42,"voltage":3000,"last_seen":"\#(Timestamp(seconds: at).rfc3339)"}"#
    )
    try publish(broker, "cold3-esp/sensor/cold3_temperature/state", "2.9")
    try publish(broker, "cold3-esp/sensor/cold3_humidity/state", "88.5")
    let local = String(Timestamp(seconds: at + 25_200).rfc3339.dropLast(5))
    try publish(
      broker, "tele/tasmota_6C5B3A/SENSOR",
      #"{"Time":"\#(local)","DS18B20-1":{"Id":"01144A0CB2AA","Temperature":1.2},"SHT3X":{"Temperature":4.1,"Humidity":90.2,"DewPoint":2.7},"TempUnit":"C"}"#
    )
    try publish(broker, "zigbee2mqtt/cold2/snzb-1/availability", #"{"state":"online"}"#)
    try publish(broker, "tele/tasmota_6C5B3A/LWT", "Online")
    #expect(eventually(timeout: 15) { (try? store.counts().readings) == 5 }, "\(facility.collectorLog)")
    let stored = try store.readings(ReadingFilter())
    func reading(_ sensor: String, tempC: Double? = nil, rhPct: Double? = nil) -> StoredReading? {
      stored.first {
        $0.key.sensor == sensor && (tempC == nil || $0.sample.tempC == tempC)
          && (rhPct == nil || $0.sample.rhPct == rhPct)
      }
    }
    let zigbee = try #require(reading("snzb-1"))
    #expect(zigbee.key == SensorKey(site: "hx", room: "cold2", sensor: "snzb-1"))
    #expect(zigbee.sample.tempC == 3.42 && zigbee.sample.rhPct == 91.8 && zigbee.sample.ts == Timestamp(seconds: at))
    #expect(reading("cold3-esp", tempC: 2.9)?.key == SensorKey(site: "hx", room: "cold3", sensor: "cold3-esp"))
    #expect(reading("cold3-esp", rhPct: 88.5)?.key.room == "cold3")
    let probe = try #require(reading("tasmota_6c5b3a-01144A0CB2AA"))
    #expect(probe.key.room == "cold4" && probe.sample.tempC == 1.2 && probe.sample.ts == Timestamp(seconds: at))
    let sht = try #require(reading("tasmota_6c5b3a-SHT3X"))
    #expect(sht.sample.tempC == 4.1 && sht.sample.rhPct == 90.2)
    let quarantined = try store.counts().quarantinedByReason
    #expect(quarantined.isEmpty, "\(quarantined)")
  }

  @Test func aBrokerThatCannotBeReachedIsOneLineAndStatusOne() throws {
    guard let port = FreePort.find() else { throw TestSupportError("no free port") }
    let result = try Executables.run(
      Executables.product("coldtrace"),
      ["sources", "discover", "--broker", "mqtt://127.0.0.1:\(port)", "--site", "hx", "--timeout", "0.5"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("cannot read mqtt://127.0.0.1:\(port)"), "\(result.stderr)")
    let usage = try Executables.run(
      Executables.product("coldtrace"), ["sources", "discover", "--broker", "mqtt://127.0.0.1:\(port)"])
    #expect(usage.status == 2 && usage.stderr.contains("--site"), "\(usage.stderr)")
  }

  private func publish(_ broker: MosquittoBroker, _ topic: String, _ payload: String, retain: Bool = false) throws {
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: pub),
      ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", topic, "-m", payload] + (retain ? ["-r"] : []))
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }
}
