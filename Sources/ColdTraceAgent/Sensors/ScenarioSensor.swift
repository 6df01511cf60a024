import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceCore

/// A probe in a scenario's simulated cold room (`driver = "simulated"` with `scenario` and `probe`): the full heat
/// balance of `Simulators/` (compressor, defrost, doors, power cuts, product, probe faults), timed from the agent's
/// clock start.
public final class ScenarioSensor: Sensor {
  public let id: String
  public let room: String
  /// A computation: read on the sampling thread (`ConcurrentSampler`).
  public var readsWithoutWaiting: Bool { true }
  private let probe: String
  private var model: ColdRoom

  public init(id: String, room: String, scenario: Scenario, probe: String, start: Timestamp) {
    self.id = id
    self.room = room
    self.probe = probe
    model = ColdRoom(
      start: start, configuration: scenario.configuration, probes: scenario.probes, events: scenario.events,
      seed: scenario.seed)
  }

  public func read(at time: Timestamp) -> SensorValue {
    model.advance(to: time)
    switch model.read(probeID: probe) {
    case .reading(let tempC, let rhPct)?: return .values(tempC: tempC, rhPct: rhPct)
    case .crcFailure?: return .fault("\(probe): CRC failed (check the cable)")
    case .absent?, nil: return .fault("\(probe): probe not found on the bus")
    }
  }
}
