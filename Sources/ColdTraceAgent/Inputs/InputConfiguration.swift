import ColdTraceConfig
import ColdTraceCore

/// One `[[input]]` table: a contact of a room's controller (its defrost relay or its door switch), published as that
/// room's state under its own id, like a probe.
///
/// Keys: `id` (a sensor id: the input's readings are numbered and acknowledged like a probe's), `room`, `signal`
/// (`"defrost"` or `"door"`), `driver` (`modbus`, `gpio`, `command` or `simulated`, each with its own keys),
/// `invert` (`true` when the contact reads the other way round), and `poll_seconds` (how often it is read between
/// two sampling rounds, 2 by default, at least 0.2).
public struct InputConfiguration: Sendable {
  public var id: String
  public var room: String
  public var signal: RoomSignal
  public var driver: String
  public var invert: Bool
  /// Seconds of wall clock between two polls; a change is published as soon as a poll sees it.
  public var pollSeconds: Double
  /// Builds the input when the agent starts (drivers validate their keys when the config is loaded).
  public var make: @Sendable (SensorContext) -> any RoomInput

  public init(
    id: String, room: String, signal: RoomSignal, driver: String, invert: Bool = false, pollSeconds: Double = 2,
    make: @escaping @Sendable (SensorContext) -> any RoomInput
  ) {
    self.id = id
    self.room = room
    self.signal = signal
    self.driver = driver
    self.invert = invert
    self.pollSeconds = pollSeconds
    self.make = make
  }

  static let commonKeys: Set<String> = ["id", "room", "signal", "driver", "invert", "poll_seconds"]

  static func load(_ table: ConfigTable) throws(ConfigError) -> InputConfiguration {
    let id = try AgentConfiguration.identifier(table, "id", as: .sensor)
    let room = try AgentConfiguration.identifier(table, "room", as: .room)
    guard let signalName = try table.string("signal") else {
      throw table.invalid("signal", "is required: \"defrost\" or \"door\"")
    }
    guard let signal = RoomSignal(rawValue: signalName) else {
      throw table.invalid("signal", "must be \"defrost\" or \"door\", not \"\(signalName)\"")
    }
    let known = InputDrivers.all.map { $0.name }.joined(separator: ", ")
    guard let name = try table.string("driver") else { throw table.invalid("driver", "is required (one of \(known))") }
    guard let driver = InputDrivers.named(name) else {
      throw table.invalid("driver", "\"\(name)\" is not a known input driver (known: \(known))")
    }
    try table.rejectUnknownKeys(allowed: commonKeys.union(driver.keys))
    let invert = try table.bool("invert") ?? false
    let poll = try table.double("poll_seconds", .within(0.2...3600), default: 2)
    let make = try driver.factory(signal: signal, table: table)
    return InputConfiguration(
      id: id, room: room, signal: signal, driver: name, invert: invert, pollSeconds: poll, make: make)
  }
}
