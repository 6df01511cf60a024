/// How to reach a Modbus device: TCP (a transmitter or an RS-485 gateway on the network) or RTU (a serial line).
public enum ModbusEndpoint: Sendable, Equatable, CustomStringConvertible {
  /// Serial parity.
  public enum Parity: String, Sendable, CaseIterable {
    case none = "N"
    case even = "E"
    case odd = "O"
  }

  case tcp(host: String, port: Int)
  case rtu(device: String, baud: Int, parity: Parity, dataBits: Int, stopBits: Int)

  /// `host:port` or the serial device, as fault messages name it.
  public var description: String {
    switch self {
    case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    case .rtu(let device, _, _, _, _): device
    }
  }
}

/// A validated `driver = "modbus"` sensor table.
public struct ModbusSettings: Sendable, Equatable {
  public var endpoint: ModbusEndpoint
  /// The unit (slave) id the requests address.
  public var unit: Int
  /// How long to wait for a connection and for each response (the libmodbus response timeout).
  public var timeoutSeconds: Double
  public var temp: ModbusRegisterMap?
  public var rh: ModbusRegisterMap?

  public init(
    endpoint: ModbusEndpoint, unit: Int = 1, timeoutSeconds: Double = 0.5, temp: ModbusRegisterMap?,
    rh: ModbusRegisterMap?
  ) {
    self.endpoint = endpoint
    self.unit = unit
    self.timeoutSeconds = timeoutSeconds
    self.temp = temp
    self.rh = rh
  }
}
