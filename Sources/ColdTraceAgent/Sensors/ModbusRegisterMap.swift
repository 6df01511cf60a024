/// Where one metric (temperature or humidity) lives in a Modbus device and how its registers become a number.
///
/// Pure: no I/O. `ModbusSensor` reads the registers and calls `decode(_:)`.
/// - `register` is the protocol address as sent on the wire (0-based), not the "30001/40001" Modicon notation:
///   the XY-MD02's temperature is input register 1 (`function = 4, register = 1`).
/// - 32-bit formats span two consecutive registers; `wordOrder` says which of them holds the high 16 bits. Bytes
///   within a register are always big-endian (Modbus defines that); only the word order varies between vendors.
public struct ModbusRegisterMap: Sendable, Equatable {
  /// The Modbus read function used for the metric.
  public enum Function: Int, Sendable, CaseIterable {
    /// Function 0x03, read holding registers.
    case holding = 3
    /// Function 0x04, read input registers.
    case input = 4

    /// How messages name the register kind ("holding register 0").
    public var label: String {
      switch self {
      case .holding: "holding register"
      case .input: "input register"
      }
    }
  }

  /// How the register contents encode the number.
  public enum Format: String, Sendable, CaseIterable {
    case int16, uint16, int32, uint32, float32

    /// How many 16-bit registers a value of this format spans.
    public var registerCount: Int {
      switch self {
      case .int16, .uint16: 1
      case .int32, .uint32, .float32: 2
      }
    }
  }

  /// Which register of a 32-bit value comes first (at the lower address).
  public enum WordOrder: String, Sendable, CaseIterable {
    /// The high word at the lower address ("big-endian", the Modbus convention; most devices).
    case highFirst = "high_first"
    /// The low word at the lower address ("word-swapped"; e.g. Vaisala's float registers).
    case lowFirst = "low_first"
  }

  public var function: Function
  public var register: Int
  public var format: Format
  public var wordOrder: WordOrder
  /// Multiplies the decoded number (0.1 for devices that report tenths).
  public var scale: Double

  public init(
    function: Function, register: Int, format: Format = .int16, wordOrder: WordOrder = .highFirst, scale: Double = 1
  ) {
    self.function = function
    self.register = register
    self.format = format
    self.wordOrder = wordOrder
    self.scale = scale
  }

  /// How many registers the metric spans.
  public var count: Int { format.registerCount }

  /// The addresses the metric spans.
  public var addresses: Range<Int> { register..<(register + count) }

  /// The metric's value from its `count` registers in address order; nil when the registers are not `count` long or
  /// hold no finite number (a float32 NaN or infinity, which some devices send when their probe fails).
  ///
  /// Scales that are reciprocals of whole numbers (0.1, 0.01) divide instead of multiplying, so 583 × 0.1 gives 58.3
  /// rather than 58.300000000000004; a float32 is widened through its shortest decimal form (23.4, not
  /// 23.399999618530273).
  public func decode(_ registers: [UInt16]) -> Double? {
    guard registers.count == count else { return nil }
    let raw: Double
    switch format {
    case .int16: raw = Double(Int16(bitPattern: registers[0]))
    case .uint16: raw = Double(registers[0])
    case .int32: raw = Double(Int32(bitPattern: combined(registers)))
    case .uint32: raw = Double(combined(registers))
    case .float32:
      let float = Float(bitPattern: combined(registers))
      guard float.isFinite else { return nil }
      raw = Double(float.description) ?? Double(float)
    }
    let value: Double
    let divisor = (1 / scale).rounded()
    if scale != 1, divisor >= 2, divisor <= 1_000_000, 1 / divisor == scale {
      value = raw / divisor
    } else {
      value = raw * scale
    }
    return value.isFinite ? value : nil
  }

  private func combined(_ registers: [UInt16]) -> UInt32 {
    let (high, low) = wordOrder == .highFirst ? (registers[0], registers[1]) : (registers[1], registers[0])
    return UInt32(high) << 16 | UInt32(low)
  }
}

/// One Modbus read request: `count` registers from `start` with `function`.
public struct ModbusReadRequest: Sendable, Equatable {
  public var function: ModbusRegisterMap.Function
  public var start: Int
  public var count: Int

  public init(function: ModbusRegisterMap.Function, start: Int, count: Int) {
    self.function = function
    self.start = start
    self.count = count
  }

  /// The addresses the request reads.
  public var addresses: Range<Int> { start..<(start + count) }

  /// The fewest requests that read every map: maps with the same function whose registers touch or overlap share one
  /// request (the XY-MD02's input registers 1 and 2 are one round trip, which matters at 9600 baud). Maps with a gap
  /// between them are never merged, because a device may refuse to read an address it does not define.
  public static func covering(_ maps: [ModbusRegisterMap]) -> [ModbusReadRequest] {
    let sorted = maps.sorted { ($0.function.rawValue, $0.register) < ($1.function.rawValue, $1.register) }
    var requests: [ModbusReadRequest] = []
    for map in sorted {
      if let last = requests.last, last.function == map.function, map.register <= last.addresses.upperBound {
        let end = max(last.addresses.upperBound, map.addresses.upperBound)
        if end - last.start <= maximumCount {
          requests[requests.count - 1].count = end - last.start
          continue
        }
      }
      requests.append(ModbusReadRequest(function: map.function, start: map.register, count: map.count))
    }
    return requests
  }

  /// The most registers one Modbus read may return (MODBUS_MAX_READ_REGISTERS).
  public static let maximumCount = 125
}
