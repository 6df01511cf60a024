import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem
import Foundation
import ModbusTestServer
import TestSupport
import Testing

@testable import ColdTraceAgent

/// The input drivers against real sources: a Modbus TCP server, GPIO value files, programs, a scenario.
@Suite("Room inputs")
struct RoomInputTests {
  static let now = Timestamp.parseRFC3339("2026-06-12T19:10:00Z")!

  @Test("modbus: a coil, a discrete input and register bits read as the controller set them")
  func modbusPoints() throws {
    let server = try ModbusTCPServer(size: 110, bits: 4)
    server.setCoils(0, [true, false])
    server.setDiscreteInputs(0, [false, true])
    server.setHoldingRegisters(100, [0b101])
    server.setInputRegisters(7, [0x8000])
    let settings = ModbusSettings(endpoint: .tcp(host: "127.0.0.1", port: server.port), temp: nil, rh: nil)
    func read(_ point: ModbusPoint) -> InputValue { ModbusInput(settings: settings, point: point).read(at: Self.now) }
    #expect(read(.coil(0)) == .state(true))
    #expect(read(.coil(1)) == .state(false))
    #expect(read(.discreteInput(0)) == .state(false))
    #expect(read(.discreteInput(1)) == .state(true))
    #expect(read(.holdingRegister(100, bit: 0)) == .state(true))
    #expect(read(.holdingRegister(100, bit: 1)) == .state(false))
    #expect(read(.holdingRegister(100, bit: 2)) == .state(true))
    #expect(read(.inputRegister(7, bit: 15)) == .state(true))
    #expect(read(.inputRegister(7, bit: 14)) == .state(false))
  }

  @Test("modbus: one input follows the coil on its kept connection; an address past the table is a fault")
  func modbusFollowsAndFails() throws {
    let server = try ModbusTCPServer(size: 8, bits: 2)
    let settings = ModbusSettings(endpoint: .tcp(host: "127.0.0.1", port: server.port), temp: nil, rh: nil)
    let input = ModbusInput(settings: settings, point: .coil(0))
    #expect(input.read(at: Self.now) == .state(false))
    server.setCoils(0, [true])
    #expect(input.read(at: Self.now) == .state(true))
    guard case .fault(let reason) = ModbusInput(settings: settings, point: .coil(9)).read(at: Self.now) else {
      Issue.record("coil 9 of a 2-coil table must be a fault")
      return
    }
    #expect(reason.contains("unit 1: reading coil 9: Illegal data address"), "\(reason)")
  }

  @Test("modbus RTU: a controller's defrost coil and door input on a serial line, at its unit id")
  func modbusOverRTU() throws {
    let server = try ModbusRTUServer(unit: 4)
    server.setCoils(0, [true])
    server.setDiscreteInputs(1, [true])
    let settings = ModbusSettings(
      endpoint: .rtu(device: server.device, baud: 9600, parity: .none, dataBits: 8, stopBits: 1), unit: 4, temp: nil,
      rh: nil)
    let defrost = ModbusInput(settings: settings, point: .coil(0))
    let door = ModbusInput(settings: settings, point: .discreteInput(1))
    #expect(defrost.read(at: Self.now) == .state(true))
    #expect(door.read(at: Self.now) == .state(true))
    server.setCoils(0, [false])
    #expect(defrost.read(at: Self.now) == .state(false))
  }

  @Test("modbus: nothing listening is a fault naming the endpoint")
  func modbusRefused() throws {
    let port = try #require(FreePort.find())
    let settings = ModbusSettings(endpoint: .tcp(host: "127.0.0.1", port: port), temp: nil, rh: nil)
    #expect(
      ModbusInput(settings: settings, point: .discreteInput(1)).read(at: Self.now)
        == .fault("modbus 127.0.0.1:\(port) unit 1: Connection refused"))
  }

  @Test("gpio: 1 and 0 as written by the kernel, active_low turns them round, anything else is a fault")
  func gpioValueFiles() throws {
    let root = try TemporaryDirectory.make(prefix: "gpio")
    defer { try? FileManager.default.removeItem(at: root) }
    let path = root.path + "/value"
    let input = GPIOInput(path: path, activeLow: false)
    let inverted = GPIOInput(path: path, activeLow: true)
    guard case .fault(let missing) = input.read(at: Self.now) else {
      Issue.record("a missing value file must be a fault")
      return
    }
    #expect(missing.contains("value: No such file or directory"), "\(missing)")
    for (text, state) in [("1\n", true), ("0\n", false)] {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      #expect(input.read(at: Self.now) == .state(state))
      #expect(inverted.read(at: Self.now) == .state(!state))
    }
    try "high\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(input.read(at: Self.now) == .fault("gpio \(path): expected 0 or 1, found \"high\""))
  }

  @Test(
    "command: each word a program may print",
    arguments: [
      ("1", true), ("on", true), ("TRUE", true), ("open", true), ("0", false), ("off", false), ("false", false),
      ("Closed", false),
    ])
  func commandWords(_ word: String, _ state: Bool) {
    #expect(CommandInput(command: ["/bin/echo", word], timeoutSeconds: 5).read(at: Self.now) == .state(state))
  }

  @Test("command: another word, a failure or a missing program is a fault")
  func commandFaults() {
    #expect(
      CommandInput(command: ["/bin/echo", "ajar"], timeoutSeconds: 5).read(at: Self.now)
        == .fault("echo: printed \"ajar\", not one of 0/1, on/off, true/false, open/closed"))
    #expect(
      CommandInput(command: ["/bin/sh", "-c", "echo bus busy >&2; exit 3"], timeoutSeconds: 5).read(at: Self.now)
        == .fault("sh: exited with status 3: bus busy"))
    guard case .fault(let reason) = CommandInput(command: ["/nonexistent/read"], timeoutSeconds: 5).read(at: Self.now)
    else {
      Issue.record("a missing program must be a fault")
      return
    }
    #expect(reason.hasPrefix("read: cannot start /nonexistent/read"), "\(reason)")
  }

  @Test("simulated: defrost.toml's first defrost runs 02:00–02:25 local (19:00–19:25 UTC)")
  func simulatedDefrost() throws {
    let table = try ConfigTable(path: "agent.toml", text: "scenario = \"\(Self.scenario("defrost"))\"\n")
    let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
    let context = SensorContext(start: start)
    let defrost = try SimulatedInputDriver.factory(signal: .defrost, table: table)(context)
    let door = try SimulatedInputDriver.factory(signal: .door, table: table)(context)
    for (minutes, expected) in [(110.0, false), (125, true), (140, true), (150, false)] {
      let time = start.adding(seconds: minutes * 60)
      #expect(defrost.read(at: time) == .state(expected), "minute \(minutes)")
      #expect(door.read(at: time) == .state(false))
    }
  }

  static func scenario(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Simulators/scenarios/\(name).toml").path
  }
}
