import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

/// A probe in a simulated cold room (`driver = "simulated"`).
public final class SimulatedSensor: Sensor {
  public let id: String
  public let room: String
  /// A computation: read on the sampling thread (`ConcurrentSampler`).
  public var readsWithoutWaiting: Bool { true }
  private var model: SimpleColdRoom

  public init(id: String, room: String, model: SimpleColdRoom) {
    self.id = id
    self.room = room
    self.model = model
  }

  public func read(at time: Timestamp) -> SensorValue {
    let reading = model.read(at: time)
    return .values(tempC: reading.tempC, rhPct: reading.rhPct)
  }
}

/// `driver = "simulated"`: either a scenario of `Simulators/scenarios/` (`scenario = "path.toml"`, `probe = "<id in
/// it>"`), played from the agent's clock start; or the small built-in room: keys `setpoint_c`, `ambient_c`, `seed`,
/// and one scripted door opening (`door_open_at_minute`, `door_open_minutes`, minutes after the agent's clock starts).
public enum SimulatedDriver: SensorDriver {
  public static let name = "simulated"
  public static let keys: Set<String> = [
    "setpoint_c", "ambient_c", "seed", "door_open_at_minute", "door_open_minutes", "scenario", "probe",
  ]

  public static func factory(id: String, room: String, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any Sensor
  {
    if let path = try table.string("scenario") {
      let scenario = try ScenarioFile.load(path)
      let probe = try table.string("probe") ?? scenario.probes.first?.id ?? ""
      guard scenario.probes.contains(where: { $0.id == probe }) else {
        let known = scenario.probes.map(\.id).joined(separator: ", ")
        throw table.invalid("probe", "\"\(probe)\" is not a probe of \(path) (known: \(known))")
      }
      return { context in ScenarioSensor(id: id, room: room, scenario: scenario, probe: probe, start: context.start) }
    }
    var parameters = SimpleColdRoom.Parameters()
    parameters.setpointC = try temperature(table, "setpoint_c") ?? parameters.setpointC
    parameters.ambientC = try temperature(table, "ambient_c") ?? parameters.ambientC
    var doors: [SimpleColdRoom.DoorOpening] = []
    if let at = try table.double("door_open_at_minute", .within(0...525_600, "a year")) {
      let minutes = try table.double("door_open_minutes", .positive(atMost: 525_600, "a year"), default: 10)
      doors.append(.init(atMinute: at, minutes: minutes))
    }
    let seed = UInt64(truncatingIfNeeded: try table.int("seed") ?? 1)
    let room = room
    return { [parameters, doors] context in
      SimulatedSensor(
        id: id, room: room,
        model: SimpleColdRoom(start: context.start, parameters: parameters, doors: doors, seed: seed))
    }
  }

  /// The placement of the scenario probe a scenario sensor plays (`air`, `product` or `evaporator` in the scenario).
  public static func placement(table: ConfigTable) throws(ConfigError) -> Placement? {
    guard let path = try table.string("scenario") else { return nil }
    let scenario = try ScenarioFile.load(path)
    let probe = try table.string("probe") ?? scenario.probes.first?.id ?? ""
    return scenario.probes.first { $0.id == probe }.map(\.placement)
  }

  /// A simulated room's temperature in °C: finite and within what a probe reports (−80…85).
  private static func temperature(_ table: ConfigTable, _ key: String) throws(ConfigError) -> Double? {
    try table.double(key, .within(-80...85).saying("must be -80…85 °C"))
  }
}
