import CModbus
import ColdRoomSimulation
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Serves the probes' readings as a Modbus TCP transmitter on 127.0.0.1 (`--modbus-port`), through libmodbus, so the
/// agent's `modbus` driver can be tested end to end.
///
/// Layout, XY-MD02 style for every probe `i` (0-based, in scenario order), in both input registers (function 0x04)
/// and holding registers (0x03): register `2i + 1` = temperature × 10 (signed), `2i + 2` = RH × 10. The first probe is
/// therefore exactly an XY-MD02 (`function = 4`, temperature register 1, humidity register 2, `scale = 0.1`). A probe
/// that is absent or fails its CRC keeps its last values. Any unit id is answered.
final class ModbusOutput: Sendable {
  private let shared: Shared

  /// Listens on 127.0.0.1:`port` and serves from a background thread until `stop()`.
  init(port: Int, probes: Int) throws {
    let size = Int32(2 * probes + 1)
    guard let mapping = modbus_mapping_new(0, 0, size, size), let context = modbus_new_tcp("127.0.0.1", Int32(port))
    else { throw ModbusOutputError("libmodbus: \(String(cString: modbus_strerror(errno)))") }
    let listener = modbus_tcp_listen(context, 8)
    guard listener >= 0 else {
      let message = String(cString: modbus_strerror(errno))
      modbus_free(context)
      modbus_mapping_free(mapping)
      throw ModbusOutputError("cannot listen on 127.0.0.1:\(port) for Modbus TCP: \(message)")
    }
    shared = Shared(mapping: mapping, context: context, listener: listener)
    let shared = self.shared
    let thread = Thread { shared.serve() }
    thread.name = "modbus-output"
    thread.start()
  }

  /// Publishes one round of readings into the registers.
  func update(_ outputs: [ProbeOutput]) {
    var values: [(Int, UInt16)] = []
    for (index, output) in outputs.enumerated() {
      guard case .reading(let tempC, let rhPct) = output else { continue }
      values.append((2 * index + 1, UInt16(bitPattern: Int16(clamping: Int((tempC * 10).rounded())))))
      if let rhPct { values.append((2 * index + 2, UInt16(clamping: Int((rhPct * 10).rounded())))) }
    }
    shared.set(values)
  }

  /// Closes the listener and every connection, and waits for the serving thread.
  func stop() {
    shared.stopping.store(true, ordering: .relaxed)
    shared.finished.wait()
  }

  /// The libmodbus context and register tables, used by the serving thread; the registers under a lock.
  private final class Shared: @unchecked Sendable {
    let mapping: UnsafeMutablePointer<modbus_mapping_t>
    let context: OpaquePointer
    let listener: Int32
    let lock = NSLock()
    let stopping = Atomic<Bool>(false)
    let finished = DispatchSemaphore(value: 0)

    init(mapping: UnsafeMutablePointer<modbus_mapping_t>, context: OpaquePointer, listener: Int32) {
      self.mapping = mapping
      self.context = context
      self.listener = listener
    }

    func set(_ values: [(Int, UInt16)]) {
      lock.withLock {
        for (address, value) in values {
          mapping.pointee.tab_input_registers[address] = value
          mapping.pointee.tab_registers[address] = value
        }
      }
    }

    /// Polls the listener and the connections every 20 ms until `stopping`, then frees everything.
    func serve() {
      var clients: [Int32] = []
      var request = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
      while !stopping.load(ordering: .relaxed) {
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
            request.withUnsafeBufferPointer { buffer in
              lock.withLock { _ = modbus_reply(context, buffer.baseAddress!, length, mapping) }
            }
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
      modbus_mapping_free(mapping)
      finished.signal()
    }
  }
}

/// The Modbus TCP output could not start.
struct ModbusOutputError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
