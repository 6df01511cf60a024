import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

/// A temperature/humidity sensor behind the kernel's Industrial I/O layer (DHT22 via `dht11`, BME280 via `bmp280`,
/// HDC100x, SHT21): `/sys/bus/iio/devices/<device>/`.
///
/// Each channel (`temp`, `humidityrelative`) is read from `in_<channel>_input` when the driver provides it, else from
/// `in_<channel>_raw` with the optional `in_<channel>_offset` (default 0) and `in_<channel>_scale` (default 1). The
/// kernel's IIO ABI (Documentation/ABI/testing/sysfs-bus-iio) defines both in milli units: `_input` is milli °C and
/// milli %RH, and "units after application of scale and offset" of `_raw` are milli °C and milli %RH too. So
/// °C = (raw + offset) × scale / 1000, and likewise for %RH.
///
/// A DHT22's reads fail often (`EIO`, `ETIMEDOUT` from `read(2)`); this sensor reports the failure and
/// `CalibratedSensor` retries it (`retries`).
public final class IIOSensor: Sensor, Sendable {
  public let id: String
  public let room: String
  /// The IIO device directory's name (`iio:device0`).
  public let device: String
  private let directory: String

  public init(id: String, room: String, device: String, sysfsRoot: String) {
    self.id = id
    self.room = room
    self.device = device
    directory = SysfsFile.path(sysfsRoot, "sys/bus/iio/devices/\(device)")
  }

  public func read(at time: Timestamp) -> SensorValue {
    guard SysfsFile.exists(directory) else {
      return .fault("\(device): no /sys/bus/iio/devices/\(device); check that the sensor's kernel driver is loaded")
    }
    let tempMilli: Double?
    let rhMilli: Double?
    do {
      tempMilli = try channel("temp")
      rhMilli = try channel("humidityrelative")
    } catch {
      return .fault("\(device): \(error)")
    }
    guard tempMilli != nil || rhMilli != nil else {
      return .fault("\(device): has no in_temp_* or in_humidityrelative_* files; not a temperature/humidity sensor")
    }
    return .values(tempC: tempMilli.map { $0 / 1000 }, rhPct: rhMilli.map { $0 / 1000 })
  }

  /// The channel's value in milli units, or `nil` when the device has no such channel.
  func channel(_ name: String) throws(SysfsReadError) -> Double? {
    let prefix = "\(directory)/in_\(name)"
    if SysfsFile.exists("\(prefix)_input") {
      return try SysfsFile.number("\(prefix)_input")
    }
    guard SysfsFile.exists("\(prefix)_raw") else { return nil }
    let raw = try SysfsFile.number("\(prefix)_raw")
    let offset = try SysfsFile.exists("\(prefix)_offset") ? SysfsFile.number("\(prefix)_offset") : 0
    let scale = try SysfsFile.exists("\(prefix)_scale") ? SysfsFile.number("\(prefix)_scale") : 1
    return (raw + offset) * scale
  }

  /// Whether an IIO device directory has a temperature or humidity channel (for discovery).
  static func hasClimateChannel(_ directory: String) -> Bool {
    ["temp", "humidityrelative"].contains { channel in
      SysfsFile.exists("\(directory)/in_\(channel)_input") || SysfsFile.exists("\(directory)/in_\(channel)_raw")
    }
  }
}

/// `driver = "iio"`: key `device`, the IIO device's directory name (`iio:device0`; `coldtrace-agent probe` lists them).
public enum IIODriver: SensorDriver {
  public static let name = "iio"
  public static let keys: Set<String> = ["device"]

  public static func factory(id: String, room: String, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any Sensor
  {
    let device = try SysfsFile.entryName(table, "device", example: "iio:device0")
    return { context in IIOSensor(id: id, room: room, device: device, sysfsRoot: context.sysfsRoot) }
  }
}
