import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

/// What one read of a probe gives: values, or a fault to report as an `error` sample.
public enum SensorValue: Sendable, Equatable {
  case values(tempC: Double?, rhPct: Double?)
  case fault(String)
}

/// One probe the agent samples. Drivers are one file each behind this protocol and `SensorDriver`.
public protocol Sensor: AnyObject {
  var id: String { get }
  var room: String { get }
  /// Reads the probe; `time` is the sample's event time (real time, or the simulation's clock).
  func read(at time: Timestamp) -> SensorValue
  /// True for a read that is a computation and never waits on a device (a simulation): `ConcurrentSampler` then reads
  /// it on the sampling thread, with no worker thread to wake. Every driver that talks to hardware, a bus, a file or
  /// a child process keeps the default, false.
  var readsWithoutWaiting: Bool { get }
}

extension Sensor {
  public var readsWithoutWaiting: Bool { false }
}

/// What a driver needs besides its own `[[sensor]]` table: where the sysfs tree is (tests point it at fixtures), and
/// when the agent's clock starts (simulations).
public struct SensorContext: Sendable {
  public var sysfsRoot: String
  public var start: Timestamp

  public init(sysfsRoot: String = "/", start: Timestamp) {
    self.sysfsRoot = sysfsRoot
    self.start = start
  }
}

/// A kind of probe (`driver = "..."` in a `[[sensor]]` table): validates its keys when the config is loaded and
/// builds the sensor when the agent starts.
public protocol SensorDriver: Sendable {
  /// The `driver` value that selects it.
  static var name: String { get }
  /// The keys it reads, besides `id`, `room`, `driver` and the options every sensor takes (`SensorOptions.keys`).
  static var keys: Set<String> { get }
  static func factory(id: String, room: String, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any Sensor
  /// Where the probe is mounted when its table has no `placement` key and the driver knows (a scenario's probe says
  /// it); `nil`: the driver does not know.
  static func placement(table: ConfigTable) throws(ConfigError) -> Placement?
}

extension SensorDriver {
  public static func placement(table: ConfigTable) throws(ConfigError) -> Placement? { nil }
}

/// Every driver the agent knows. Adding a driver is one file and one entry here.
public enum SensorDrivers {
  public static let all: [any SensorDriver.Type] = [
    SimulatedDriver.self, ModbusDriver.self, W1Driver.self, IIODriver.self, HwmonDriver.self, CommandDriver.self,
  ]

  public static func named(_ name: String) -> (any SensorDriver.Type)? {
    all.first { $0.name == name }
  }
}

extension SensorValue {
  /// The sample this read makes: values, or an `error` sample reporting the fault.
  func sample(seq: Int64, at time: Timestamp) -> Sample {
    switch self {
    case .values(let tempC, let rhPct): return Sample(seq: seq, ts: time, tempC: tempC, rhPct: rhPct)
    case .fault(let reason): return Sample(seq: seq, ts: time, error: reason)
    }
  }
}
