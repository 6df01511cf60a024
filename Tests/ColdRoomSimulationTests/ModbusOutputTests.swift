import ColdTraceAgent
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace-sim run --modbus-port`, read by the agent's real Modbus driver.
@Suite("Modbus output", .timeLimit(.minutes(10)))
struct ModbusOutputTests {
  @Test("the modbus driver reads XY-MD02-style registers that match the printed trace")
  func driverReadsTheServer() throws {
    let port = try #require(FreePort.find())
    let process = Process()
    process.executableURL = Executables.product("coldtrace-sim")
    process.arguments = [
      "run", "--scenario", ScenarioTests.path("door-left-open"), "--speed", "3600", "--csv", "--modbus-port", "\(port)",
    ]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    // Probe 2 (sht31-door) sits at registers 3 and 4.
    let settings = ModbusSettings(
      endpoint: .tcp(host: "127.0.0.1", port: port), temp: .init(function: .input, register: 3, scale: 0.1),
      rh: .init(function: .input, register: 4, scale: 0.1))
    let sensor = ModbusSensor(id: "m", room: "r", settings: settings)
    var readings: [(Double, Double)] = []
    #expect(
      eventually(timeout: 5) {
        if case .values(let tempC?, let rhPct?) = sensor.read(at: RoomTrace.start), rhPct > 0 {
          readings.append((tempC, rhPct))
        }
        return readings.count >= 3
      })
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let printed = text.split(separator: "\n").dropFirst().map { line in
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      return (Double(fields[11])!, Double(fields[12])!)
    }
    #expect(printed.count == 6 * 60 + 1)
    for (tempC, rhPct) in readings {
      // Registers hold tenths: a served value is a printed one rounded to 0.1.
      let match = printed.contains { abs($0.0 - tempC) <= 0.051 && abs($0.1 - rhPct) <= 0.051 }
      #expect(match, "\(tempC) °C / \(rhPct) % was never printed")
    }
  }
}
