import ColdTraceConfig
import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem

/// Everything `coldtrace-agent run` needs, from `agent.toml` (see `deploy/agent.toml`) and flags.
public struct AgentConfiguration: Sendable {
  public var site: String
  public var agent: String
  public var broker: BrokerAddress
  public var tls: ClientOptions.TLS?
  /// Where the per-sensor sequence numbers are kept across restarts.
  public var stateDirectory: String
  /// Seconds of event time between two samples of each sensor.
  public var intervalSeconds: Double
  public var sensors: [SensorConfiguration]
  /// The room controllers' contacts (`[[input]]`): defrost relays and door switches.
  public var inputs: [InputConfiguration] = []
  /// The `mqtt` driver (`[[mqtt_source]]`): wireless sensors read from the site's own broker.
  public var mqttSources: [MQTTSourceConfiguration] = []
  /// The ids of the agent's own `[[sensor]]`s and `[[input]]`s, which no `mqtt` driver probe may take.
  var ownProbeIDs: Set<String> { Set(sensors.map(\.id) + inputs.map(\.id)) }
  /// Playback of simulated sensors: start this many seconds in the past and run `speed` times faster than real time
  /// until caught up with the clock (the demo shows an hour in seconds); 0 and 1 mean live.
  public var catchUpFromSecondsAgo: Double = 0
  public var speed: Double = 1
  /// Lockstep with `coldtrace-sim run` (`run --start --speed --anchor`): play event time `start` at wall-clock `anchor`,
  /// `speed` times faster than real time; replaces the catch-up above.
  public var lockstep: Lockstep?
  /// Where sysfs is mounted; `--sysfs-root` points drivers at a fixture tree.
  public var sysfsRoot: String = "/"
  public var outboxLimits = Outbox.Limits()
  /// Re-send samples the collector has not confirmed after this long without progress.
  public var acknowledgementTimeoutSeconds: Double = 30
  public var protocolVersion: ClientOptions.ProtocolVersion = .v5
  /// The longest wait between reconnect attempts (the back-off doubles from 0.5 s up to it).
  public var reconnectMaxSeconds: Double = 30
  /// `[edge_alarm]`: the local alarm when the broker is out of reach; `nil` without the table.
  public var edgeAlarm: EdgeAlarmConfiguration?
  /// `[clock]`: how the agent learns whether its clock is synchronised. A file without the table follows the kernel; a
  /// configuration built in code (tests) trusts the clock unless it says otherwise, so it does not depend on the host.
  public var clock = ClockSettings(sync: .trust)

  public init(
    site: String, agent: String, broker: BrokerAddress, stateDirectory: String, intervalSeconds: Double,
    sensors: [SensorConfiguration]
  ) {
    self.site = site
    self.agent = agent
    self.broker = broker
    self.stateDirectory = stateDirectory
    self.intervalSeconds = intervalSeconds
    self.sensors = sensors
  }

  /// Reads and validates an agent config file; errors name the file and the key.
  public static func load(_ config: ConfigTable) throws(ConfigError) -> AgentConfiguration {
    try config.rejectUnknownKeys(allowed: [
      "site", "agent", "broker", "state_dir", "interval_seconds", "sensor", "tls", "simulation", "outbox",
      "mqtt_version", "reconnect_max_seconds", "input", "edge_alarm", "clock",
      "mqtt_source",
    ])
    let site = try identifier(config, "site", as: .site)
    let agent = try identifier(config, "agent", as: .agent)
    let brokerURL = try config.string("broker") ?? "mqtt://127.0.0.1:1883"
    let broker: BrokerAddress
    do {
      broker = try BrokerAddress(url: brokerURL)
    } catch {
      throw config.invalid("broker", "is not usable: \(error)")
    }
    let interval = try config.double("interval_seconds", .within(0.001...86_400), default: 60)
    var sensors: [SensorConfiguration] = []
    for table in try config.tables("sensor") {
      let sensor = try SensorConfiguration.load(table)
      if sensors.contains(where: { $0.id == sensor.id }) {
        throw table.invalid("id", "\"\(sensor.id)\" is used by two sensors")
      }
      sensors.append(sensor)
    }
    var inputs: [InputConfiguration] = []
    for table in try config.tables("input") {
      let input = try InputConfiguration.load(table)
      if sensors.contains(where: { $0.id == input.id }) || inputs.contains(where: { $0.id == input.id }) {
        throw table.invalid("id", "\"\(input.id)\" is used by another sensor or input")
      }
      inputs.append(input)
    }
    let mqttSources = try MQTTSourceConfiguration.loadAll(config, site: site)
    guard !sensors.isEmpty || !inputs.isEmpty || !mqttSources.isEmpty else {
      throw ConfigError("\(config.path): no [[sensor]] (or [[input]] or [[mqtt_source]]) configured")
    }
    var configuration = AgentConfiguration(
      site: site, agent: agent, broker: broker, stateDirectory: try config.string("state_dir") ?? ".",
      intervalSeconds: interval, sensors: sensors)
    configuration.inputs = inputs
    configuration.mqttSources = mqttSources
    configuration.tls = try config.tlsOptions()
    if let outbox = try config.table("outbox") {
      try outbox.rejectUnknownKeys(allowed: ["max_mb", "max_age_hours", "segment_kb", "ack_timeout_seconds"])
      if let megabytes = try outbox.double("max_mb", .within(0.01...1_000_000)) {
        configuration.outboxLimits.maxBytes = Int(megabytes * 1_048_576)
      }
      if let hours = try outbox.double("max_age_hours", .positive(atMost: 87_600, "ten years")) {
        configuration.outboxLimits.maxAgeSeconds = hours * 3600
      }
      if let kilobytes = try outbox.int("segment_kb", .within(1...65_536)) {
        configuration.outboxLimits.segmentBytes = kilobytes * 1024
      }
      configuration.acknowledgementTimeoutSeconds = try outbox.double(
        "ack_timeout_seconds", .within(0.5...86_400), default: configuration.acknowledgementTimeoutSeconds)
    }
    configuration.reconnectMaxSeconds = try config.double(
      "reconnect_max_seconds", .within(0.5...3600), default: configuration.reconnectMaxSeconds)
    configuration.protocolVersion = try config.mqttVersion()
    configuration.edgeAlarm = try config.table("edge_alarm").map { table throws(ConfigError) in
      try EdgeAlarmConfiguration.load(table)
    }
    configuration.clock =
      try config.table("clock").map { table throws(ConfigError) in try ClockSettings.load(table) } ?? ClockSettings()
    if let simulation = try config.table("simulation") {
      try simulation.rejectUnknownKeys(allowed: ["catch_up_minutes", "speed"])
      // Finite and bounded: the sampling clock turns it into integer milliseconds (inf or NaN would trap there).
      let catchUpMinutes = try simulation.double("catch_up_minutes", .within(0...43_200, "30 days"), default: 0)
      configuration.catchUpFromSecondsAgo = catchUpMinutes * 60
      configuration.speed = try simulation.double("speed", .within(1...100_000), default: 1)
    }
    return configuration
  }

  static func identifier(_ config: ConfigTable, _ key: String, as kind: IdentifierKind) throws(ConfigError) -> String {
    guard let value = try config.string(key) else { throw config.invalid(key, "is required") }
    do {
      try Identifier.validate(value, as: kind)
    } catch {
      throw config.invalid(key, "is not valid: \(error)")
    }
    return value
  }
}

/// A shared time base with `coldtrace-sim run` (see `SamplingClock.init(anchor:eventStart:interval:speed:)`).
public struct Lockstep: Sendable, Equatable {
  public var start: Timestamp
  public var anchor: Timestamp
  public var speed: Double

  public init(start: Timestamp, anchor: Timestamp, speed: Double) {
    self.start = start
    self.anchor = anchor
    self.speed = speed
  }
}

/// One `[[sensor]]` table: a probe's id within the site (with the site, its `ProbeKey`), the room it hangs in (with
/// the site and the id, where its readings are taken: their `SensorKey`), and how to build its driver.
public struct SensorConfiguration: Sendable {
  public var id: String
  public var room: String
  public var driver: String
  /// Where the probe is mounted (`placement`; absent: the scenario probe's for a scenario sensor, else `air`),
  /// announced in the agent's status.
  public var placement: Placement
  /// Builds the sensor when the agent starts (drivers validate their keys when the config is loaded).
  public var make: @Sendable (SensorContext) -> any Sensor

  public init(
    id: String, room: String, driver: String, placement: Placement = .air,
    make: @escaping @Sendable (SensorContext) -> any Sensor
  ) {
    self.id = id
    self.room = room
    self.driver = driver
    self.placement = placement
    self.make = make
  }

  /// Keys every `[[sensor]]` table may have, whatever its driver (`SensorOptions` lists its own).
  static let commonKeys: Set<String> = Set(["id", "room", "driver", "placement"]).union(SensorOptions.keys)

  static func load(_ table: ConfigTable) throws(ConfigError) -> SensorConfiguration {
    let id = try AgentConfiguration.identifier(table, "id", as: .sensor)
    let room = try AgentConfiguration.identifier(table, "room", as: .room)
    let name = try table.string("driver") ?? SimulatedDriver.name
    guard let driver = SensorDrivers.named(name) else {
      let known = SensorDrivers.all.map { $0.name }.joined(separator: ", ")
      throw table.invalid("driver", "\"\(name)\" is not a known driver (known: \(known))")
    }
    try table.rejectUnknownKeys(allowed: commonKeys.union(driver.keys))
    let options = try SensorOptions(table)
    let makeDriver = try driver.factory(id: id, room: room, table: table)
    var placement = try table.placement("placement")
    if placement == nil { placement = try driver.placement(table: table) }
    return SensorConfiguration(id: id, room: room, driver: name, placement: placement ?? .air) { context in
      CalibratedSensor(wrapping: makeDriver(context), options: options)
    }
  }
}
