import ColdTraceAgent
import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem
import Foundation
import ModbusTestServer
import Testing

/// Register decoding: every format and word order, scaling, and how reads are grouped into requests.
struct ModbusRegisterMapTests {
  @Test func xyMD02SignedTenths() {
    let temp = ModbusRegisterMap(function: .input, register: 1, format: .int16, scale: 0.1)
    #expect(temp.decode([0xFF9C]) == -10.0)
    #expect(temp.decode([0x00EB]) == 23.5)
    #expect(temp.decode([583]) == 58.3)
    #expect(temp.decode([0x8000]) == -3276.8)
  }

  @Test func uint16IsUnsigned() {
    let map = ModbusRegisterMap(function: .holding, register: 0, format: .uint16)
    #expect(map.decode([0xFF9C]) == 65_436)
    #expect(ModbusRegisterMap(function: .holding, register: 0, format: .uint16, scale: 0.1).decode([0x0258]) == 60.0)
  }

  @Test func int32BothWordOrders() {
    // -123456 = 0xFFFE1DC0
    let high = ModbusRegisterMap(function: .holding, register: 0, format: .int32, wordOrder: .highFirst, scale: 0.01)
    #expect(high.decode([0xFFFE, 0x1DC0]) == -1234.56)
    let low = ModbusRegisterMap(function: .holding, register: 0, format: .int32, wordOrder: .lowFirst, scale: 0.01)
    #expect(low.decode([0x1DC0, 0xFFFE]) == -1234.56)
    #expect(low.decode([0xFFFE, 0x1DC0]) != -1234.56)
  }

  @Test func uint32BothWordOrders() {
    // 3000000000 = 0xB2D05E00
    let high = ModbusRegisterMap(function: .input, register: 0, format: .uint32)
    #expect(high.decode([0xB2D0, 0x5E00]) == 3_000_000_000)
    let low = ModbusRegisterMap(function: .input, register: 0, format: .uint32, wordOrder: .lowFirst)
    #expect(low.decode([0x5E00, 0xB2D0]) == 3_000_000_000)
  }

  @Test func float32BothWordOrders() {
    // 21.5 = 0x41AC0000; -18.25 = 0xC1920000; 23.4 = 0x41BB3333
    let high = ModbusRegisterMap(function: .holding, register: 0, format: .float32)
    #expect(high.decode([0x41AC, 0x0000]) == 21.5)
    #expect(high.decode([0xC192, 0x0000]) == -18.25)
    let vaisala = ModbusRegisterMap(function: .holding, register: 0, format: .float32, wordOrder: .lowFirst)
    #expect(vaisala.decode([0x0000, 0x41AC]) == 21.5)
    #expect(vaisala.decode([0x3333, 0x41BB]) == 23.4)
  }

  @Test func notANumberOrWrongLength() {
    let float = ModbusRegisterMap(function: .holding, register: 0, format: .float32)
    #expect(float.decode([0x7FC0, 0x0000]) == nil)  // NaN
    #expect(float.decode([0x7F80, 0x0000]) == nil)  // +infinity
    #expect(float.decode([0x41AC]) == nil)
    #expect(ModbusRegisterMap(function: .holding, register: 0).decode([1, 2]) == nil)
  }

  @Test func adjacentRegistersShareOneRequest() {
    let temp = ModbusRegisterMap(function: .input, register: 1, scale: 0.1)
    let rh = ModbusRegisterMap(function: .input, register: 2, scale: 0.1)
    #expect(ModbusReadRequest.covering([rh, temp]) == [.init(function: .input, start: 1, count: 2)])
    let floats = [
      ModbusRegisterMap(function: .holding, register: 0, format: .float32),
      ModbusRegisterMap(function: .holding, register: 2, format: .float32),
    ]
    #expect(ModbusReadRequest.covering(floats) == [.init(function: .holding, start: 0, count: 4)])
  }

  @Test func gapsAndFunctionsAreSeparateRequests() {
    let gap = [ModbusRegisterMap(function: .input, register: 0), ModbusRegisterMap(function: .input, register: 2)]
    #expect(
      ModbusReadRequest.covering(gap) == [
        .init(function: .input, start: 0, count: 1), .init(function: .input, start: 2, count: 1),
      ])
    let mixed = [ModbusRegisterMap(function: .input, register: 0), ModbusRegisterMap(function: .holding, register: 1)]
    #expect(
      ModbusReadRequest.covering(mixed) == [
        .init(function: .holding, start: 1, count: 1), .init(function: .input, start: 0, count: 1),
      ])
  }
}

/// The `modbus` driver end to end against a real libmodbus TCP server on loopback, and its config validation.
@Suite(.timeLimit(.minutes(10)))
struct ModbusSensorTests {
  @Test func xyMD02InputRegisters() throws {
    let server = try ModbusTCPServer()
    defer { server.stop() }
    server.setInputRegisters(1, [0xFF9C, 0x0258])
    let sensor = try configuredSensor(
      """
      transport = "tcp"
      host = "127.0.0.1"
      port = \(server.port)
      unit = 1
      temp = { function = 4, register = 1, format = "int16", scale = 0.1 }
      rh = { function = 4, register = 2, format = "uint16", scale = 0.1 }
      """)
    #expect(sensor.read(at: now) == .values(tempC: -10.0, rhPct: 60.0))
    server.setInputRegisters(1, [0x0017, 0x0384])
    #expect(sensor.read(at: now) == .values(tempC: 2.3, rhPct: 90.0))
  }

  @Test func lcomHoldingRegistersAsSubTables() throws {
    let server = try ModbusTCPServer()
    defer { server.stop() }
    server.setHoldingRegisters(0, [0x00EB, 0x0226])
    let sensor = try makeSensor(
      """
      transport = "tcp"
      host = "127.0.0.1"
      port = \(server.port)

      [sensor.temp]
      function = 3
      register = 0
      scale = 0.1

      [sensor.rh]
      function = 3
      register = 1
      scale = 0.1
      """)
    #expect(sensor.read(at: now) == .values(tempC: 23.5, rhPct: 55.0))
  }

  @Test func float32LowWordFirst() throws {
    let server = try ModbusTCPServer()
    defer { server.stop() }
    server.setHoldingRegisters(0, [0x0000, 0x4060, 0x8000, 0x42B8])  // 3.5, 92.25
    let sensor = try makeSensor(
      """
      transport = "tcp"
      host = "127.0.0.1"
      port = \(server.port)
      temp = { function = 3, register = 0, count = 2, format = "float32", word_order = "low_first" }
      rh = { function = 3, register = 2, format = "float32", word_order = "low_first" }
      """)
    #expect(sensor.read(at: now) == .values(tempC: 3.5, rhPct: 92.25))
    server.setHoldingRegisters(0, [0x0000, 0x7FC0])  // the probe failed: NaN
    #expect(
      sensor.read(at: now) == .fault(faultPrefix(server) + "temp (float32 at holding register 0) is not a number"))
  }

  @Test func temperatureOnly() throws {
    let server = try ModbusTCPServer()
    defer { server.stop() }
    server.setInputRegisters(0, [0xFF4C])
    let sensor = try makeSensor(
      """
      transport = "tcp"
      host = "127.0.0.1"
      port = \(server.port)
      temp = { function = 4, register = 0, scale = 0.1 }
      """)
    #expect(sensor.read(at: now) == .values(tempC: -18.0, rhPct: nil))
  }

  @Test func serverStoppedIsAFaultAndRestartRecovers() throws {
    let server = try ModbusTCPServer()
    defer { server.stop() }
    server.setInputRegisters(1, [50, 900])
    let sensor = try makeSensor(
      """
      transport = "tcp"
      host = "127.0.0.1"
      port = \(server.port)
      timeout_seconds = 0.5
      temp = { function = 4, register = 1, scale = 0.1 }
      rh = { function = 4, register = 2, scale = 0.1 }
      """)
    #expect(sensor.read(at: now) == .values(tempC: 5.0, rhPct: 90.0))

    server.stop()
    let refused = SensorValue.fault(faultPrefix(server) + "Connection refused")
    #expect(sensor.read(at: now) == refused)
    #expect(sensor.read(at: now) == refused)

    try server.start()
    #expect(sensor.read(at: now) == .values(tempC: 5.0, rhPct: 90.0))
  }

  @Test func neverStartedServerIsAFault() throws {
    let server = try ModbusTCPServer()
    server.stop()
    let sensor = try makeSensor(
      """
      transport = "tcp"
      host = "127.0.0.1"
      port = \(server.port)
      unit = 7
      temp = { function = 4, register = 1, scale = 0.1 }
      """)
    #expect(sensor.read(at: now) == .fault("modbus 127.0.0.1:\(server.port) unit 7: Connection refused"))
  }

  @Test func exceptionResponseKeepsTheConnection() throws {
    let server = try ModbusTCPServer(size: 16)
    defer { server.stop() }
    server.setInputRegisters(1, [0x00C8])
    let bad = try makeSensor(
      """
      transport = "tcp"
      host = "127.0.0.1"
      port = \(server.port)
      temp = { function = 4, register = 1, scale = 0.1 }
      rh = { function = 4, register = 40, scale = 0.1 }
      """)
    let expected = SensorValue.fault(faultPrefix(server) + "reading input register 40: Illegal data address")
    #expect(bad.read(at: now) == expected)
    #expect(bad.read(at: now) == expected)
  }

  @Test func missingSerialDeviceIsAFault() throws {
    let device = "/nonexistent/coldtrace-\(getpid())/ttyUSB9"
    let sensor = try makeSensor(
      """
      transport = "rtu"
      device = "\(device)"
      baud = 19200
      parity = "E"
      unit = 3
      temp = { function = 4, register = 1, scale = 0.1 }
      """)
    #expect(sensor.read(at: now) == .fault("modbus \(device) unit 3: No such file or directory"))
  }

  @Test func xyMD02OverRTU() throws {
    let server = try ModbusRTUServer(unit: 2)
    server.setInputRegisters(1, [0x0023, 0x0370])
    let body = """
      transport = "rtu"
      device = "\(server.device)"
      baud = 9600
      unit = 2
      temp = { function = 4, register = 1, scale = 0.1 }
      rh = { function = 4, register = 2, scale = 0.1 }
      """
    let sensor = try makeSensor(body)
    #expect(sensor.read(at: now) == .values(tempC: 3.5, rhPct: 88.0))
    server.setInputRegisters(1, [0xFFF6])
    #expect(sensor.read(at: now) == .values(tempC: -1.0, rhPct: 88.0))

    // Nobody answers for unit 5 on this line: the request times out.
    let silent = try makeSensor(body.replacingOccurrences(of: "unit = 2", with: "unit = 5\ntimeout_seconds = 0.2"))
    #expect(
      silent.read(at: now)
        == .fault("modbus \(server.device) unit 5: reading input registers 1-2: Connection timed out"))
  }

  @Test func settingsFromConfig() throws {
    let settings = try ModbusDriver.settings(
      table(
        """
        transport = "rtu"
        device = "/dev/ttyUSB0"
        parity = "e"
        stop_bits = 2
        timeout_seconds = 0.25
        temp = { function = 3, register = 4, format = "float32", word_order = "low_first" }
        """))
    #expect(
      settings
        == ModbusSettings(
          endpoint: .rtu(device: "/dev/ttyUSB0", baud: 9600, parity: .even, dataBits: 8, stopBits: 2), unit: 1,
          timeoutSeconds: 0.25,
          temp: ModbusRegisterMap(function: .holding, register: 4, format: .float32, wordOrder: .lowFirst), rh: nil))
  }

  @Test(arguments: [
    ("temp = { function = 4, register = 1, format = \"int64\" }", "`sensor[1].temp.format` \"int64\" is not a known"),
    ("temp = { function = 4, register = 1, count = 3 }", "`sensor[1].temp.count` must be 1 or 2"),
    ("temp = { function = 4, register = 1, count = 1, format = \"float32\" }", "`sensor[1].temp.count` is 1 but"),
    ("rh = { function = 4, scale = 0.1 }", "`sensor[1].rh.register` is required"),
    ("temp = { register = 1 }", "`sensor[1].temp.function` is required"),
    ("temp = { function = 6, register = 1 }", "`sensor[1].temp.function` must be 3"),
    ("temp = { function = 4, register = 1, word_order = \"low_first\" }", "`sensor[1].temp.word_order` applies only"),
    (
      "temp = { function = 4, register = 1, word_order = \"swapped\", format = \"int32\" }",
      "`sensor[1].temp.word_order`"
    ),
    ("temp = { function = 4, register = 65535, format = \"uint32\" }", "`sensor[1].temp.register` must be 0…65534"),
    ("temp = { function = 4, register = 1, scale = 0 }", "`sensor[1].temp.scale` must be a non-zero number"),
    ("temp = { function = 4, register = 1, signed = true }", "unknown key `sensor[1].temp.signed`"),
    ("unit = 1", "`sensor[1].temp` or `rh` is required"),
  ])
  func registerMapErrorsNameTheKey(line: String, expected: String) {
    expectConfigError(
      """
      transport = "tcp"
      host = "127.0.0.1"
      \(line)
      """, contains: expected)
  }

  @Test(arguments: [
    ("host = \"127.0.0.1\"", "`sensor[1].transport` is required"),
    ("transport = \"udp\"", "`sensor[1].transport` must be \"tcp\" or \"rtu\""),
    ("transport = \"tcp\"", "`sensor[1].host` is required"),
    ("transport = \"tcp\"\nhost = \"h\"\nport = 0", "`sensor[1].port` must be 1…65535"),
    ("transport = \"tcp\"\nhost = \"h\"\nbaud = 9600", "`sensor[1].baud` applies only to transport = \"rtu\""),
    ("transport = \"tcp\"\nhost = \"h\"\nunit = 250", "`sensor[1].unit` must be 0…247 or 255"),
    ("transport = \"rtu\"", "`sensor[1].device` is required"),
    ("transport = \"rtu\"\ndevice = \"/dev/ttyS0\"\nhost = \"h\"", "`sensor[1].host` applies only to transport"),
    ("transport = \"rtu\"\ndevice = \"/dev/ttyS0\"\nbaud = 10000", "`sensor[1].baud` must be one of"),
    ("transport = \"rtu\"\ndevice = \"/dev/ttyS0\"\nparity = \"X\"", "`sensor[1].parity` must be"),
    ("transport = \"rtu\"\ndevice = \"/dev/ttyS0\"\nunit = 0", "`sensor[1].unit` must be 1…247"),
    ("transport = \"tcp\"\nhost = \"h\"\ntimeout_seconds = 0", "`sensor[1].timeout_seconds` must be"),
    ("transport = \"tcp\"\nhost = \"h\"\nslave = 1", "unknown key `sensor[1].slave`"),
  ])
  func connectionErrorsNameTheKey(lines: String, expected: String) {
    expectConfigError(lines + "\ntemp = { function = 4, register = 1 }", contains: expected)
  }

  // MARK: - Helpers

  private let now = Timestamp(milliseconds: 1_750_000_000_000)

  private func faultPrefix(_ server: ModbusTCPServer) -> String {
    "modbus 127.0.0.1:\(server.port) unit 1: "
  }

  /// An agent config with one modbus sensor whose table body is `body`.
  private func document(_ body: String) -> String {
    """
    site = "s1"
    agent = "a1"
    [[sensor]]
    id = "probe-1"
    room = "cold1"
    driver = "modbus"
    \(body)
    """
  }

  /// The driver alone (no retries or calibration around it), from a validated `[[sensor]]` table.
  private func makeSensor(_ body: String) throws -> ModbusSensor {
    ModbusSensor(id: "probe-1", room: "cold1", settings: try ModbusDriver.settings(table(body)))
  }

  /// The sensor `coldtrace-agent run` builds from the same table (through the driver registry).
  private func configuredSensor(_ body: String) throws -> any Sensor {
    let config = try AgentConfiguration.load(ConfigTable(path: "agent.toml", text: document(body)))
    #expect(config.sensors.map(\.driver) == ["modbus"])
    return config.sensors[0].make(SensorContext(start: now))
  }

  private func table(_ body: String) throws -> ConfigTable {
    let sensors = try ConfigTable(path: "agent.toml", text: document(body)).tables("sensor")
    return sensors[0]
  }

  private func expectConfigError(
    _ body: String, contains expected: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      _ = try AgentConfiguration.load(ConfigTable(path: "agent.toml", text: document(body)))
      Issue.record("accepted a config that should fail with \(expected)", sourceLocation: sourceLocation)
    } catch {
      #expect(error.description.hasPrefix("agent.toml:"), sourceLocation: sourceLocation)
      #expect(error.description.contains(expected), "\(error.description)", sourceLocation: sourceLocation)
    }
  }
}
