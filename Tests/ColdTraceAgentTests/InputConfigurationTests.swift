import ColdTraceConfig
import ColdTraceCore
import Testing

@testable import ColdTraceAgent

/// `[[input]]` tables in agent.toml, and how the agent polls what they build.
@Suite("Room input configuration")
struct InputConfigurationTests {
  static let header = "site = \"hongxuan\"\nagent = \"hx-edge-1\"\n"

  static func load(_ text: String) throws(ConfigError) -> AgentConfiguration {
    try AgentConfiguration.load(try ConfigTable(path: "agent.toml", text: header + text))
  }

  @Test("each driver's table parses; an agent may have inputs and no probes")
  func driversParse() throws {
    let configuration = try Self.load(
      """
      [[input]]
      id = "cold2-defrost"
      room = "cold2"
      signal = "defrost"
      driver = "modbus"
      transport = "rtu"
      device = "/dev/ttyUSB0"
      unit = 3
      holding_register = 100
      bit = 0

      [[input]]
      id = "cold2-door"
      room = "cold2"
      signal = "door"
      driver = "gpio"
      path = "/sys/class/gpio/gpio27/value"
      active_low = true
      poll_seconds = 0.5

      [[input]]
      id = "cold3-door"
      room = "cold3"
      signal = "door"
      driver = "command"
      command = ["/usr/local/bin/door", "3"]
      invert = true
      """)
    #expect(configuration.sensors.isEmpty)
    #expect(configuration.inputs.map(\.id) == ["cold2-defrost", "cold2-door", "cold3-door"])
    #expect(configuration.inputs.map(\.signal) == [.defrost, .door, .door])
    #expect(configuration.inputs.map(\.driver) == ["modbus", "gpio", "command"])
    #expect(configuration.inputs.map(\.pollSeconds) == [2, 0.5, 2])
    #expect(configuration.inputs.map(\.invert) == [false, false, true])
    let modbus = try #require(configuration.inputs[0].make(SensorContext(start: Timestamp(seconds: 0))) as? ModbusInput)
    #expect(modbus.point == .holdingRegister(100, bit: 0))
    #expect(modbus.settings.unit == 3)
    let gpio = try #require(
      configuration.inputs[1].make(SensorContext(sysfsRoot: "/tmp/fake", start: Timestamp(seconds: 0))) as? GPIOInput)
    #expect(gpio.path == "/tmp/fake/sys/class/gpio/gpio27/value")
    #expect(gpio.activeLow)
  }

  @Test(
    "each Modbus point key gives its point",
    arguments: [
      ("coil = 0", ModbusPoint.coil(0)), ("discrete_input = 1", .discreteInput(1)),
      ("holding_register = 100\nbit = 2", .holdingRegister(100, bit: 2)),
      ("input_register = 7\nbit = 15", .inputRegister(7, bit: 15)),
    ])
  func modbusPoints(_ keys: String, _ point: ModbusPoint) throws {
    let table = try ConfigTable(path: "agent.toml", text: keys + "\n")
    #expect(try ModbusInputDriver.point(table) == point)
  }

  @Test(
    "a bad table names the key",
    arguments: [
      ("signal = \"fan\"", "`input[1].signal` must be \"defrost\" or \"door\", not \"fan\""),
      ("coil = 0\nholding_register = 1", "`input[1].holding_register` cannot be given with `coil`"),
      ("holding_register = 1", "`input[1].bit` is required with `holding_register`"),
      ("input_register = 1\nbit = 16", "`input[1].bit` must be 0…15"),
      ("coil = 1\nbit = 1", "`input[1].bit` applies only to holding_register and input_register"),
      ("", "`input[1].coil` or one of coil, discrete_input, holding_register, input_register is required"),
      ("coil = 0\npath = \"/x\"", "unknown key `input[1].path`"),
    ])
  func badTables(_ keys: String, _ expected: String) {
    let head = "[[input]]\nid = \"d\"\nroom = \"cold2\"\nsignal = \"defrost\"\n"
    let modbus = "driver = \"modbus\"\ntransport = \"tcp\"\nhost = \"127.0.0.1\"\n"
    let text =
      keys.hasPrefix("signal")
      ? head.replacingOccurrences(of: "signal = \"defrost\"\n", with: "") + modbus + keys + "\ncoil = 0\n"
      : head + modbus + keys + "\n"
    do {
      _ = try Self.load(text)
      Issue.record("loaded: \(text)")
    } catch {
      #expect(error.description.contains(expected), "\(error.description)")
    }
  }

  @Test("an input may not take a sensor's id")
  func idSharedWithSensor() {
    let text = """
      [[sensor]]
      id = "cold2-air"
      room = "cold2"

      [[input]]
      id = "cold2-air"
      room = "cold2"
      signal = "door"
      driver = "gpio"
      path = "/sys/class/gpio/gpio27/value"
      """
    #expect(throws: ConfigError.self) { try Self.load(text) }
  }
}
