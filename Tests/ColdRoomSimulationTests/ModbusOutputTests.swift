import ColdTraceAgent
import ColdTraceCore
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

  /// Anchored 125 minutes of event time in the past at 60×, the simulator catches up at once to the middle of the
  /// first defrost (02:00–02:25 local) and plays it at a minute a second: the controller's points say so.
  @Test("the controller's coil, discrete inputs and status register show the first defrost of defrost.toml")
  func controllerPoints() throws {
    let port = try #require(FreePort.find())
    let anchor = WallClock.now().adding(seconds: -125 * 60 / 60)
    let log = try TemporaryDirectory.make(prefix: "sim-controller")
    defer { try? FileManager.default.removeItem(at: log) }
    // A ChildProcess, not a Process: it stops the simulator (which would play for 24 min) with SIGKILL if SIGTERM is
    // blocked, as it is in the test runner's threads.
    let simulator = try ChildProcess(
      name: "sim", executable: Executables.product("coldtrace-sim").path,
      arguments: [
        "run", "--scenario", ScenarioTests.path("defrost"), "--speed", "60", "--anchor", anchor.rfc3339,
        "--modbus-port", "\(port)",
      ],
      log: log.appendingPathComponent("sim.log").path)
    defer { simulator.stop(grace: 1) }
    let settings = ModbusSettings(endpoint: .tcp(host: "127.0.0.1", port: port), temp: nil, rh: nil)
    let defrostCoil = ModbusInput(settings: settings, point: .coil(0))
    let doorCoil = ModbusInput(settings: settings, point: .coil(1))
    let defrostInput = ModbusInput(settings: settings, point: .discreteInput(0))
    let doorInput = ModbusInput(settings: settings, point: .discreteInput(1))
    let status = ModbusInput(settings: settings, point: .holdingRegister(100, bit: 0))
    let statusDoor = ModbusInput(settings: settings, point: .inputRegister(100, bit: 1))
    let now = RoomTrace.start
    #expect(eventually(timeout: 5) { defrostCoil.read(at: now) == .state(true) })
    #expect(defrostInput.read(at: now) == .state(true))
    #expect(status.read(at: now) == .state(true))
    #expect(doorCoil.read(at: now) == .state(false))
    #expect(doorInput.read(at: now) == .state(false))
    #expect(statusDoor.read(at: now) == .state(false))
  }

  @Test(
    "run refuses a time base it cannot use, in one line, exit 2",
    arguments: [
      (["--start", "noon"], "--start must be an RFC 3339 time"), (["--anchor", "now"], "--anchor must be an RFC 3339"),
      (["--virtual", "--anchor", "2026-12-07T06:00:00Z"], "--anchor and --virtual exclude each other"),
    ])
  func refusesBadTimeBase(_ arguments: [String], _ expected: String) throws {
    let result = try Executables.run(
      Executables.product("coldtrace-sim"), ["run", "--scenario", ScenarioTests.path("defrost")] + arguments)
    #expect(result.status == 2)
    #expect(result.stderr.contains(expected), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }
}
