import ColdTraceConfig
import ColdTraceCore

/// Where a controller exposes a contact over Modbus: a coil (function 0x01, a relay output such as the defrost
/// relay), a discrete input (0x02, a contact such as the door switch), or one bit of a holding (0x03) or input (0x04)
/// register, the status word many controllers keep.
public enum ModbusPoint: Sendable, Equatable, CustomStringConvertible {
  case coil(Int)
  case discreteInput(Int)
  case holdingRegister(Int, bit: Int)
  case inputRegister(Int, bit: Int)

  public var description: String {
    switch self {
    case .coil(let address): "coil \(address)"
    case .discreteInput(let address): "discrete input \(address)"
    case .holdingRegister(let register, let bit): "holding register \(register) bit \(bit)"
    case .inputRegister(let register, let bit): "input register \(register) bit \(bit)"
    }
  }
}

/// A room controller's contact read over Modbus TCP or RTU (`[[input]]` with `driver = "modbus"`), on a connection of
/// its own kept between reads like a `ModbusSensor`'s. Errors become faults naming the endpoint, the unit and the
/// point. Not `Sendable`: libmodbus contexts are not thread-safe.
public final class ModbusInput: RoomInput {
  public let settings: ModbusSettings
  public let point: ModbusPoint
  private let connection: ModbusConnection

  public init(settings: ModbusSettings, point: ModbusPoint) {
    self.settings = settings
    self.point = point
    connection = ModbusConnection(settings: settings)
  }

  public func read(at time: Timestamp) -> InputValue {
    do throws(ModbusFailure) {
      switch point {
      case .coil(let address): return .state(try connection.readBit(discreteInput: false, at: address))
      case .discreteInput(let address): return .state(try connection.readBit(discreteInput: true, at: address))
      case .holdingRegister(let register, let bit): return .state(try word(.holding, register) & (1 << bit) != 0)
      case .inputRegister(let register, let bit): return .state(try word(.input, register) & (1 << bit) != 0)
      }
    } catch {
      return .fault("modbus \(settings.endpoint) unit \(settings.unit): \(error.message)")
    }
  }

  private func word(_ function: ModbusRegisterMap.Function, _ register: Int) throws(ModbusFailure) -> UInt16 {
    let words = try connection.perform(ModbusReadRequest(function: function, start: register, count: 1))
    return words[0]
  }
}

/// `driver = "modbus"` in an `[[input]]` table: the connection keys of the Modbus sensor driver (`transport`, `host`
/// and `port` or `device` and the serial keys, `unit`, `timeout_seconds`) and exactly one point: `coil = N`,
/// `discrete_input = N`, `holding_register = N` with `bit = B`, or `input_register = N` with `bit = B` (0-based
/// protocol addresses; bit 0 is the least significant).
public enum ModbusInputDriver: InputDriver {
  public static let name = "modbus"
  static let pointKeys = ["coil", "discrete_input", "holding_register", "input_register"]
  public static let keys: Set<String> = ModbusDriver.connectionKeys.union(pointKeys).union(["bit"])

  public static func factory(signal: RoomSignal, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any RoomInput
  {
    let settings = try ModbusDriver.connection(table)
    let point = try point(table)
    return { _ in ModbusInput(settings: settings, point: point) }
  }

  /// The one point the table names; errors name the key.
  static func point(_ table: ConfigTable) throws(ConfigError) -> ModbusPoint {
    let given = pointKeys.filter { table.keys.contains($0) }
    guard given.count == 1, let key = given.first else {
      let names = pointKeys.joined(separator: ", ")
      if given.isEmpty { throw table.invalid("coil", "or one of \(names) is required") }
      throw table.invalid(given[1], "cannot be given with `\(given[0])`: an input reads exactly one of \(names)")
    }
    guard let address = try table.int(key, .within(0...65_535)) else { throw table.invalid(key, "is required") }
    let bit = try table.int("bit", .within(0...15).saying("must be 0…15 (a register has 16 bits)"))
    switch key {
    case "coil", "discrete_input":
      if bit != nil { throw table.invalid("bit", "applies only to holding_register and input_register") }
      return key == "coil" ? .coil(address) : .discreteInput(address)
    default:
      guard let bit else { throw table.invalid("bit", "is required with `\(key)` (0…15, 0 = least significant)") }
      return key == "holding_register" ? .holdingRegister(address, bit: bit) : .inputRegister(address, bit: bit)
    }
  }
}
