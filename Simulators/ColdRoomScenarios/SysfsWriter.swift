import ColdRoomSimulation
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// Writes probe readings as a fake Linux sysfs tree the agent's real drivers read (`--sysfs-root DIR`):
/// DS18B20 probes as `sys/bus/w1/devices/<id>/w1_slave`, SHT3x probes as `sys/class/hwmon/hwmonN/` (`name` is the
/// probe id), DHT22 probes as `sys/bus/iio/devices/iio:deviceN/`. Every file is replaced atomically (write a
/// temporary file, then rename), so a reader never sees half a file. An absent probe's files are removed.
public struct SysfsWriter {
  public let root: String
  public let probes: [Probe]
  private let directories: [String]

  /// A writer for `probes` under `root` (nothing is written until the first round).
  public init(root: String, probes: [Probe]) {
    self.root = root
    self.probes = probes
    var hwmon = 0
    var iio = 0
    directories = probes.map { probe in
      switch probe.kind {
      case .ds18b20:
        return root + "/sys/bus/w1/devices/\(probe.id)"
      case .sht31:
        defer { hwmon += 1 }
        return root + "/sys/class/hwmon/hwmon\(hwmon)"
      case .dht22:
        defer { iio += 1 }
        return root + "/sys/bus/iio/devices/iio:device\(iio)"
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
        Self.removeDirectory(directory)
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

  func replace(_ directory: String, _ name: String, _ text: String) throws(SysfsWriteError) {
    let path = directory + "/" + name
    guard Self.makeDirectories(directory) else { throw SysfsWriteError(path: directory, errno: errno) }
    let temporary = directory + "/.\(name).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw SysfsWriteError(path: temporary, errno: errno) }
    var remaining = Array(text.utf8)[...]
    while !remaining.isEmpty {
      let written = remaining.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        let error = SysfsWriteError(path: temporary, errno: errno)
        close(fd)
        throw error
      }
      remaining = remaining.dropFirst(written)
    }
    close(fd)
    guard rename(temporary, path) == 0 else { throw SysfsWriteError(path: path, errno: errno) }
  }

  /// `mkdir -p`.
  private static func makeDirectories(_ path: String) -> Bool {
    var prefix = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      prefix += "/" + part
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST { return false }
    }
    return true
  }

  /// Removes a probe's directory and the files in it (the writer puts no subdirectories there).
  private static func removeDirectory(_ path: String) {
    guard let directory = opendir(path) else { return }
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." { unlink(path + "/" + name) }
    }
    closedir(directory)
    rmdir(path)
  }
}

/// A fake sysfs file that could not be written.
public struct SysfsWriteError: Error, CustomStringConvertible {
  public let path: String
  public let reason: String

  init(path: String, errno code: Int32) {
    self.path = path
    reason = errnoDescription(code)
  }

  public var description: String { "cannot write \(path): \(reason)" }
}
