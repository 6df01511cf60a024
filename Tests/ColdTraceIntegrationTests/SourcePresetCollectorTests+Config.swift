import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The collector config of `SourcePresetCollectorTests`: one `[[source]]` per preset, in site `hx`.
enum SourceTestConfig {
  static let text = """
    offline_after_minutes = 60

    [[source]]
    id = "z2m"
    site = "hx"
    preset = "zigbee2mqtt"
    topic = "zigbee2mqtt/{room}-{sensor}"
    time = "payload"
    availability = "zigbee2mqtt/{room}-{sensor}/availability"
    availability_grace_minutes = 0.05

    [[source]]
    id = "tasmota"
    site = "hx"
    preset = "tasmota"
    topic = "tele/{room}-esp/SENSOR"
    time = "payload"
    time_zone = "+07:00"

    [[source.map]]
    id = "01144A0CB2AA"
    sensor = "cold3-air"

    [[source.map]]
    id = "0316A2C5D6FF"
    sensor = "cold3-pulp"
    placement = "product"

    [[source]]
    id = "shelly1"
    site = "hx"
    preset = "shelly-gen1"
    topic = "shellies/{sensor}/sensor/+"
    room = "cold4"
    time = "receipt"

    [[source]]
    id = "shelly2"
    site = "hx"
    preset = "shelly-gen2"
    topic = "{sensor}/events/rpc"
    room = "cold5"
    time = "payload"

    [[source]]
    id = "esphome"
    site = "hx"
    preset = "esphome"
    topic = "esphome/{room}/sensor/{sensor}/state"
    time = "receipt"

    [[source]]
    id = "collectd"
    site = "hx"
    preset = "collectd"
    topic = "collectd/{room}/{sensor}/+"
    time = "payload"

    [[source]]
    id = "ha"
    site = "hx"
    preset = "ha-statestream"
    topic = "homeassistant/sensor/{room}_{sensor}/state"
    time = "receipt"

    [[source]]
    id = "farm-json"
    site = "hx"
    preset = "json"
    topic = "farm/{room}/{sensor}/json"
    temperature_field = "t"
    time = "payload"
    time_field = "ts"
    unit = "F"

    [[source]]
    id = "plain"
    site = "hx"
    preset = "plain"
    topic = "plain/{room}/{sensor}"
    time = "receipt"
    """

  /// The subscriptions the collector logs once they are granted.
  static let filters = [
    "zigbee2mqtt/+", "zigbee2mqtt/+/availability", "tele/+/SENSOR", "shellies/+/sensor/+", "+/events/rpc",
    "esphome/+/sensor/+/state",
    "collectd/+/+/+",
    "homeassistant/sensor/+/state", "farm/+/+/json", "plain/+/+",
  ]
}

/// A broker and a collector running `SourceTestConfig`, with helpers to publish and read back.
struct SourceRig {
  let broker: MosquittoBroker
  let facility: Facility
  let store: SQLiteStore
  let config: URL
  let filters: [String]

  /// `text` replaces the collector config; `filters` are then the subscriptions to wait for.
  init(config text: String = SourceTestConfig.text, filters: [String] = SourceTestConfig.filters) throws {
    broker = try MosquittoBroker()
    facility = try Facility(broker: broker)
    config = facility.directory.appendingPathComponent("collector.toml")
    self.filters = filters
    try text.write(to: config, atomically: true, encoding: .utf8)
    try Self.startCollector(facility, config, filters)
    store = try SQLiteStore(path: facility.database, create: false)
  }

  func startCollector() throws { try Self.startCollector(facility, config, filters) }

  /// Starts the collector and waits until every source's subscription is granted.
  private static func startCollector(_ facility: Facility, _ config: URL, _ filters: [String]) throws {
    try facility.startCollector(arguments: ["--config", config.path])
    let subscribed = eventually(timeout: 20) {
      filters.allSatisfy { facility.collectorLog.contains("subscribed to \($0)") }
    }
    if !subscribed {
      throw TestSupportError("the collector did not subscribe to every source:\n\(facility.collectorLog)")
    }
  }

  func stop() {
    facility.stopCollector()
    broker.stop()
  }

  func publish(_ topic: String, _ payload: String, retain: Bool = false) throws {
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: pub),
      ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", topic, "-m", payload] + (retain ? ["-r"] : []))
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }

  func readings(sensor: String? = nil) throws -> [StoredReading] {
    var filter = ReadingFilter()
    filter.sensor = sensor
    return try store.readings(filter)
  }

  func quarantined() throws -> [String: Int] { try store.counts().quarantinedByReason }

  /// Waits until `count` readings are stored, then checks that no more arrive.
  func expectReadings(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let reached = eventually(timeout: 15) { (try? store.counts().readings) == count }
    #expect(
      reached, "readings: \((try? store.counts().readings) ?? -1), expected \(count)", sourceLocation: sourceLocation)
  }
}

/// Times of the test run: whole seconds, a few minutes ago (payload times must not be in the future).
enum SourceClock {
  static func secondsAgo(_ seconds: Int) -> Int64 { Int64(Date().timeIntervalSince1970) - Int64(seconds) }

  static func iso(_ seconds: Int64) -> String { Timestamp(seconds: seconds).rfc3339 }

  /// Tasmota's `Time`: local time at +07:00, no offset, no fraction.
  static func tasmotaLocal(_ seconds: Int64) -> String {
    String(Timestamp(seconds: seconds + 25_200).rfc3339.dropLast(5))
  }
}
