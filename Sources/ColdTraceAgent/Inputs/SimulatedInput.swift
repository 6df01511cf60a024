import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceConfig
import ColdTraceCore

/// A scenario's room controller (`driver = "simulated"` with `scenario`): the defrost relay or the door contact of the
/// room the scenario plays, timed from the agent's clock start like a scenario sensor, for tests and the demo.
public final class SimulatedInput: RoomInput {
  public let signal: RoomSignal
  private var model: ColdRoom

  public init(signal: RoomSignal, scenario: Scenario, start: Timestamp) {
    self.signal = signal
    model = ColdRoom(
      start: start, configuration: scenario.configuration, probes: scenario.probes, events: scenario.events,
      seed: scenario.seed)
  }

  public func read(at time: Timestamp) -> InputValue {
    model.advance(to: time)
    let snapshot = model.snapshot
    return .state(signal == .defrost ? snapshot.defrosting : snapshot.doorOpen)
  }
}

/// `driver = "simulated"` in an `[[input]]` table: `scenario` (a scenario file of `Simulators/scenarios/`); the
/// input's `signal` says which of its room's states it plays.
public enum SimulatedInputDriver: InputDriver {
  public static let name = "simulated"
  public static let keys: Set<String> = ["scenario"]

  public static func factory(signal: RoomSignal, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any RoomInput
  {
    guard let path = try table.string("scenario") else {
      throw table.invalid("scenario", "is required: a scenario file such as \"Simulators/scenarios/defrost.toml\"")
    }
    let scenario = try ScenarioFile.load(path)
    return { context in SimulatedInput(signal: signal, scenario: scenario, start: context.start) }
  }
}
