import CModbus

#if canImport(Glibc)
  import Glibc
#endif

/// A `ModbusSensor`'s link to its device through libmodbus: one context, connected on first use and kept between
/// reads, dropped after any error other than a Modbus exception response so the next request reconnects, and retried
/// once on a fresh connection when a kept one turns out closed by the peer. Not thread-safe, as libmodbus contexts
/// are not.
final class ModbusConnection {
  private let settings: ModbusSettings
  private var context: OpaquePointer?
  private var connected = false

  init(settings: ModbusSettings) {
    self.settings = settings
  }

  deinit {
    if let context {
      modbus_close(context)
      modbus_free(context)
    }
  }

  /// Reads one request, connecting first if needed; a kept connection that turns out dead is replaced once.
  func perform(_ request: ModbusReadRequest) throws(ModbusFailure) -> [UInt16] {
    var registers = [UInt16](repeating: 0, count: request.count)
    try transact(Self.describe(request), count: request.count) { context in
      registers.withUnsafeMutableBufferPointer { buffer in
        switch request.function {
        case .holding:
          modbus_read_registers(context, Int32(request.start), Int32(request.count), buffer.baseAddress)
        case .input:
          modbus_read_input_registers(context, Int32(request.start), Int32(request.count), buffer.baseAddress)
        }
      }
    }
    return registers
  }

  /// Reads one coil (function 0x01) or discrete input (0x02), with the same connection handling as `perform`.
  func readBit(discreteInput: Bool, at address: Int) throws(ModbusFailure) -> Bool {
    var bits: [UInt8] = [0]
    try transact(discreteInput ? "discrete input \(address)" : "coil \(address)", count: 1) { context in
      bits.withUnsafeMutableBufferPointer { buffer in
        discreteInput
          ? modbus_read_input_bits(context, Int32(address), 1, buffer.baseAddress)
          : modbus_read_bits(context, Int32(address), 1, buffer.baseAddress)
      }
    }
    return bits[0] != 0
  }

  /// Runs one libmodbus read (`call` returns what it returns: the count read, or -1 with errno), connecting first if
  /// needed; a kept connection that turns out dead is replaced once.
  private func transact(_ what: String, count: Int, _ call: (OpaquePointer) -> Int32) throws(ModbusFailure) {
    let reused = connected
    var result = Self.attempt(call, try connect())
    if result.read < 0, reused, Self.peerClosed(result.error) {
      disconnect()
      result = Self.attempt(call, try connect())
    }
    guard result.read >= 0 else {
      if !Self.isException(result.error) { disconnect() }
      throw ModbusFailure(message: "reading \(what): \(Self.message(result.error))")
    }
    guard result.read == count else {
      disconnect()
      throw ModbusFailure(message: "reading \(what): got \(result.read) values")
    }
  }

  private static func attempt(_ call: (OpaquePointer) -> Int32, _ context: OpaquePointer) -> (read: Int, error: Int32) {
    errno = 0
    let read = call(context)
    return (Int(read), errno)
  }

  /// The context, connected; created on first use.
  private func connect() throws(ModbusFailure) -> OpaquePointer {
    let context: OpaquePointer
    if let existing = self.context {
      context = existing
    } else {
      context = try makeContext()
      self.context = context
    }
    if !connected {
      errno = 0
      guard modbus_connect(context) == 0 else {
        let error = errno
        modbus_close(context)
        throw ModbusFailure(message: Self.message(error))
      }
      connected = true
    }
    return context
  }

  private func disconnect() {
    if let context, connected { modbus_close(context) }
    connected = false
  }

  private func makeContext() throws(ModbusFailure) -> OpaquePointer {
    errno = 0
    let created: OpaquePointer?
    switch settings.endpoint {
    case .tcp(let host, let port):
      created = modbus_new_tcp_pi(host, String(port))
    case .rtu(let device, let baud, let parity, let dataBits, let stopBits):
      let parityCode = CChar(UInt8(ascii: parity.rawValue.unicodeScalars.first ?? "N"))
      created = modbus_new_rtu(device, Int32(baud), parityCode, Int32(dataBits), Int32(stopBits))
    }
    guard let created else { throw ModbusFailure(message: Self.message(errno)) }
    let timeout = settings.timeoutSeconds
    let seconds = UInt32(timeout.rounded(.down))
    let microseconds = UInt32(((timeout - timeout.rounded(.down)) * 1_000_000).rounded())
    guard modbus_set_slave(created, Int32(settings.unit)) == 0,
      modbus_set_response_timeout(created, seconds, min(microseconds, 999_999)) == 0
    else {
      let error = errno
      modbus_free(created)
      throw ModbusFailure(message: Self.message(error))
    }
    return created
  }

  private static func describe(_ request: ModbusReadRequest) -> String {
    request.count == 1
      ? "\(request.function.label) \(request.start)"
      : "\(request.function.label)s \(request.start)-\(request.start + request.count - 1)"
  }

  private static func message(_ error: Int32) -> String {
    guard error != 0, let text = modbus_strerror(error) else { return "unknown error" }
    return String(cString: text)
  }

  /// A Modbus exception response (illegal address, device busy, ...): the link is fine, the request was refused.
  private static func isException(_ error: Int32) -> Bool {
    let base = Int32(MODBUS_ENOBASE)
    return error > base && error <= base + Int32(MODBUS_EXCEPTION_GATEWAY_TARGET)
  }

  /// The peer closed a connection that was kept from an earlier read.
  private static func peerClosed(_ error: Int32) -> Bool {
    [ECONNRESET, EPIPE, ENOTCONN, ECONNABORTED].contains(error)
  }
}

/// Why a Modbus read failed, without the endpoint prefix.
struct ModbusFailure: Error {
  let message: String
}
