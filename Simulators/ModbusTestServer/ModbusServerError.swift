/// A Modbus server that could not start.
public struct ModbusServerError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
