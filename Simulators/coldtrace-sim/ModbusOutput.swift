import ColdRoomSimulation
import ModbusTestServer

/// Serves the probes' readings and the room controller's outputs as a Modbus TCP device on 127.0.0.1
/// (`--modbus-port`), through libmodbus, so the agent's `modbus` sensor and input drivers can be tested end to end.
///
/// Probes, XY-MD02 style for every probe `i` (0-based, in scenario order), in both input registers (function 0x04)
/// and holding registers (0x03): register `2i + 1` = temperature × 10 (signed), `2i + 2` = RH × 10. The first probe is
/// therefore exactly an XY-MD02 (`function = 4`, temperature register 1, humidity register 2, `scale = 0.1`). A probe
/// that is absent or fails its CRC keeps its last values. Any unit id is answered.
///
/// The room controller, the way Dixell, Carel and Eliwell controllers expose it: coil (0x01) 0 = defrost relay, coil 1
/// = door contact (1 = open); the same two as discrete inputs (0x02) 0 and 1; and register `statusRegister` (100, in
/// both register tables) with bit 0 = defrost, bit 1 = door open, bit 2 = compressor running.
final class ModbusOutput: Sendable {
  /// The controller's status word: after the probes' registers for any scenario of up to `maxProbes` probes (`run`
  /// refuses more).
  static let statusRegister = 100
  static let maxProbes = (statusRegister - 1) / 2

  private let server: ModbusTCPServer

  /// Listens on 127.0.0.1:`port` and serves from a background thread until `stop()`.
  init(port: Int, probes: Int) throws {
    server = try ModbusTCPServer(port: port, size: Self.statusRegister + 1, bits: 2)
  }

  /// Publishes one round: the controller's state, then the probes' readings.
  func update(_ snapshot: RoomSnapshot, _ outputs: [ProbeOutput]) {
    let contacts = [snapshot.defrosting, snapshot.doorOpen]
    server.setCoils(0, contacts)
    server.setDiscreteInputs(0, contacts)
    var values: [(address: Int, value: UInt16)] = [(Self.statusRegister, Self.statusWord(snapshot))]
    for (index, output) in outputs.enumerated() {
      guard case .reading(let tempC, let rhPct) = output else { continue }
      values.append((2 * index + 1, UInt16(bitPattern: Int16(clamping: Int((tempC * 10).rounded())))))
      if let rhPct { values.append((2 * index + 2, UInt16(clamping: Int((rhPct * 10).rounded())))) }
    }
    server.setBothTables(values)
  }

  /// Bit 0 defrost, bit 1 door open, bit 2 compressor.
  static func statusWord(_ snapshot: RoomSnapshot) -> UInt16 {
    (snapshot.defrosting ? 1 : 0) | (snapshot.doorOpen ? 2 : 0) | (snapshot.compressorOn ? 4 : 0)
  }

  /// Closes the listener and every connection, and waits for the serving thread.
  func stop() {
    server.stop()
  }
}
