import ColdTraceConfig
import ColdTraceCore

/// The room controller's signals the agent reads besides its probes: the collector pauses air-probe alarms while the
/// evaporator defrosts or the door stands open, when the air warms for a reason that is not a fault.
public enum RoomSignal: String, Sendable, CaseIterable {
  /// The defrost relay (heater on, compressor stopped).
  case defrost
  /// The door contact; `true` is open.
  case door
}

/// What one read of a room input gives: the signal's state (`true`: defrosting, door open), or a fault to report as
/// an `error` sample.
public enum InputValue: Sendable, Equatable {
  case state(Bool)
  case fault(String)

  /// The value as the wiring means it: an inverted input (`invert`, `active_low`) reads `true` as `false`.
  func inverted(_ invert: Bool) -> InputValue {
    guard invert, case .state(let on) = self else { return self }
    return .state(!on)
  }
}

/// One contact or relay output the agent reads. Drivers are one file each behind this protocol and `InputDriver`.
public protocol RoomInput: AnyObject {
  /// Reads the contact; `time` is the read's event time (real time, or the simulation's clock).
  func read(at time: Timestamp) -> InputValue
}

/// A way of reading a contact (`driver = "..."` in an `[[input]]` table): validates its keys when the config is loaded
/// and builds the input when the agent starts.
public protocol InputDriver: Sendable {
  /// The `driver` value that selects it.
  static var name: String { get }
  /// The keys it reads, besides the keys every input has (`InputConfiguration.commonKeys`).
  static var keys: Set<String> { get }
  static func factory(signal: RoomSignal, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any RoomInput
}

/// Every input driver the agent knows. Adding a driver is one file and one entry here.
public enum InputDrivers {
  public static let all: [any InputDriver.Type] = [
    ModbusInputDriver.self, GPIOInputDriver.self, CommandInputDriver.self, SimulatedInputDriver.self,
  ]

  public static func named(_ name: String) -> (any InputDriver.Type)? {
    all.first { $0.name == name }
  }
}
