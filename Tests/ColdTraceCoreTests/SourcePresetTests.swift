import Testing

@testable import ColdTraceCore

/// Each preset on the exact payloads its software publishes (docs/protocol.md, "Sources").
@Suite("Source presets")
struct SourcePresetTests {
  private let payloadTime = TimePolicy.payload(PayloadTime(field: nil, unit: .seconds))

  @Test("Zigbee2MQTT: temperature and humidity, last_seen in each of its three formats")
  func zigbee2mqtt() throws {
    let payloads = [
      #"{"battery":100,"humidity":91.8,"linkquality":87,"temperature":3.42,"voltage":3000,"last_seen":"2026-11-29T03:40:00.000Z"}"#,
      #"{"battery":100,"humidity":91.8,"linkquality":87,"temperature":3.42,"voltage":3000,"last_seen":"2026-11-29T10:40:00+07:00"}"#,
      #"{"battery":100,"humidity":91.8,"linkquality":87,"temperature":3.42,"voltage":3000,"last_seen":1795923600000}"#,
    ]
    let mapping = try source(
      .zigbee2mqtt, "zigbee2mqtt/{room}-{sensor}",
      time: .payload(PayloadTime(field: "last_seen", unit: .milliseconds)))
    for payload in payloads {
      let result = outcome(mapping, "zigbee2mqtt/cold2-snzb-1", payload)
      #expect(result.rejections.isEmpty, "\(result.rejections)")
      let reading = try #require(result.readings.first?.reading)
      #expect(reading.key == SensorKey(site: "hx", room: "cold2", sensor: "snzb-1"))
      #expect(reading.samples == [Sample(seq: nil, ts: SourceFixture.at0340, tempC: 3.42, rhPct: 91.8)])
    }
    #expect(outcome(mapping, "zigbee2mqtt/cold2-snzb-1/availability", #"{"state":"online"}"#).readings.isEmpty)
    let noLastSeen = outcome(mapping, "zigbee2mqtt/cold2-snzb-1", #"{"temperature":3.42}"#)
    #expect(noLastSeen.rejections.map(\.reason) == [.badTime])
    let battery = outcome(
      mapping, "zigbee2mqtt/cold2-snzb-1", #"{"battery":17,"linkquality":60,"last_seen":"2026-11-29T03:40:00Z"}"#)
    #expect(battery.readings.map(\.reading) == [nil])
    #expect(battery.readings.map(\.health) == [ProbeHealth(batteryPct: 17, linkQuality: 60)])
    let contact = outcome(mapping, "zigbee2mqtt/cold2-door", #"{"contact":true,"last_seen":"2026-11-29T03:40:00Z"}"#)
    #expect(contact.rejections.map(\.reason) == [.noValue])
  }

  @Test("Tasmota: probes by DS18B20 Id, local Time at the source's zone, TempUnit F converted")
  func tasmota() throws {
    let time = TimePolicy.payload(PayloadTime(field: "Time", unit: .seconds, zone: "+07:00"))
    let mapping = try source(.tasmota, "tele/{room}-esp/SENSOR", time: time, sensor: "{room}-{id}")
    let payload =
      #"{"Time":"2026-11-29T10:40:00","DS18B20-1":{"Id":"01144A0CB2AA","Temperature":3.4},"DS18B20-2":{"Id":"0316A2C5D6FF","Temperature":4.1},"ESP32":{"Temperature":41.7},"TempUnit":"C"}"#
    let result = outcome(mapping, "tele/cold3-esp/SENSOR", payload)
    #expect(result.readings.map(\.key.sensor) == ["cold3-01144A0CB2AA", "cold3-0316A2C5D6FF"])
    #expect(result.readings.map { $0.reading?.samples[0].tempC } == [3.4, 4.1])
    #expect(result.readings.allSatisfy { $0.reading?.samples[0].ts == SourceFixture.at0340 })

    let fahrenheit = outcome(
      mapping, "tele/cold3-esp/SENSOR",
      #"{"Time":"2026-11-29T10:40:00","DS18B20":{"Id":"01144A0CB2AA","Temperature":38.12},"TempUnit":"F"}"#)
    let celsius = try #require(fahrenheit.readings.first?.reading?.samples[0].tempC)
    #expect(abs(celsius - 3.4) < 0.001)

    let sht = outcome(
      mapping, "tele/cold3-esp/SENSOR",
      #"{"Time":"2026-11-29T10:40:00","SHT3X":{"Temperature":3.4,"Humidity":91.8,"DewPoint":2.1},"TempUnit":"C"}"#)
    #expect(sht.readings.first?.key.sensor == "cold3-SHT3X")
    #expect(sht.readings.first?.reading?.samples[0].rhPct == 91.8)

    let noZone = try source(
      .tasmota, "tele/{room}-esp/SENSOR", time: .payload(PayloadTime(field: "Time", unit: .seconds)),
      sensor: "{room}-{id}")
    #expect(outcome(noZone, "tele/cold3-esp/SENSOR", payload).rejections.map(\.reason) == [.badTime])
  }

  @Test("Tasmota rows select probes by Id, so renumbered DS18B20-N keys keep their probe")
  func tasmotaRowsByID() throws {
    let time = TimePolicy.payload(PayloadTime(field: "Time", unit: .seconds, zone: "+07:00"))
    let rows = [
      SourceMapRow(match: nil, id: "0316A2C5D6FF", naming: ProbeNaming(sensor: try IdTemplate("cold3-pulp"))),
      SourceMapRow(match: nil, id: "01144A0CB2AA", naming: ProbeNaming(sensor: try IdTemplate("cold3-air"))),
    ]
    let mapping = try source(.tasmota, "tele/{room}-esp/SENSOR", time: time, rows: rows)
    let renumbered =
      #"{"Time":"2026-11-29T10:40:00","DS18B20-1":{"Id":"0316A2C5D6FF","Temperature":1.2},"DS18B20-2":{"Id":"01144A0CB2AA","Temperature":3.4},"DS18B20-3":{"Id":"0A0000000001","Temperature":9.9},"TempUnit":"C"}"#
    let result = outcome(mapping, "tele/cold3-esp/SENSOR", renumbered)
    #expect(result.readings.map(\.key.sensor) == ["cold3-pulp", "cold3-air"])
    #expect(result.readings.map { $0.reading?.samples[0].tempC } == [1.2, 3.4])
    #expect(result.rejections.map(\.reason) == [.unmappedProbe])
  }

  @Test("Shelly Gen1: one number per topic, temperature and humidity of one probe")
  func shellyGen1() throws {
    let mapping = try source(.shellyGen1, "shellies/{sensor}/sensor/+", time: .receipt, room: "cold2")
    let temperature = outcome(mapping, "shellies/shellyht-AB12/sensor/temperature", "3.42")
    let humidity = outcome(mapping, "shellies/shellyht-AB12/sensor/humidity", "91.8")
    #expect(temperature.readings.first?.reading?.samples[0].tempC == 3.42)
    #expect(humidity.readings.first?.reading?.samples[0].rhPct == 91.8)
    #expect(temperature.readings.first?.key == humidity.readings.first?.key)
    #expect(temperature.readings.first?.reading?.samples[0].ts == SourceFixture.now)
    let battery = outcome(mapping, "shellies/shellyht-AB12/sensor/battery", "18")
    #expect(battery.readings.map(\.health) == [ProbeHealth(batteryPct: 18)] && battery.readings[0].reading == nil)
    #expect(outcome(mapping, "shellies/shellyht-AB12/sensor/ext_power", "false").ignored)
    #expect(
      outcome(mapping, "shellies/shellyht-AB12/sensor/temperature", "3.4", retained: true).rejections.map(\.reason)
        == [.staleRetained])
  }

  @Test("Shelly Gen2: NotifyStatus with params.ts, temperature:0 and humidity:0")
  func shellyGen2() throws {
    let mapping = try source(
      .shellyGen2, "{sensor}/events/rpc", time: .payload(PayloadTime(field: "params.ts", unit: .seconds)),
      room: "cold2")
    let payload =
      #"{"src":"shellyplusht-b8d61a8b17cc","dst":"shellyplusht-b8d61a8b17cc/events","method":"NotifyStatus","params":{"ts":1795923600.62,"temperature:0":{"id":0,"tC":3.4,"tF":38.1},"humidity:0":{"id":0,"rh":91.8}}}"#
    let result = outcome(mapping, "shellyplusht-b8d61a8b17cc/events/rpc", payload)
    let reading = try #require(result.readings.first?.reading)
    #expect(reading.key.sensor == "shellyplusht-b8d61a8b17cc")
    #expect(
      reading.samples == [Sample(seq: nil, ts: Timestamp(milliseconds: 1_795_923_600_620), tempC: 3.4, rhPct: 91.8)])
    let unsynced =
      #"{"src":"x","method":"NotifyStatus","params":{"ts":null,"temperature:0":{"id":0,"tC":3.4,"tF":38.1}}}"#
    #expect(outcome(mapping, "shellyplusht-b8d61a8b17cc/events/rpc", unsynced).rejections.map(\.reason) == [.badTime])
    let battery =
      #"{"src":"x","method":"NotifyStatus","params":{"ts":1795923600.62,"devicepower:0":{"id":0,"battery":{"V":4.8,"percent":15}},"wifi":{"rssi":-88}}}"#
    let health = outcome(mapping, "shellyplusht-b8d61a8b17cc/events/rpc", battery).readings
    #expect(health.map(\.health) == [ProbeHealth(batteryPct: 15, rssiDBm: -88)] && health[0].reading == nil)
    let sys = #"{"src":"x","method":"NotifyStatus","params":{"ts":1795923600.62,"sys":{"uptime":4}}}"#
    #expect(outcome(mapping, "shellyplusht-b8d61a8b17cc/events/rpc", sys).ignored)
  }

  @Test("ESPHome and Home Assistant statestream: a plain number at receipt; nan and unavailable are no value")
  func plainNumbers() throws {
    for preset in [SourcePreset.esphome, .haStatestream, .plain] {
      var mapping = try source(preset, "{room}/sensor/{sensor}/state", time: .receipt)
      let good = outcome(mapping, "cold2/sensor/cold2_air/state", "3.42")
      #expect(good.readings.first?.reading?.samples == [Sample(seq: nil, ts: SourceFixture.now, tempC: 3.42)])
      for bad in ["nan", "unavailable", "unknown", ""] {
        #expect(outcome(mapping, "cold2/sensor/cold2_air/state", bad).rejections.map(\.reason) == [.noValue])
      }
      mapping.options.metric = .humidity
      #expect(outcome(mapping, "cold2/sensor/cold2_rh/state", "91.8").readings.first?.reading?.samples[0].rhPct == 91.8)
    }
  }

  @Test("collectd: epoch seconds before the value, the type names the metric")
  func collectd() throws {
    let mapping = try source(.collectd, "collectd/{room}/{sensor}/+", time: payloadTime)
    let result = outcome(mapping, "collectd/cold2/sensors-probe1/temperature", "1795923600.123:3.42")
    #expect(
      result.readings.first?.reading?.samples == [
        Sample(seq: nil, ts: Timestamp(milliseconds: 1_795_923_600_123), tempC: 3.42)
      ])
    #expect(
      outcome(mapping, "collectd/cold2/sensors-probe1/humidity", "1795923600:91.8").readings.first?.reading?.samples[0]
        .rhPct == 91.8)
    #expect(
      outcome(mapping, "collectd/cold2/sensors-probe1/temperature", "3.42").rejections.map(\.reason) == [.noValue])
  }

  @Test("json: the named fields, °F and offset applied, out-of-range refused")
  func json() throws {
    var mapping = try source(
      .json, "farm/{room}/{sensor}", time: .payload(PayloadTime(field: "meta.t", unit: .milliseconds)))
    mapping.options.temperatureField = "data.tf"
    mapping.unit = .fahrenheit
    mapping.naming.offsetC = -0.2
    let result = outcome(mapping, "farm/cold2/p1", #"{"data":{"tf":38.12},"meta":{"t":1795923600000}}"#)
    let celsius = try #require(result.readings.first?.reading?.samples[0].tempC)
    #expect(abs(celsius - 3.2) < 0.001)
    #expect(
      outcome(mapping, "farm/cold2/p1", #"{"data":{"tf":400},"meta":{"t":1795923600000}}"#).rejections.map(\.reason)
        == [.tempOutOfRange])
    #expect(outcome(mapping, "farm/cold2/p1", #"{"data":{"#).rejections.map(\.reason) == [.malformedJSON])
    #expect(
      outcome(mapping, "farm/cold2/p1", #"{"data":{"tf":38},"meta":{"t":1999999999000}}"#).rejections.map(\.reason)
        == [.futureTimestamp])
  }

  @Test("the key kept per topic (idlessKey) is the key the mapping builds, and only stands in for it without an id")
  func topicKey() throws {
    let mapping = try source(.json, "farm/{room}/{sensor}", time: .payload(PayloadTime(field: "ts", unit: .seconds)))
    var withField = mapping
    withField.options.temperatureField = "t"
    let topic = "farm/cold2/p1"
    let captures = try #require(withField.captures(of: topic))
    let kept = try #require(withField.idlessKey(captures: captures))
    #expect(kept == SensorKey(site: "hx", room: "cold2", sensor: "p1"))
    func map(_ mapping: SourceMapping, _ topic: String, _ payload: String, key: SensorKey?) -> SourceOutcome {
      Array(payload.utf8).withUnsafeBytes {
        mapping.map(
          topic: topic, captures: mapping.captures(of: topic) ?? [:], payload: $0, retained: false,
          now: SourceFixture.now, topicKey: key)
      }
    }
    let payload = #"{"t":3.5,"ts":1795923600.123}"#
    guard case .mapped(let built, let builtRejections) = map(withField, topic, payload, key: nil),
      case .mapped(let reused, let reusedRejections) = map(withField, topic, payload, key: kept),
      builtRejections.isEmpty && reusedRejections.isEmpty
    else {
      Issue.record("the json payload maps")
      return
    }
    #expect(built == reused && built.first?.key == kept)
    // No key for a source with rows, nor for captures that make an invalid id (each message then says why).
    let rows = [SourceMapRow(match: nil, id: nil, naming: ProbeNaming(sensor: try IdTemplate("cold2-air")))]
    #expect(try source(.json, "farm/{room}/{sensor}", time: .receipt, rows: rows).idlessKey(captures: captures) == nil)
    #expect(withField.idlessKey(captures: ["room": "cold2", "sensor": "bad id"]) == nil)
    // A probe with an id (Tasmota's) is named from it, whatever key the caller kept.
    let tasmota = try source(
      .tasmota, "tele/{room}-esp/SENSOR", time: .payload(PayloadTime(field: "Time", unit: .seconds, zone: "+07:00")),
      sensor: "{room}-{id}")
    let probes = #"{"Time":"2026-11-29T10:40:00","DS18B20-1":{"Id":"0316A2C5D6FF","Temperature":1.2}}"#
    guard case .mapped(let named, let rejections) = map(tasmota, "tele/cold3-esp/SENSOR", probes, key: kept),
      rejections.isEmpty
    else {
      Issue.record("the Tasmota payload maps")
      return
    }
    #expect(named.map(\.key.sensor) == ["cold3-0316A2C5D6FF"])
  }

  @Test("an id the topic makes invalid is refused as invalid_id")
  func invalidID() throws {
    let mapping = try source(.plain, "x/{room}/{sensor}", time: .receipt)
    #expect(outcome(mapping, "x/cold2/bad id", "3").rejections.map(\.reason) == [.invalidID])
  }
}
