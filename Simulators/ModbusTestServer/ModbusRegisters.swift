import CModbus
import Foundation

/// A server's tables (coils, discrete inputs, holding and input registers, each from address 0), shared between the
/// code that sets them and the serving thread under a lock.
final class ModbusRegisters: @unchecked Sendable {
  private let mapping: UnsafeMutablePointer<modbus_mapping_t>
  private let lock = NSLock()

  /// `size` holding and `size` input registers, and `bits` coils and `bits` discrete inputs, all 0.
  init(size: Int, bits: Int = 16) throws(ModbusServerError) {
    guard let mapping = modbus_mapping_new(Int32(bits), Int32(bits), Int32(size), Int32(size)) else {
      throw ModbusServerError("modbus_mapping_new: \(String(cString: modbus_strerror(errno)))")
    }
    self.mapping = mapping
  }

  deinit {
    modbus_mapping_free(mapping)
  }

  /// Sets consecutive registers of one table from `address` on.
  func set(_ table: KeyPath<modbus_mapping_t, UnsafeMutablePointer<UInt16>?>, _ address: Int, _ values: [UInt16]) {
    lock.withLock {
      guard let base = mapping.pointee[keyPath: table] else { return }
      for (offset, value) in values.enumerated() { base[address + offset] = value }
    }
  }

  /// Sets consecutive bits of one bit table (coils or discrete inputs) from `address` on.
  func set(_ table: KeyPath<modbus_mapping_t, UnsafeMutablePointer<UInt8>?>, _ address: Int, _ values: [Bool]) {
    lock.withLock {
      guard let base = mapping.pointee[keyPath: table] else { return }
      for (offset, value) in values.enumerated() { base[address + offset] = value ? 1 : 0 }
    }
  }

  /// Sets each (address, value) in both tables, all under the lock: a request sees all of them or none.
  func setBoth(_ values: [(address: Int, value: UInt16)]) {
    lock.withLock {
      for (address, value) in values {
        mapping.pointee.tab_input_registers[address] = value
        mapping.pointee.tab_registers[address] = value
      }
    }
  }

  /// Answers one request while the registers cannot change.
  func reply(_ context: OpaquePointer, _ request: UnsafePointer<UInt8>, _ length: Int32) {
    lock.withLock { _ = modbus_reply(context, request, length, mapping) }
  }
}
