import ColdRoomSimulation
import ColdTraceCore

/// What one read of a probe gives: values, or a fault to report as an `error` sample.
public enum SensorValue: Sendable, Equatable {
  case values(tempC: Double?, rhPct: Double?)
  case fault(String)
}

/// One probe the agent samples. Drivers are one file each behind this protocol; a read never blocks the others for
/// long (drivers with slow hardware enforce their own timeout).
public protocol Sensor: AnyObject {
  var id: String { get }
  var room: String { get }
  /// Reads the probe; `time` is the sample's event time (real time, or the simulation's clock).
  func read(at time: Timestamp) -> SensorValue
}

/// Builds the driver for each configured sensor.
public enum SensorFactory {
  public static func make(_ configuration: SensorConfiguration, start: Timestamp) -> any Sensor {
    switch configuration.driver {
    case .simulated(let parameters, let doors, let seed):
      return SimulatedSensor(
        id: configuration.id, room: configuration.room,
        model: SimpleColdRoom(start: start, parameters: parameters, doors: doors, seed: seed))
    }
  }
}
