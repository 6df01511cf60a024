import CModbus
import ColdTraceSystem
import Foundation
import Synchronization

/// A Modbus TCP server on 127.0.0.1, served by libmodbus itself on a background thread: the simulator's
/// `--modbus-port` output and the agent's Modbus tests.
///
/// Its tables (holding and input registers, `size` of each, and coils and discrete inputs, `bits` of each, all from
/// address 0) survive `stop()` / `start()`, which restart the
/// server on the same port. Several clients may be connected at once, and any unit id is answered.
public final class ModbusTCPServer: Sendable {
  public let port: Int
  private let registers: ModbusRegisters
  private let running = Mutex<ModbusTCPListener?>(nil)

  /// Starts a server on `port`, or on a free loopback port when `nil`.
  public init(port: Int? = nil, size: Int = 64, bits: Int = 16) throws {
    guard let port = port ?? FreePort.find() else { throw ModbusServerError("no free loopback port") }
    self.port = port
    registers = try ModbusRegisters(size: size, bits: bits)
    try start()
  }

  deinit {
    stop()
  }

  /// Sets input registers (function 0x04) from `address` on.
  public func setInputRegisters(_ address: Int, _ values: [UInt16]) {
    registers.set(\.tab_input_registers, address, values)
  }

  /// Sets holding registers (function 0x03) from `address` on.
  public func setHoldingRegisters(_ address: Int, _ values: [UInt16]) {
    registers.set(\.tab_registers, address, values)
  }

  /// Sets coils (function 0x01: relay outputs such as a controller's defrost relay) from `address` on.
  public func setCoils(_ address: Int, _ values: [Bool]) {
    registers.set(\.tab_bits, address, values)
  }

  /// Sets discrete inputs (function 0x02: contacts such as a door switch) from `address` on.
  public func setDiscreteInputs(_ address: Int, _ values: [Bool]) {
    registers.set(\.tab_input_bits, address, values)
  }

  /// Sets each (address, value) in both the input and the holding registers, at once for any request.
  public func setBothTables(_ values: [(address: Int, value: UInt16)]) {
    registers.setBoth(values)
  }

  /// Listens (again, after `stop()`) on the port; returns once it accepts connections.
  public func start() throws {
    try running.withLock { running throws in
      guard running == nil else { return }
      guard let context = modbus_new_tcp("127.0.0.1", Int32(port)) else {
        throw ModbusServerError("modbus_new_tcp: \(String(cString: modbus_strerror(errno)))")
      }
      let listener = modbus_tcp_listen(context, 8)
      guard listener >= 0 else {
        let message = String(cString: modbus_strerror(errno))
        modbus_free(context)
        throw ModbusServerError("cannot listen on 127.0.0.1:\(port) for Modbus TCP: \(message)")
      }
      let state = ModbusTCPListener(context: context, listener: listener, registers: registers)
      let thread = Thread { state.serve() }
      thread.name = "modbus-server-\(port)"
      thread.start()
      running = state
    }
  }

  /// Closes the listening socket and every connection, and waits for the serving thread to end.
  public func stop() {
    let state = running.withLock { running in
      defer { running = nil }
      return running
    }
    state?.stop()
  }
}

/// One listening period: the libmodbus context (used only by the serving thread once started), the listening socket
/// and the accepted connections.
private final class ModbusTCPListener: @unchecked Sendable {
  private let context: OpaquePointer
  private let listener: Int32
  private let registers: ModbusRegisters
  private let stopping = Atomic<Bool>(false)
  private let finished = DispatchSemaphore(value: 0)

  init(context: OpaquePointer, listener: Int32, registers: ModbusRegisters) {
    self.context = context
    self.listener = listener
    self.registers = registers
  }

  func stop() {
    stopping.store(true, ordering: .sequentiallyConsistent)
    finished.wait()
  }

  /// Polls the listening socket and the connections every 20 ms until asked to stop.
  func serve() {
    var clients: [Int32] = []
    var request = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
    while !stopping.load(ordering: .sequentiallyConsistent) {
      var descriptors = ([listener] + clients).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      guard poll(&descriptors, nfds_t(descriptors.count), 20) > 0 else { continue }
      for descriptor in descriptors where descriptor.revents != 0 {
        if descriptor.fd == listener {
          var socket = listener
          let accepted = modbus_tcp_accept(context, &socket)
          if accepted >= 0 { clients.append(accepted) }
          continue
        }
        modbus_set_socket(context, descriptor.fd)
        let length = request.withUnsafeMutableBufferPointer { modbus_receive(context, $0.baseAddress) }
        if length > 0 {
          request.withUnsafeBufferPointer { registers.reply(context, $0.baseAddress!, length) }
        } else if length < 0 {
          close(descriptor.fd)
          clients.removeAll { $0 == descriptor.fd }
        }
      }
    }
    for client in clients { close(client) }
    close(listener)
    modbus_set_socket(context, -1)
    modbus_free(context)
    finished.signal()
  }
}
