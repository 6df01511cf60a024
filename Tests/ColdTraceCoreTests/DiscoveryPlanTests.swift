import Testing

@testable import ColdTraceCore

/// `coldtrace sources discover`'s pure part: Home Assistant discovery configs read (full and abbreviated keys, `~`,
/// value templates) and turned into the `[[source]]` tables that map them.
@Suite("Home Assistant discovery")
struct DiscoveryPlanTests {
  private func read(_ topic: String, _ payload: String) -> DiscoveryEntry {
    Array(payload.utf8).withUnsafeBytes { DiscoveryEntry.read(topic: topic, payload: $0, prefix: "homeassistant") }
  }

  private func sensor(_ topic: String, _ payload: String) throws -> DiscoveredSensor {
    guard case .sensor(let sensor) = read(topic, payload) else {
      throw TestFailure("not a sensor: \(read(topic, payload))")
    }
    return sensor
  }

  struct TestFailure: Error {
    let text: String
    init(_ text: String) { self.text = text }
  }

  @Test("value templates: fields, quoted keys, plain values and harmless filters; nothing that computes")
  func templates() {
    #expect(ValueTemplate("{{ value_json.temperature }}") == .field(["temperature"]))
    #expect(ValueTemplate("{{value_json['DS18B20-1']['Temperature']}}") == .field(["DS18B20-1", "Temperature"]))
    #expect(ValueTemplate(#"{{ value_json["a"].b | float | round(1) }}"#) == .field(["a", "b"]))
    #expect(ValueTemplate("{{ value }}") == .plain && ValueTemplate("{{ value | float(0) }}") == .plain)
    #expect(ValueTemplate(nil) == .plain)
    #expect(ValueTemplate("{{ (value | float) * 1.8 + 32 }}") == nil)
    #expect(ValueTemplate("{{ value_json.t | multiply(0.1) }}") == nil)
    #expect(ValueTemplate("{{ value_json['a.b'] }}") == nil)
    #expect(ValueTemplate("{% if value %}1{% endif %}") == nil)
  }

  @Test("a device's name with a newline stays in its comment: no config line comes from the broker")
  func commentsStayOneLine() {
    var proposed = ProposedSource(
      target: .collector(site: "hx"), about: "Evil\n[[source]]\nid = \"x\"", topic: "a/b", room: "cold1",
      availability: nil, unit: nil)
    proposed.notes = ["model\r\nbroker = \"mqtt://evil\""]
    let lines = proposed.toml.split(separator: "\n")
    #expect(lines.filter { $0 == "[[source]]" }.count == 1, "\(proposed.toml)")
    #expect(!lines.contains { $0.hasPrefix("broker") || $0.hasPrefix("id = \"x\"") }, "\(proposed.toml)")
    #expect(!proposed.toml.contains("\r"))
  }

  @Test("abbreviated keys and the ~ base topic, an availability list without the bridge, °F")
  func abbreviations() throws {
    let esphome = try sensor(
      "homeassistant/sensor/cold3-esp/t/config",
      #"{"~":"cold3-esp/sensor/t","dev_cla":"temperature","unit_of_meas":"°F","stat_t":"~/state","avty_t":"cold3-esp/status","dev":{"ids":"abc","name":"cold3-esp","sw":"esphome v2024.6.1","sa":"Cold 3"}}"#
    )
    #expect(esphome.stateTopic == "cold3-esp/sensor/t/state" && esphome.unit == .fahrenheit)
    #expect(esphome.value == .plain && esphome.availabilityTopic == "cold3-esp/status")
    #expect(esphome.device.identifiers == ["abc"] && esphome.device.suggestedArea == "Cold 3")
    let zigbee = try sensor(
      "homeassistant/sensor/0x01/humidity/config",
      #"{"availability":[{"topic":"zigbee2mqtt/bridge/state"},{"topic":"zigbee2mqtt/a/availability"}],"device_class":"humidity","state_topic":"zigbee2mqtt/a","value_template":"{{ value_json.humidity }}","origin":{"name":"Zigbee2MQTT"}}"#
    )
    #expect(zigbee.availabilityTopic == "zigbee2mqtt/a/availability" && zigbee.origin == "Zigbee2MQTT")
    #expect(zigbee.metric == .humidity)
  }

  @Test("other entities, last_seen, unusable sensors and other topics")
  func entries() {
    #expect(
      read("homeassistant/sensor/0x01/battery/config", #"{"device_class":"battery","state_topic":"z/a"}"#) == .other)
    #expect(
      read(
        "homeassistant/sensor/0x01/last_seen/config",
        #"{"device_class":"timestamp","state_topic":"z/a","value_template":"{{ value_json.last_seen }}"}"#)
        == .lastSeen(stateTopic: "z/a"))
    guard case .unusable(let reason) = read("homeassistant/sensor/x/config", #"{"device_class":"temperature"}"#) else {
      Issue.record("a temperature without a state topic is unusable")
      return
    }
    #expect(reason.contains("no state topic"))
    #expect(
      read("homeassistant/binary_sensor/x/config", #"{"device_class":"temperature","state_topic":"a"}"#) == .other)
    #expect(read("homeassistant/sensor/x/config", "not json") == .other)
    guard
      case .unusable = read(
        "homeassistant/sensor/x/config", #"{"device_class":"temperature","state_topic":"a","unit_of_measurement":"K"}"#)
    else {
      Issue.record("a temperature in kelvin is unusable")
      return
    }
  }

  @Test("Zigbee2MQTT with last_seen, Tasmota by stable id, ESPHome plain states on one probe, JSON fields")
  func plan() throws {
    var sensors: [DiscoveredSensor] = []
    let zigbeeDevice = #""device":{"identifiers":["zigbee2mqtt_0x01"],"name":"cold2/snzb-1"}"#
    for metric in ["temperature", "humidity"] {
      sensors.append(
        try sensor(
          "homeassistant/sensor/0x01/\(metric)/config",
          #"{"device_class":"\#(metric)","state_topic":"zigbee2mqtt/cold2/snzb-1","value_template":"{{ value_json.\#(metric) }}",\#(zigbeeDevice)}"#
        ))
      sensors.append(
        try sensor(
          "homeassistant/sensor/node/\(metric)/config",
          #"{"dev_cla":"\#(metric)","stat_t":"esp/sensor/\#(metric)/state","dev":{"ids":"e1","name":"Kho 3","sw":"esphome v2024"}}"#
        ))
    }
    for key in ["DS18B20-1", "DS18B20-2"] {
      sensors.append(
        try sensor(
          "homeassistant/sensor/AB_\(key)/config",
          #"{"dev_cla":"temperature","stat_t":"tele/board/SENSOR","val_tpl":"{{value_json['\#(key)']['Temperature']}}","dev":{"ids":["AB"],"name":"Tasmota"}}"#
        ))
    }
    sensors.append(
      try sensor(
        "homeassistant/sensor/ble/t/config",
        #"{"device_class":"temperature","state_topic":"tele/tasmota_ble/ATC264902","value_template":"{{ value_json.Temperature }}","unit_of_measurement":"°C"}"#
      ))
    var plan = DiscoveryPlan(target: .collector(site: "hx"))
    plan.defaultRoom = "cold9"
    let sources = plan.sources(sensors, lastSeen: ["zigbee2mqtt/cold2/snzb-1"])
    #expect(sources.map(\.preset) == [.esphome, .esphome, .tasmota, .json, .zigbee2mqtt])
    let zigbee = try #require(sources.last)
    #expect(zigbee.room == "cold2" && zigbee.sensor == "snzb-1" && zigbee.time == .payload)
    #expect(zigbee.offlineAfterMinutes == 90 && zigbee.id == "snzb-1")
    #expect(sources[0].sensor == "kho-3" && sources[1].sensor == "kho-3" && sources[0].room == "cold9")
    #expect(Set(sources[0...1].compactMap(\.metric)) == [.temperature, .humidity])
    #expect(sources[0].id != sources[1].id)
    #expect(sources[2].sensor == "board-{id}" && sources[2].time == .receipt)
    #expect(sources[3].temperatureField == "Temperature" && sources[3].humidityField == nil)
    let toml = sources.map(\.toml).joined(separator: "\n")
    #expect(toml.contains("[[source]]\nid = \"snzb-1\"\nsite = \"hx\"\npreset = \"zigbee2mqtt\""))
    #expect(!toml.contains("[[mqtt_source]]"))
  }

  @Test("for an agent: [[mqtt_source]] with the broker, no site; Tasmota timed at the given zone")
  func agentTables() throws {
    let board = try sensor(
      "homeassistant/sensor/AB_SHT3X_Temperature/config",
      #"{"dev_cla":"temperature","stat_t":"tele/board/SENSOR","val_tpl":"{{value_json['SHT3X']['Temperature']}}"}"#)
    var plan = DiscoveryPlan(target: .agent(broker: "mqtt://192.168.1.10:1883"))
    plan.tasmotaTimeZone = "+07:00"
    let toml = try #require(plan.sources([board], lastSeen: []).first).toml
    #expect(toml.contains("[[mqtt_source]]\nid = \"board\"\nbroker = \"mqtt://192.168.1.10:1883\""))
    #expect(toml.contains("time = \"payload\"\ntime_zone = \"+07:00\"") && !toml.contains("site ="))
    #expect(!toml.contains("[mqtt_source.tls]"))
    let secure = DiscoveryPlan(
      target: .agent(broker: "mqtts://zigbee@192.168.1.10:8883", tls: [("ca_file", "/etc/coldtrace/site-ca.crt")]))
    let secureTOML = try #require(secure.sources([board], lastSeen: []).first).toml
    #expect(secureTOML.hasSuffix("[mqtt_source.tls]\nca_file = \"/etc/coldtrace/site-ca.crt\"\n"), "\(secureTOML)")
  }

  @Test("names become ids: accents folded to ASCII, lower case, other characters one dash")
  func slugs() {
    #expect(Slug.make("Kho lạnh 2") == "kho-lanh-2")
    #expect(Slug.make("Phòng đông") == "phong-dong")
    #expect(Slug.make("Sơ chế") == "so-che")
    #expect(Slug.make("Ướp đá") == "uop-da")
    #expect(Slug.make("ĐÔNG LẠNH Sâu") == "dong-lanh-sau")
    // the same names decomposed (as macOS file names and some exports carry them): the marks go, the letters stay
    #expect(Slug.make("Kho la\u{0323}nh 2") == "kho-lanh-2")
    #expect(Slug.make("U\u{031B}o\u{031B}\u{0301}p đa\u{0301}") == "uop-da")
    #expect(Slug.make("Straße Æ") == "stra-e")
    #expect(Slug.make("--Cold Room/3--") == "cold-room-3")
    #expect(Slug.make("tasmota_6C5B3A") == "tasmota_6c5b3a")
  }
}
