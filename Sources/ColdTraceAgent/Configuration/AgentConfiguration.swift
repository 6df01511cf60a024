import ColdRoomSimulation
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
  /// Playback of simulated sensors: start this many seconds in the past and run `speed` times faster than real time
  /// until caught up with the clock (the demo shows an hour in seconds); 0 and 1 mean live.
  public var catchUpFromSecondsAgo: Double = 0
  public var speed: Double = 1

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
      "site", "agent", "broker", "state_dir", "interval_seconds", "sensor", "tls", "simulation",
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
    let interval = try config.double("interval_seconds") ?? 60
    guard interval >= 0.01, interval <= 86_400 else { throw config.invalid("interval_seconds", "must be 0.01…86400") }
    var sensors: [SensorConfiguration] = []
    for table in try config.tables("sensor") {
      let sensor = try SensorConfiguration.load(table)
      if sensors.contains(where: { $0.id == sensor.id }) {
        throw table.invalid("id", "\"\(sensor.id)\" is used by two sensors")
      }
      sensors.append(sensor)
    }
    guard !sensors.isEmpty else { throw ConfigError("\(config.path): no [[sensor]] configured") }
    var configuration = AgentConfiguration(
      site: site, agent: agent, broker: broker, stateDirectory: try config.string("state_dir") ?? ".",
      intervalSeconds: interval, sensors: sensors)
    if let tls = try config.table("tls") {
      try tls.rejectUnknownKeys(allowed: ["ca_file", "cert_file", "key_file"])
      configuration.tls = ClientOptions.TLS(
        caFile: try tls.string("ca_file"), certFile: try tls.string("cert_file"), keyFile: try tls.string("key_file"))
    }
    if let simulation = try config.table("simulation") {
      try simulation.rejectUnknownKeys(allowed: ["catch_up_minutes", "speed"])
      configuration.catchUpFromSecondsAgo = (try simulation.double("catch_up_minutes") ?? 0) * 60
      configuration.speed = try simulation.double("speed") ?? 1
      guard configuration.speed >= 1, configuration.speed <= 100_000 else {
        throw simulation.invalid("speed", "must be 1…100000")
      }
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

/// One probe: its id within the site, its room, and how to read it.
public struct SensorConfiguration: Sendable {
  public enum Driver: Sendable {
    /// The simple cold-room model; `doors` are scripted openings, in minutes after the agent starts sampling.
    case simulated(parameters: SimpleColdRoom.Parameters, doors: [SimpleColdRoom.DoorOpening], seed: UInt64)
  }

  public var id: String
  public var room: String
  public var driver: Driver

  public init(id: String, room: String, driver: Driver) {
    self.id = id
    self.room = room
    self.driver = driver
  }

  static func load(_ table: ConfigTable) throws(ConfigError) -> SensorConfiguration {
    let id = try AgentConfiguration.identifier(table, "id", as: .sensor)
    let room = try AgentConfiguration.identifier(table, "room", as: .room)
    let driver = try table.string("driver") ?? "simulated"
    switch driver {
    case "simulated":
      try table.rejectUnknownKeys(allowed: [
        "id", "room", "driver", "setpoint_c", "ambient_c", "seed", "door_open_at_minute", "door_open_minutes",
      ])
      var parameters = SimpleColdRoom.Parameters()
      parameters.setpointC = try table.double("setpoint_c") ?? parameters.setpointC
      parameters.ambientC = try table.double("ambient_c") ?? parameters.ambientC
      var doors: [SimpleColdRoom.DoorOpening] = []
      if let at = try table.double("door_open_at_minute") {
        let minutes = try table.double("door_open_minutes") ?? 10
        guard minutes > 0 else { throw table.invalid("door_open_minutes", "must be positive") }
        doors.append(.init(atMinute: at, minutes: minutes))
      }
      let seed = try table.int("seed") ?? 1
      return SensorConfiguration(
        id: id, room: room,
        driver: .simulated(parameters: parameters, doors: doors, seed: UInt64(truncatingIfNeeded: seed)))
    default:
      throw table.invalid("driver", "\"\(driver)\" is not a known driver (known: simulated)")
    }
  }
}
