import ColdRoomSimulation
import ModbusTestServer

/// Serves the probes' readings as a Modbus TCP transmitter on 127.0.0.1 (`--modbus-port`), through libmodbus, so the
/// agent's `modbus` driver can be tested end to end.
///
/// Layout, XY-MD02 style for every probe `i` (0-based, in scenario order), in both input registers (function 0x04)
/// and holding registers (0x03): register `2i + 1` = temperature × 10 (signed), `2i + 2` = RH × 10. The first probe is
/// therefore exactly an XY-MD02 (`function = 4`, temperature register 1, humidity register 2, `scale = 0.1`). A probe
/// that is absent or fails its CRC keeps its last values. Any unit id is answered.
final class ModbusOutput: Sendable {
  private let server: ModbusTCPServer

  /// Listens on 127.0.0.1:`port` and serves from a background thread until `stop()`.
  init(port: Int, probes: Int) throws {
    server = try ModbusTCPServer(port: port, size: 2 * probes + 1)
  }

  /// Publishes one round of readings into the registers.
  func update(_ outputs: [ProbeOutput]) {
    var values: [(address: Int, value: UInt16)] = []
    for (index, output) in outputs.enumerated() {
      guard case .reading(let tempC, let rhPct) = output else { continue }
      values.append((2 * index + 1, UInt16(bitPattern: Int16(clamping: Int((tempC * 10).rounded())))))
      if let rhPct { values.append((2 * index + 2, UInt16(clamping: Int((rhPct * 10).rounded())))) }
    }
    server.setBothTables(values)
  }

  /// Closes the listener and every connection, and waits for the serving thread.
  func stop() {
    server.stop()
  }
}
