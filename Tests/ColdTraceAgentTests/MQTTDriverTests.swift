import ColdTraceConfig
import ColdTraceCore
import Testing

@testable import ColdTraceAgent

/// The `mqtt` driver: `[[mqtt_source]]` tables (the collector's `[[source]]` schema, the agent's site), and the
/// mapping of site-broker messages into samples without repeats.
@Suite("Agent mqtt driver")
struct MQTTDriverTests {
  static let header = """
    site = "hongxuan"
    agent = "hx-edge-1"
    broker = "mqtt://central.example:1883"

    """
  static let zigbee = """
    [[mqtt_source]]
    id = "z2m"
    broker = "mqtt://192.168.1.10"
    preset = "zigbee2mqtt"
    topic = "zigbee2mqtt/{room}-{sensor}"
    time = "payload"

    """

  static func load(_ text: String) throws(ConfigError) -> AgentConfiguration {
    try AgentConfiguration.load(try ConfigTable(path: "/etc/coldtrace/agent.toml", text: header + text))
  }

  static func loadError(_ text: String) -> String? {
    do {
      _ = try load(text)
      return nil
    } catch {
      return error.description
    }
  }

  static func mapper(_ text: String, reserved: Set<String> = []) throws -> SiteMessageMapper {
    SiteMessageMapper(sources: try load(text).mqttSources.map(\.mapping), reservedIDs: reserved)
  }

  static let now = Timestamp.parseRFC3339("2026-12-07T10:00:00Z")!

  static func map(
    _ mapper: inout SiteMessageMapper, _ topic: String, _ payload: String, retained: Bool = false,
    now: Timestamp = now
  ) -> (samples: [ArrivedSample], problems: [String]) {
    Array(payload.utf8).withUnsafeBytes { mapper.map(topic: topic, payload: $0, retained: retained, now: now) }
  }

  @Test("an [[mqtt_source]] alone is a valid agent: the site is the agent's, the broker the site's")
  func loadsMQTTSource() throws {
    let config = try Self.load(Self.zigbee)
    #expect(config.sensors.isEmpty)
    #expect(config.mqttSources.count == 1)
    let source = try #require(config.mqttSources.first)
    #expect(source.broker.description.contains("192.168.1.10"))
    #expect(source.mapping.site == "hongxuan")
    #expect(source.mapping.preset == .zigbee2mqtt)
    #expect(source.mapping.time == .payload(PayloadTime(field: "last_seen", unit: .milliseconds)))
  }

  @Test(
    "bad tables are one line naming the key",
    arguments: [
      ("broker = \"mqtt://192.168.1.10\"", "site = \"other\"", "site"),
      ("broker = \"mqtt://192.168.1.10\"", "", "time"),
      ("", "time = \"payload\"", "broker"),
      ("broker = \"mqtt://192.168.1.10\"", "time = \"payload\"\n[mqtt_source.tls]\nca_file = \"/etc/ca.crt\"", "tls"),
      ("broker = \"http://192.168.1.10\"", "time = \"payload\"", "broker"),
    ])
  func rejectsBadTables(broker: String, extra: String, key: String) throws {
    let text = """
      [[mqtt_source]]
      id = "z2m"
      \(broker)
      preset = "zigbee2mqtt"
      topic = "zigbee2mqtt/{room}-{sensor}"
      \(extra)
      """
    let error = try #require(Self.loadError(text))
    #expect(error.contains("mqtt_source") && error.contains(key), "\(error)")
    #expect(!error.contains("\n"))
  }

  @Test("two [[mqtt_source]] with one id are refused")
  func duplicateIDs() throws {
    let error = try #require(Self.loadError(Self.zigbee + Self.zigbee))
    #expect(error.contains("names another [[mqtt_source]]"))
  }

  @Test("Zigbee2MQTT: payload time; cached-state repeats and replays give no second sample")
  func zigbeeRepeats() throws {
    var mapper = try Self.mapper(Self.zigbee)
    let first = Self.map(
      &mapper, "zigbee2mqtt/cold2-snzb1", #"{"temperature":3.4,"humidity":88,"last_seen":"2026-12-07T09:59:00Z"}"#)
    #expect(first.problems.isEmpty)
    let sample = try #require(first.samples.first)
    #expect(sample.sensor == "snzb1" && sample.room == "cold2")
    #expect(
      sample.sample == Sample(seq: nil, ts: Timestamp.parseRFC3339("2026-12-07T09:59:00Z")!, tempC: 3.4, rhPct: 88))
    // The same message again (cache_state_send_on_startup, a retained state on resubscribe): a replay.
    let replay = Self.map(
      &mapper, "zigbee2mqtt/cold2-snzb1", #"{"temperature":3.4,"humidity":88,"last_seen":"2026-12-07T09:59:00Z"}"#,
      retained: true)
    #expect(replay.samples.isEmpty && replay.problems.isEmpty)
    // A battery report 20 s later carries the cached temperature again: a repeat, not a reading.
    let cached = Self.map(
      &mapper, "zigbee2mqtt/cold2-snzb1",
      #"{"temperature":3.4,"humidity":88,"battery":80,"last_seen":"2026-12-07T09:59:20Z"}"#)
    #expect(cached.samples.isEmpty)
    let next = Self.map(
      &mapper, "zigbee2mqtt/cold2-snzb1", #"{"temperature":3.6,"humidity":88,"last_seen":"2026-12-07T09:59:40Z"}"#)
    #expect(next.samples.map(\.sample.tempC) == [3.6])
  }

  @Test("what cannot be a sample is a one-line reason, and the next good message is a sample")
  func problems() throws {
    var mapper = try Self.mapper(Self.zigbee, reserved: ["air"])
    let unmapped = Self.map(&mapper, "other/cold2-x", "1")
    #expect(unmapped.samples.isEmpty && unmapped.problems.count == 1)
    let noTime = Self.map(&mapper, "zigbee2mqtt/cold2-snzb1", #"{"temperature":3.4}"#)
    #expect(noTime.samples.isEmpty && noTime.problems.first?.contains("bad_time") == true)
    let taken = Self.map(
      &mapper, "zigbee2mqtt/cold2-air", #"{"temperature":3.4,"last_seen":"2026-12-07T09:59:00Z"}"#)
    #expect(taken.samples.isEmpty && taken.problems.first?.contains("a [[sensor]] of this agent") == true)
    // A battery and link report only: not a sample, not a problem.
    let health = Self.map(
      &mapper, "zigbee2mqtt/cold2-snzb1", #"{"battery":50,"linkquality":80,"last_seen":"2026-12-07T09:59:00Z"}"#)
    #expect(health.samples.isEmpty && health.problems.isEmpty)
    let good = Self.map(
      &mapper, "zigbee2mqtt/cold2-snzb1", #"{"temperature":3.5,"last_seen":"2026-12-07T09:59:00Z"}"#)
    #expect(good.samples.count == 1 && good.problems.isEmpty)
  }

  @Test("ESPHome at receipt time: a retained state is refused, live states are timed on arrival, strictly increasing")
  func esphomeReceiptTime() throws {
    var mapper = try Self.mapper(
      """
      [[mqtt_source]]
      id = "esp"
      broker = "mqtt://192.168.1.10"
      preset = "esphome"
      topic = "esp-cold3/sensor/{sensor}/state"
      room = "cold3"
      time = "receipt"
      placement = "simulant"
      """)
    let retained = Self.map(&mapper, "esp-cold3/sensor/pulp/state", "4.25", retained: true)
    #expect(retained.samples.isEmpty && retained.problems.first?.contains("stale_retained") == true)
    let live = Self.map(&mapper, "esp-cold3/sensor/pulp/state", "4.25")
    #expect(live.samples.map(\.sample.ts) == [Self.now])
    #expect(live.samples.first?.placement == .simulant)
    let sameMillisecond = Self.map(&mapper, "esp-cold3/sensor/pulp/state", "4.5")
    #expect(sameMillisecond.samples.map(\.sample.ts) == [Timestamp(milliseconds: Self.now.milliseconds + 1)])
  }

  @Test("samples are numbered in arrival order with each probe's next seq")
  func numbering() {
    let ts = Self.now
    let arrived = ["a", "b", "a", "a"].map {
      ArrivedSample(sensor: $0, room: "cold2", placement: nil, sample: Sample(seq: nil, ts: ts, tempC: 1))
    }
    var probes = MappedProbes()
    let firstSight = probes.learn(Arrivals(samples: arrived, dropped: 0))
    let secondSight = probes.learn(Arrivals(samples: arrived, dropped: 0))
    #expect(firstSight && !secondSight)
    let records = probes.number(arrived, clock: nil) { $0 == "a" ? 41 : 1 }
    #expect(records.map(\.sensor) == ["a", "b", "a", "a"])
    #expect(records.map(\.seq) == [41, 1, 42, 43])
    #expect(probes.rooms == ["a": "cold2", "b": "cold2"])
  }

  @Test("the agent's unsynchronised clock goes with samples stamped on arrival, not with a device's own time")
  func clockStampOnlyOnReceiptTime() {
    let sample = Sample(seq: nil, ts: Self.now, tempC: 1)
    let arrived = [
      ArrivedSample(sensor: "receipt", room: "cold2", placement: nil, sample: sample, timedOnReceipt: true),
      ArrivedSample(sensor: "device", room: "cold2", placement: nil, sample: sample, timedOnReceipt: false),
    ]
    let stamp = UnsyncedStamp(boot: 7, offsetMilliseconds: -10_800_000)
    let records = MappedProbes().number(arrived, clock: stamp) { _ in 1 }
    #expect(records.map(\.clock) == [stamp, nil])
  }

  @Test("after a restart, a retained state with the payload time of the last stored sample is no new sample")
  func replayAfterRestart() throws {
    let ts = Timestamp.parseRFC3339("2026-12-07T09:59:00Z")!
    var before = LastMappedSamples()
    before.note([OutboxRecord(sensor: "snzb1", room: "cold2", sample: Sample(seq: 7, ts: ts, tempC: 3.4, rhPct: 88.5))])
    let saved = LastMappedSamples(text: before.text)
    #expect(saved == before)
    #expect(LastMappedSamples(text: "garbage\nsnzb1\tx\t1\t2\n") == LastMappedSamples())
    let sources = try Self.load(Self.zigbee).mqttSources.map(\.mapping)
    var mapper = SiteMessageMapper(sources: sources, reservedIDs: [], lastStored: saved)
    let payload = #"{"temperature":3.4,"humidity":88.5,"last_seen":"2026-12-07T09:59:00Z"}"#
    let replay = Self.map(&mapper, "zigbee2mqtt/cold2-snzb1", payload, retained: true)
    #expect(replay.samples.isEmpty && replay.problems.isEmpty)
    let next = Self.map(
      &mapper, "zigbee2mqtt/cold2-snzb1", #"{"temperature":3.5,"humidity":88.5,"last_seen":"2026-12-07T10:00:00Z"}"#)
    #expect(next.samples.count == 1)
  }
}
