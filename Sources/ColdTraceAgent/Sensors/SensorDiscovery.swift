import ColdTraceCore

/// A probe found on this box, with the `[[sensor]]` table that reads it.
public struct DiscoveredSensor: Sendable, Equatable {
  /// Which driver reads it, and the driver's keys.
  public enum Kind: Sendable, Equatable {
    /// A 1-wire thermometer: `device` is its 1-wire id.
    case w1(device: String)
    /// An IIO device: `device` is its directory (`iio:device0`), `name` what the kernel driver calls it (`dht11`).
    case iio(device: String, name: String?)
    /// A hwmon chip's channel: `entry` is the `hwmonN` it is at now (which changes between boots).
    case hwmon(chip: String, index: Int, entry: String)
  }

  public var kind: Kind
  /// Why the table cannot be used as is (two hwmon chips with the same name); it is then printed commented out.
  public var problem: String?

  /// The room written into the suggested table, for the operator to replace.
  public static let placeholderRoom = "unassigned"

  public init(_ kind: Kind, problem: String? = nil) {
    self.kind = kind
    self.problem = problem
  }

  /// The `driver` value: `w1`, `iio` or `hwmon`.
  public var driver: String {
    switch kind {
    case .w1: W1Driver.name
    case .iio: IIODriver.name
    case .hwmon: HwmonDriver.name
    }
  }

  /// A sensor id that is valid in a config (`28-0316a2b3c4ff`, `iio-device0`, `sht3x-1`); operators may rename it.
  public var suggestedID: String {
    switch kind {
    case .w1(let device): device
    case .iio(let device, _): device.replacing(":", with: "-")
    case .hwmon(let chip, let index, _): "\(chip)-\(index)"
    }
  }

  /// The driver's own lines of the table (`device = "28-0316a2b3c4ff"`).
  public var settings: [String] {
    switch kind {
    case .w1(let device), .iio(let device, _): ["device = \(Self.quoted(device))"]
    case .hwmon(let chip, let index, _): ["chip = \(Self.quoted(chip))", "index = \(index)"]
    }
  }

  /// What it is, for the comment above the table.
  public var summary: String {
    switch kind {
    case .w1(let device): "1-wire DS18B20 \(device)"
    case .iio(let device, let name): "IIO \(name.map { "\($0) " } ?? "")(\(device))"
    case .hwmon(let chip, let index, let entry): "hwmon \(chip) (\(entry)) channel \(index)"
    }
  }

  /// The driver's sensor for this probe, without calibration options.
  public func makeSensor(sysfsRoot: String) -> any Sensor {
    let (id, room) = (suggestedID, Self.placeholderRoom)
    switch kind {
    case .w1(let device): return W1Sensor(id: id, room: room, device: device, sysfsRoot: sysfsRoot)
    case .iio(let device, _): return IIOSensor(id: id, room: room, device: device, sysfsRoot: sysfsRoot)
    case .hwmon(let chip, let index, _):
      return HwmonSensor(id: id, room: room, chip: chip, index: index, sysfsRoot: sysfsRoot)
    }
  }

  /// The table as TOML ready to paste, with `current` (this probe's value now) as a comment.
  public func toml(current: SensorValue) -> String {
    var lines = ["# \(summary): \(Self.describe(current))"]
    if let problem { lines.append("# not usable as is: \(problem)") }
    let table =
      [
        "[[sensor]]",
        "id = \(Self.quoted(suggestedID))",
        "room = \(Self.quoted(Self.placeholderRoom))  # set the room this probe is in",
        "driver = \(Self.quoted(driver))",
      ] + settings
    lines += problem == nil ? table : table.map { "# \($0)" }
    return lines.joined(separator: "\n") + "\n"
  }

  static func describe(_ value: SensorValue) -> String {
    switch value {
    case .fault(let reason): return "fault now: \(reason)"
    case .values(let tempC, let rhPct):
      let parts = [tempC.map { Metric.temperature.format($0) }, rhPct.map { Metric.humidity.format($0) + "RH" }]
      return "now " + parts.compactMap { $0 }.joined(separator: ", ")
    }
  }

  static func quoted(_ text: String) -> String {
    "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
  }
}

/// Finds the temperature and humidity probes the kernel exposes: 1-wire thermometers (family 28, DS18B20), IIO devices
/// with a temperature or humidity channel, and hwmon chips with `temp<N>_input` or `humidity<N>_input`.
public enum SensorDiscovery {
  /// Every probe under `sysfsRoot`, 1-wire first, then IIO, then hwmon, each in kernel order.
  public static func scan(sysfsRoot: String) -> [DiscoveredSensor] {
    oneWire(sysfsRoot) + iio(sysfsRoot) + hwmon(sysfsRoot)
  }

  static func oneWire(_ root: String) -> [DiscoveredSensor] {
    let devices = SysfsFile.entries(SysfsFile.path(root, "sys/bus/w1/devices"))
    return devices.filter { $0.hasPrefix("28-") }.map { DiscoveredSensor(.w1(device: $0)) }
  }

  static func iio(_ root: String) -> [DiscoveredSensor] {
    let directory = SysfsFile.path(root, "sys/bus/iio/devices")
    return SysfsFile.entries(directory).compactMap { device in
      let path = "\(directory)/\(device)"
      guard device.hasPrefix("iio:device"), IIOSensor.hasClimateChannel(path) else { return nil }
      return DiscoveredSensor(.iio(device: device, name: try? SysfsFile.text("\(path)/name")))
    }
  }

  static func hwmon(_ root: String) -> [DiscoveredSensor] {
    let directory = SysfsFile.path(root, "sys/class/hwmon")
    let chips = HwmonSensor.chips(in: directory)
    return chips.flatMap { chip in
      let twins = chips.filter { $0.name == chip.name }.map(\.entry)
      let problem =
        twins.count < 2
        ? nil
        : "\(twins.count) chips are named \(chip.name) (\(twins.joined(separator: ", "))); hwmon finds chips by name"
      return channels(in: "\(directory)/\(chip.entry)").map { index in
        DiscoveredSensor(.hwmon(chip: chip.name, index: index, entry: chip.entry), problem: problem)
      }
    }
  }

  /// The channel numbers N with a `tempN_input` or `humidityN_input` file.
  private static func channels(in directory: String) -> [Int] {
    let numbers = SysfsFile.entries(directory).compactMap { file -> Int? in
      for kind in ["temp", "humidity"] where file.hasPrefix(kind) && file.hasSuffix("_input") {
        return Int(file.dropFirst(kind.count).dropLast("_input".count))
      }
      return nil
    }
    return Array(Set(numbers)).sorted()
  }
}
