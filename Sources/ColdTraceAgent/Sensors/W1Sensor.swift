import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

/// A 1-wire thermometer (DS18B20, family 28) read through the kernel's `w1_therm` driver:
/// `/sys/bus/w1/devices/<device>/temperature` (milli °C, newer kernels) when present, else `w1_slave`.
///
/// `w1_slave` holds two lines; the first ends `crc=xx YES` or `crc=xx NO`, the second `t=<milli °C>`:
///
///     37 00 4b 46 7f ff 0c 10 1c : crc=1c YES
///     37 00 4b 46 7f ff 0c 10 1c t=3437
///
/// A failed CRC (the kernel has already retried) and the chip's error values are faults, never temperatures: 85000 is
/// the power-on reset value (the probe lost power or was read before its first conversion) and 127937 is what an
/// unanswered bus reads as.
public final class W1Sensor: Sensor, Sendable {
  public let id: String
  public let room: String
  /// The 1-wire id, `<family>-<serial>` (`28-0316a2b3c4ff`).
  public let device: String
  private let directory: String

  /// The DS18B20's power-on reset value, milli °C.
  public static let powerOnValue = 85_000
  /// What the kernel reports when the probe does not answer, milli °C.
  public static let noResponseValue = 127_937

  public init(id: String, room: String, device: String, sysfsRoot: String) {
    self.id = id
    self.room = room
    self.device = device
    directory = SysfsFile.path(sysfsRoot, "sys/bus/w1/devices/\(device)")
  }

  public func read(at time: Timestamp) -> SensorValue {
    guard SysfsFile.exists(directory) else {
      return .fault(
        "\(device): not on the 1-wire bus (no /sys/bus/w1/devices/\(device)); check the wiring and the w1-gpio overlay")
    }
    let milliCelsius: Int
    do {
      let temperature = "\(directory)/temperature"
      if SysfsFile.exists(temperature) {
        milliCelsius = try SysfsFile.integer(temperature)
      } else {
        switch Self.parse(w1Slave: try SysfsFile.text("\(directory)/w1_slave")) {
        case .milliCelsius(let value): milliCelsius = value
        case .crcFailed: return .fault("\(device): CRC failed (check the cable)")
        case .unreadable(let reason): return .fault("\(device): w1_slave: \(reason)")
        }
      }
    } catch {
      return .fault("\(device): \(error)")
    }
    switch milliCelsius {
    case Self.powerOnValue:
      return .fault("\(device): 85 °C power-on value, not a measurement (check the probe's power supply)")
    case Self.noResponseValue:
      return .fault("\(device): 127.937 °C no-response value (check the cable and the pull-up resistor)")
    default:
      return .values(tempC: Double(milliCelsius) / 1000, rhPct: nil)
    }
  }

  /// What a `w1_slave` file says.
  public enum SlaveReading: Sendable, Equatable {
    case milliCelsius(Int)
    case crcFailed
    case unreadable(String)
  }

  /// Parses the two lines of a `w1_slave` file.
  public static func parse(w1Slave text: String) -> SlaveReading {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard lines.count >= 2 else { return .unreadable("expected two lines, found \(lines.count)") }
    let check = lines[0].split(separator: " ").last ?? ""
    switch check {
    case "YES": break
    case "NO": return .crcFailed
    default: return .unreadable("first line does not end with a CRC verdict (YES or NO)")
    }
    let last = lines[1].split(separator: " ").last ?? ""
    guard last.hasPrefix("t="), let value = Int(last.dropFirst(2)) else {
      return .unreadable("second line does not end with t=<milli °C>")
    }
    return .milliCelsius(value)
  }
}

/// `driver = "w1"`: key `device`, the probe's 1-wire id (`28-0316a2b3c4ff`; `coldtrace-agent probe` lists them).
public enum W1Driver: SensorDriver {
  public static let name = "w1"
  public static let keys: Set<String> = ["device"]

  public static func factory(id: String, room: String, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any Sensor
  {
    let device = try SysfsFile.entryName(table, "device", example: "28-0316a2b3c4ff")
    guard isOneWireID(device) else {
      throw table.invalid("device", "must be a 1-wire id <family>-<12 hex digits>, e.g. \"28-0316a2b3c4ff\"")
    }
    return { context in W1Sensor(id: id, room: room, device: device, sysfsRoot: context.sysfsRoot) }
  }

  /// `28-0316a2b3c4ff`: a two-digit hex family, a dash, a 12-digit hex serial.
  static func isOneWireID(_ text: String) -> Bool {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    return parts.count == 2 && parts[0].count == 2 && parts[1].count == 12
      && parts.joined().allSatisfy { $0.isHexDigit }
  }
}
