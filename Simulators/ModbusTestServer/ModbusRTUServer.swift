import CModbus
import ColdTraceSystem
import Foundation
import Synchronization

/// A Modbus RTU server on a pseudo-terminal, served by libmodbus itself: the sensor opens `device` (the terminal's
/// `/dev/pts/N` side) as it would a USB RS-485 adapter, and frames, CRCs and unit-id filtering are the real RTU ones.
public final class ModbusRTUServer: Sendable {
  /// The serial device to configure (`device = ...`).
  public let device: String
  private let registers: ModbusRegisters
  private let state: Serving

  /// Answers requests for `unit` (requests for other units go unanswered, as on a shared RS-485 line).
  public init(unit: Int = 1, size: Int = 64) throws {
    // posix_openpt and friends are not in Swift's Glibc module: open the multiplexer and unlock it by hand.
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard master >= 0, ioctl(master, Self.unlockRequest, &unlock) == 0, ioctl(master, Self.numberRequest, &number) == 0
    else {
      let message = errnoDescription()
      if master >= 0 { close(master) }
      throw ModbusServerError("no pseudo-terminal: \(message)")
    }
    let registers: ModbusRegisters
    do {
      registers = try ModbusRegisters(size: size)
    } catch {
      close(master)
      throw error
    }
    guard let context = modbus_new_rtu("/dev/null", 9600, CChar(UInt8(ascii: "N")), 8, 1) else {
      close(master)
      throw ModbusServerError("libmodbus: \(String(cString: modbus_strerror(errno)))")
    }
    modbus_set_slave(context, Int32(unit))
    modbus_set_socket(context, master)
    device = "/dev/pts/\(number)"
    self.registers = registers
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
  public func setInputRegisters(_ address: Int, _ values: [UInt16]) {
    registers.set(\.tab_input_registers, address, values)
  }

  /// Sets coils (function 0x01) from `address` on.
  public func setCoils(_ address: Int, _ values: [Bool]) {
    registers.set(\.tab_bits, address, values)
  }

  /// Sets discrete inputs (function 0x02) from `address` on.
  public func setDiscreteInputs(_ address: Int, _ values: [Bool]) {
    registers.set(\.tab_input_bits, address, values)
  }

  /// TIOCSPTLCK and TIOCGPTN (Linux's asm-generic numbers, as on x86-64 and arm64); Glibc does not export them.
  private static let unlockRequest = UInt(0x4004_5431)
  private static let numberRequest = UInt(0x8004_5430)

  /// The serving thread's side: the context, bound to the terminal's master side.
  private final class Serving: @unchecked Sendable {
    private let context: OpaquePointer
    private let terminal: Int32
    private let registers: ModbusRegisters
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(context: OpaquePointer, terminal: Int32, registers: ModbusRegisters) {
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
