import ColdRoomSimulation
import ColdTraceCore

/// A probe in a simulated cold room (`driver = "simulated"`).
public final class SimulatedSensor: Sensor {
  public let id: String
  public let room: String
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
