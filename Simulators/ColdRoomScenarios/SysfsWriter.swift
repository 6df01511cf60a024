import ColdRoomSimulation
import Foundation

/// Writes probe readings as a fake Linux sysfs tree the agent's real drivers read (`--sysfs-root DIR`):
/// DS18B20 probes as `sys/bus/w1/devices/<id>/w1_slave`, SHT3x probes as `sys/class/hwmon/hwmonN/` (`name` is the
/// probe id), DHT22 probes as `sys/bus/iio/devices/iio:deviceN/`. Every file is replaced atomically (write a
/// temporary file, then rename), so a reader never sees half a file. An absent probe's files are removed.
public struct SysfsWriter {
  public let root: URL
  public let probes: [Probe]
  private let directories: [URL]

  /// A writer for `probes` under `root` (nothing is written until the first round).
  public init(root: String, probes: [Probe]) {
    self.root = URL(fileURLWithPath: root)
    self.probes = probes
    var hwmon = 0
    var iio = 0
    directories = probes.map { probe in
      switch probe.kind {
      case .ds18b20:
        return URL(fileURLWithPath: root).appendingPathComponent("sys/bus/w1/devices/\(probe.id)")
      case .sht31:
        defer { hwmon += 1 }
        return URL(fileURLWithPath: root).appendingPathComponent("sys/class/hwmon/hwmon\(hwmon)")
      case .dht22:
        defer { iio += 1 }
        return URL(fileURLWithPath: root).appendingPathComponent("sys/bus/iio/devices/iio:device\(iio)")
      }
    }
  }

  /// Writes one round of readings, in probe order.
  public func write(_ outputs: [ProbeOutput]) throws {
    for (index, output) in outputs.enumerated() {
      let probe = probes[index]
      let directory = directories[index]
      switch (probe.kind, output) {
      case (_, .absent):
        try? FileManager.default.removeItem(at: directory)
      case (.ds18b20, .reading(let tempC, _)):
        try replace(directory, "w1_slave", W1SlaveFormat.text(tempC: tempC))
      case (.ds18b20, .crcFailure(let garbledC)):
        try replace(directory, "w1_slave", W1SlaveFormat.text(tempC: garbledC, crcValid: false))
      case (.sht31, .reading(let tempC, let rhPct)):
        try replace(directory, "name", probe.id + "\n")
        try replace(directory, "temp1_input", milli(tempC))
        if let rhPct { try replace(directory, "humidity1_input", milli(rhPct)) }
      case (.dht22, .reading(let tempC, let rhPct)):
        try replace(directory, "name", "dht11\n")
        try replace(directory, "in_temp_input", milli(tempC))
        if let rhPct { try replace(directory, "in_humidityrelative_input", milli(rhPct)) }
      case (_, .crcFailure):
        break  // The kernel driver returns EIO; the file keeps its last value.
      }
    }
  }

  private func milli(_ value: Double) -> String { "\(Int((value * 1000).rounded()))\n" }

  private func replace(_ directory: URL, _ name: String, _ text: String) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let temporary = directory.appendingPathComponent(".\(name).tmp")
      try Data(text.utf8).write(to: temporary)
      guard rename(temporary.path, directory.appendingPathComponent(name).path) == 0 else {
        throw CocoaError(.fileWriteUnknown)
      }
    } catch {
      throw SysfsWriteError(path: directory.appendingPathComponent(name).path, reason: "\(error)")
    }
  }
}

/// A fake sysfs file that could not be written.
public struct SysfsWriteError: Error, CustomStringConvertible {
  public let path: String
  public let reason: String
  public var description: String { "cannot write \(path): \(reason)" }
}
