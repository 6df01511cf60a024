import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

/// A temperature/humidity transmitter read over Modbus TCP or RTU through libmodbus (`driver = "modbus"`).
///
/// Connects on the first read, keeps the connection between reads, and drops it after any error other than a Modbus
/// exception response, so the next read reconnects. A kept connection the peer has since closed (gateways close idle
/// ones) is retried once on a fresh connection within the same read. Errors become faults carrying libmodbus's
/// message, e.g. `modbus 127.0.0.1:1502 unit 1: Connection refused`.
///
/// A read blocks for at most about (1 + number of requests) × `timeoutSeconds`, twice that when a stale connection is
/// retried. libmodbus contexts are not thread-safe: each sensor owns one, and the agent reads a sensor from one thread
/// at a time (this class is not `Sendable`).
public final class ModbusSensor: Sensor {
  public let id: String
  public let room: String
  public let settings: ModbusSettings
  private let requests: [ModbusReadRequest]
  private let connection: ModbusConnection

  public init(id: String, room: String, settings: ModbusSettings) {
    self.id = id
    self.room = room
    self.settings = settings
    requests = ModbusReadRequest.covering([settings.temp, settings.rh].compactMap { $0 })
    connection = ModbusConnection(settings: settings)
  }

  public func read(at time: Timestamp) -> SensorValue {
    do throws(ModbusFailure) {
      var words: [ModbusRegisterMap.Function: [Int: UInt16]] = [:]
      for request in requests {
        let values = try connection.perform(request)
        for (offset, word) in values.enumerated() {
          words[request.function, default: [:]][request.start + offset] = word
        }
      }
      let tempC = try settings.temp.map { map throws(ModbusFailure) in try value("temp", map, words) }
      let rhPct = try settings.rh.map { map throws(ModbusFailure) in try value("rh", map, words) }
      return .values(tempC: tempC, rhPct: rhPct)
    } catch {
      return .fault("modbus \(settings.endpoint) unit \(settings.unit): \(error.message)")
    }
  }

  private func value(
    _ metric: String, _ map: ModbusRegisterMap, _ words: [ModbusRegisterMap.Function: [Int: UInt16]]
  ) throws(ModbusFailure) -> Double {
    let registers = map.addresses.compactMap { words[map.function]?[$0] }
    guard let value = map.decode(registers) else {
      throw ModbusFailure(
        message: "\(metric) (\(map.format.rawValue) at \(map.function.label) \(map.register)) is not a number")
    }
    return value
  }
}

/// `driver = "modbus"`: a Modbus TCP or RTU transmitter (see `deploy/agent.toml` for an example).
///
/// - `transport`: `"tcp"` or `"rtu"` (required).
/// - TCP: `host` (required), `port` (502).
/// - RTU: `device` (required, e.g. `"/dev/ttyUSB0"`), `baud` (9600), `parity` (`"N"`, `"E"`, `"O"`; `"N"`),
///   `data_bits` (8), `stop_bits` (1).
/// - `unit`: the unit (slave) id, 1 by default; `timeout_seconds`: connection and per-response timeout, 0.5 by
///   default. One attempt takes at most about (1 + requests) × `timeout_seconds`; keep that times (`retries` + 1)
///   within the sensor's `read_timeout_seconds`.
/// - `temp` and `rh` (at least one): register maps, as sub-tables (`[sensor.temp]` after the `[[sensor]]` line) or
///   inline tables (`temp = { function = 4, register = 1, scale = 0.1 }`), with keys `function` (3 = holding
///   registers, 4 = input registers; required), `register` (the 0-based protocol address; required), `format`
///   (`"int16"` by default, `"uint16"`, `"int32"`, `"uint32"`, `"float32"`), `count` (1 or 2; optional, must agree
///   with `format`; `count = 2` without `format` means `"int32"`), `scale` (multiplier, 1 by default) and
///   `word_order` (`"high_first"` by default, or `"low_first"`; 32-bit formats only). Signedness is part of `format`
///   (`int16` is signed, `uint16` is not).
public enum ModbusDriver: SensorDriver {
  public static let name = "modbus"
  public static let keys: Set<String> = connectionKeys.union(metrics)
  /// The keys of `connection(_:)`.
  static let connectionKeys: Set<String> = tcpKeys.union(rtuKeys).union(["transport", "unit", "timeout_seconds"])
  static let tcpKeys: Set<String> = ["host", "port"]
  static let rtuKeys: Set<String> = ["device", "baud", "parity", "data_bits", "stop_bits"]
  static let metrics: Set<String> = ["temp", "rh"]
  static let mapKeys: Set<String> = ["function", "register", "format", "count", "scale", "word_order"]
  /// Rates Linux serial drivers accept (libmodbus silently falls back to 9600 for any other).
  static let baudRates: Set<Int> = [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200, 230_400]

  public static func factory(id: String, room: String, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any Sensor
  {
    let settings = try settings(table)
    return { _ in ModbusSensor(id: id, room: room, settings: settings) }
  }

  /// Validates a `[[sensor]]` table with `driver = "modbus"`; errors name the key.
  public static func settings(_ table: ConfigTable) throws(ConfigError) -> ModbusSettings {
    var settings = try connection(table)
    settings.temp = try registerMap(table, "temp")
    settings.rh = try registerMap(table, "rh")
    guard settings.temp != nil || settings.rh != nil else {
      throw table.invalid("temp", "or `rh` is required: a register map such as { function = 4, register = 1 }")
    }
    return settings
  }

  /// The connection keys of a `driver = "modbus"` table (transport, endpoint, `unit`, `timeout_seconds`), shared by
  /// `[[sensor]]` and `[[input]]` tables; the settings it returns read nothing until given register maps.
  public static func connection(_ table: ConfigTable) throws(ConfigError) -> ModbusSettings {
    let endpoint: ModbusEndpoint
    switch try table.string("transport") {
    case "tcp":
      try reject(rtuKeys, in: table, transport: "rtu")
      guard let host = try table.string("host"), !host.isEmpty else {
        throw table.invalid("host", "is required with transport = \"tcp\"")
      }
      let port = try table.int("port", .within(1...65_535), default: 502)
      endpoint = .tcp(host: host, port: port)
    case "rtu":
      try reject(tcpKeys, in: table, transport: "tcp")
      guard let device = try table.string("device"), !device.isEmpty else {
        throw table.invalid("device", "is required with transport = \"rtu\" (e.g. \"/dev/ttyUSB0\")")
      }
      let baud = try table.int("baud") ?? 9600
      guard baudRates.contains(baud) else {
        throw table.invalid("baud", "must be one of \(baudRates.sorted().map(String.init).joined(separator: ", "))")
      }
      let parityText = try table.string("parity") ?? "N"
      guard let parity = ModbusEndpoint.Parity(rawValue: parityText.uppercased()) else {
        throw table.invalid("parity", "must be \"N\", \"E\" or \"O\"")
      }
      let dataBits = try table.int("data_bits", .within(5...8), default: 8)
      let stopBits = try table.int("stop_bits", .within(1...2).saying("must be 1 or 2"), default: 1)
      endpoint = .rtu(device: device, baud: baud, parity: parity, dataBits: dataBits, stopBits: stopBits)
    case nil:
      throw table.invalid("transport", "is required: \"tcp\" or \"rtu\"")
    case let other?:
      throw table.invalid("transport", "must be \"tcp\" or \"rtu\", not \"\(other)\"")
    }
    let unit = try table.int("unit") ?? 1
    // On a serial line 0 is broadcast (never answered); TCP devices may answer on 0, and 255 means "the device
    // itself" (MODBUS_TCP_SLAVE). 248…254 are reserved.
    if endpoint.isSerial {
      _ = try table.int("unit", .within(1...247))
    } else {
      guard (0...247).contains(unit) || unit == 255 else { throw table.invalid("unit", "must be 0…247 or 255") }
    }
    let timeout = try table.double("timeout_seconds", .within(0.01...60), default: 0.5)
    return ModbusSettings(endpoint: endpoint, unit: unit, timeoutSeconds: timeout, temp: nil, rh: nil)
  }

  private static func reject(_ keys: Set<String>, in table: ConfigTable, transport: String) throws(ConfigError) {
    for key in table.keys where keys.contains(key) {
      throw table.invalid(key, "applies only to transport = \"\(transport)\"")
    }
  }

  private static func registerMap(_ sensor: ConfigTable, _ key: String) throws(ConfigError) -> ModbusRegisterMap? {
    guard let table = try sensor.table(key) else { return nil }
    try table.rejectUnknownKeys(allowed: mapKeys)
    guard let functionCode = try table.int("function") else {
      throw table.invalid("function", "is required: 3 (holding registers) or 4 (input registers)")
    }
    guard let function = ModbusRegisterMap.Function(rawValue: functionCode) else {
      throw table.invalid("function", "must be 3 (holding registers) or 4 (input registers), not \(functionCode)")
    }
    guard let register = try table.int("register") else {
      throw table.invalid("register", "is required (the 0-based register address)")
    }
    let count = try table.int("count")
    if let count, count != 1, count != 2 {
      throw table.invalid("count", "must be 1 or 2 (registers per value), not \(count)")
    }
    let format: ModbusRegisterMap.Format
    if let name = try table.string("format") {
      guard let known = ModbusRegisterMap.Format(rawValue: name) else {
        let names = ModbusRegisterMap.Format.allCases.map(\.rawValue).joined(separator: ", ")
        throw table.invalid("format", "\"\(name)\" is not a known format (known: \(names))")
      }
      format = known
    } else {
      format = count == 2 ? .int32 : .int16
    }
    if let count, count != format.registerCount {
      throw table.invalid("count", "is \(count) but format \"\(format.rawValue)\" spans \(format.registerCount)")
    }
    guard register >= 0, register + format.registerCount <= 65_536 else {
      throw table.invalid("register", "must be 0…\(65_536 - format.registerCount)")
    }
    var wordOrder = ModbusRegisterMap.WordOrder.highFirst
    if let name = try table.string("word_order") {
      guard let known = ModbusRegisterMap.WordOrder(rawValue: name) else {
        throw table.invalid("word_order", "must be \"high_first\" or \"low_first\", not \"\(name)\"")
      }
      guard format.registerCount == 2 else {
        throw table.invalid("word_order", "applies only to 32-bit formats (int32, uint32, float32)")
      }
      wordOrder = known
    }
    let scale = try table.double("scale") ?? 1
    guard scale.isFinite, scale != 0 else { throw table.invalid("scale", "must be a non-zero number") }
    return ModbusRegisterMap(function: function, register: register, format: format, wordOrder: wordOrder, scale: scale)
  }
}

extension ModbusEndpoint {
  fileprivate var isSerial: Bool {
    if case .rtu = self { return true }
    return false
  }
}
