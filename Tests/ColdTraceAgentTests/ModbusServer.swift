import CModbus
import ColdTraceSystem
import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A real Modbus TCP server on 127.0.0.1, served by libmodbus itself on a background thread, for one test.
///
/// Its registers (holding and input, `size` of each, starting at address 0) are set from the test and survive
/// `stop()` / `start()`, which restart the server on the same port. Several clients may be connected at once.
final class ModbusServer: Sendable {
  let port: Int
  private let registers: Registers
  private let running = Mutex<Running?>(nil)

  /// Starts a server on a free loopback port.
  init(size: Int = 64) throws {
    guard let port = FreePort.find() else { throw TestSupportError("no free loopback port") }
    guard let mapping = modbus_mapping_new(0, 0, Int32(size), Int32(size)) else {
      throw TestSupportError("modbus_mapping_new: \(String(cString: modbus_strerror(errno)))")
    }
    self.port = port
    registers = Registers(mapping: mapping)
    try start()
  }

  deinit {
    stop()
  }

  /// Sets input registers (function 0x04) from `address` on.
  func setInputRegisters(_ address: Int, _ values: [UInt16]) {
    registers.set(\.tab_input_registers, address, values)
  }

  /// Sets holding registers (function 0x03) from `address` on.
  func setHoldingRegisters(_ address: Int, _ values: [UInt16]) {
    registers.set(\.tab_registers, address, values)
  }

  /// Listens again on the same port (after `stop()`); returns once it accepts connections.
  func start() throws {
    try running.withLock { running throws in
      guard running == nil else { return }
      guard let context = modbus_new_tcp("127.0.0.1", Int32(port)) else {
        throw TestSupportError("modbus_new_tcp: \(String(cString: modbus_strerror(errno)))")
      }
      let listener = modbus_tcp_listen(context, 8)
      guard listener >= 0 else {
        let message = String(cString: modbus_strerror(errno))
        modbus_free(context)
        throw TestSupportError("modbus_tcp_listen on 127.0.0.1:\(port): \(message)")
      }
      let state = Running(context: context, listener: listener, registers: registers)
      let thread = Thread { state.serve() }
      thread.name = "modbus-server-\(port)"
      thread.start()
      running = state
    }
  }

  /// Closes the listening socket and every connection, and waits for the serving thread to end.
  func stop() {
    let state = running.withLock { running in
      defer { running = nil }
      return running
    }
    state?.stop()
  }
}

/// A Modbus RTU server on a pseudo-terminal, served by libmodbus itself: the sensor opens `device` (the terminal's
/// `/dev/pts/N` side) as it would a USB RS-485 adapter, and frames, CRCs and unit-id filtering are the real RTU ones.
final class ModbusRTUServer: Sendable {
  /// The serial device to configure (`device = ...`).
  let device: String
  private let registers: Registers
  private let state: Serving

  /// Answers requests for `unit` (requests for other units go unanswered, as on a shared RS-485 line).
  init(unit: Int = 1, size: Int = 64) throws {
    // posix_openpt and friends are not in Swift's Glibc module: open the multiplexer and unlock it by hand.
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard master >= 0, ioctl(master, Self.unlockRequest, &unlock) == 0, ioctl(master, Self.numberRequest, &number) == 0
    else {
      let message = String(cString: strerror(errno))
      if master >= 0 { close(master) }
      throw TestSupportError("no pseudo-terminal: \(message)")
    }
    let name = "/dev/pts/\(number)"
    guard let mapping = modbus_mapping_new(0, 0, Int32(size), Int32(size)),
      let context = modbus_new_rtu("/dev/null", 9600, CChar(UInt8(ascii: "N")), 8, 1)
    else {
      close(master)
      throw TestSupportError("libmodbus: \(String(cString: modbus_strerror(errno)))")
    }
    modbus_set_slave(context, Int32(unit))
    modbus_set_socket(context, master)
    device = name
    registers = Registers(mapping: mapping)
    state = Serving(context: context, terminal: master, registers: registers)
    let state = self.state
    let thread = Thread { state.serve() }
    thread.name = "modbus-rtu-server"
    thread.start()
  }

  deinit {
    state.stop()
  }

  /// Sets input registers (function 0x04) from `address` on.
  func setInputRegisters(_ address: Int, _ values: [UInt16]) {
    registers.set(\.tab_input_registers, address, values)
  }

  /// TIOCSPTLCK and TIOCGPTN (Linux's asm-generic numbers, as on x86-64 and arm64); Glibc does not export them.
  private static let unlockRequest = UInt(0x4004_5431)
  private static let numberRequest = UInt(0x8004_5430)

  /// The serving thread's side: the context, bound to the terminal's master side.
  private final class Serving: @unchecked Sendable {
    private let context: OpaquePointer
    private let terminal: Int32
    private let registers: Registers
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(context: OpaquePointer, terminal: Int32, registers: Registers) {
      self.context = context
      self.terminal = terminal
      self.registers = registers
    }

    func stop() {
      stopping.store(true, ordering: .sequentiallyConsistent)
      finished.wait()
    }

    /// While no client has the terminal open, the master side reports a hang-up: wait and look again.
    func serve() {
      var request = [UInt8](repeating: 0, count: Int(MODBUS_RTU_MAX_ADU_LENGTH))
      while !stopping.load(ordering: .sequentiallyConsistent) {
        var descriptor = pollfd(fd: terminal, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 20) > 0 else { continue }
        guard descriptor.revents & Int16(POLLIN) != 0 else {
          usleep(10_000)
          continue
        }
        let length = request.withUnsafeMutableBufferPointer { modbus_receive(context, $0.baseAddress) }
        if length > 0 {
          request.withUnsafeBufferPointer { registers.reply(context, $0.baseAddress!, length) }
        } else if length < 0 {
          modbus_flush(context)
        }
      }
      modbus_set_socket(context, -1)
      modbus_free(context)
      close(terminal)
      finished.signal()
    }
  }
}

/// The register tables, shared between the test and the serving thread under a lock.
private final class Registers: @unchecked Sendable {
  private let mapping: UnsafeMutablePointer<modbus_mapping_t>
  private let lock = NSLock()

  init(mapping: UnsafeMutablePointer<modbus_mapping_t>) {
    self.mapping = mapping
  }

  deinit {
    modbus_mapping_free(mapping)
  }

  func set(
    _ table: KeyPath<modbus_mapping_t, UnsafeMutablePointer<UInt16>?>, _ address: Int, _ values: [UInt16]
  ) {
    lock.withLock {
      guard let base = mapping.pointee[keyPath: table] else { return }
      for (offset, value) in values.enumerated() { base[address + offset] = value }
    }
  }

  /// Answers one request while the test cannot change the registers.
  func reply(_ context: OpaquePointer, _ request: UnsafePointer<UInt8>, _ length: Int32) {
    lock.withLock { _ = modbus_reply(context, request, length, mapping) }
  }
}

/// One listening period: the libmodbus context (used only by the serving thread once started), the listening socket
/// and the accepted connections.
private final class Running: @unchecked Sendable {
  private let context: OpaquePointer
  private let listener: Int32
  private let registers: Registers
  private let stopping = Atomic<Bool>(false)
  private let finished = DispatchSemaphore(value: 0)

  init(context: OpaquePointer, listener: Int32, registers: Registers) {
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
