import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

/// A temperature/humidity chip behind the kernel's hwmon layer (SHT3x, SHT4x, …), found by the chip name in
/// `/sys/class/hwmon/hwmonN/name`; reads `temp<index>_input` (milli °C) and `humidity<index>_input` (milli %RH).
///
/// hwmon numbers change from boot to boot, so the chip is looked up on every read. Two chips with the same name
/// cannot be told apart by this driver; that is reported as a fault rather than reading one of them at random.
public final class HwmonSensor: Sensor, Sendable {
  public let id: String
  public let room: String
  /// The chip's name as the kernel driver gives it (`sht3x`).
  public let chip: String
  /// The channel number (`1` reads `temp1_input` and `humidity1_input`).
  public let index: Int
  private let classDirectory: String

  public init(id: String, room: String, chip: String, index: Int = 1, sysfsRoot: String) {
    self.id = id
    self.room = room
    self.chip = chip
    self.index = index
    classDirectory = SysfsFile.path(sysfsRoot, "sys/class/hwmon")
  }

  public func read(at time: Timestamp) -> SensorValue {
    let matches = Self.chips(in: classDirectory).filter { $0.name == chip }
    guard let match = matches.first else {
      return .fault("\(chip): no hwmon chip named \(chip) in /sys/class/hwmon; check that its kernel driver is loaded")
    }
    guard matches.count == 1 else {
      let list = matches.map(\.entry).joined(separator: ", ")
      return .fault("\(chip): \(matches.count) hwmon chips are named \(chip) (\(list)); cannot tell which to read")
    }
    let directory = "\(classDirectory)/\(match.entry)"
    let temperature = "\(directory)/temp\(index)_input"
    let humidity = "\(directory)/humidity\(index)_input"
    do {
      let tempMilli = try SysfsFile.exists(temperature) ? SysfsFile.integer(temperature) : nil
      let rhMilli = try SysfsFile.exists(humidity) ? SysfsFile.integer(humidity) : nil
      guard tempMilli != nil || rhMilli != nil else {
        return .fault("\(chip): \(match.entry) has no temp\(index)_input or humidity\(index)_input")
      }
      return .values(tempC: tempMilli.map { Double($0) / 1000 }, rhPct: rhMilli.map { Double($0) / 1000 })
    } catch {
      return .fault("\(chip): \(match.entry)/\(error)")
    }
  }

  /// Every `hwmonN` entry with the chip name it reports, in kernel order.
  static func chips(in classDirectory: String) -> [(entry: String, name: String)] {
    SysfsFile.entries(classDirectory).compactMap { entry in
      guard entry.hasPrefix("hwmon"), let name = try? SysfsFile.text("\(classDirectory)/\(entry)/name") else {
        return nil
      }
      return (entry, name)
    }
  }
}

/// `driver = "hwmon"`: key `chip` (the name in `/sys/class/hwmon/hwmonN/name`, e.g. `sht3x`) and optional `index`
/// (default 1: `temp1_input`, `humidity1_input`).
public enum HwmonDriver: SensorDriver {
  public static let name = "hwmon"
  public static let keys: Set<String> = ["chip", "index"]

  public static func factory(id: String, room: String, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any Sensor
  {
    let chip = try SysfsFile.entryName(table, "chip", example: "sht3x")
    let index = try table.int("index", .within(1...64), default: 1)
    return { context in HwmonSensor(id: id, room: room, chip: chip, index: index, sysfsRoot: context.sysfsRoot) }
  }
}
