import ColdTraceAgent
import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem
import Foundation
import TestSupport

/// The fake sysfs trees and probe programs under `Tests/Fixtures`, and scratch trees a test writes itself.
enum SysfsFixtures {
  /// `Tests/Fixtures`, found from this file's path (SwiftPM resources cannot live outside a target).
  static let directory: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Fixtures").path) {
      url.deleteLastPathComponent()
    }
    return url.appendingPathComponent("Fixtures")
  }()

  /// A healthy Raspberry Pi: two DS18B20 (one with the newer `temperature` file), a DHT22 and a raw+scale+offset
  /// HDC100x over IIO, an ADC that is not a climate sensor, an SHT3x and the SoC's thermal sensor on hwmon.
  static let pi = root("sysfs-pi")
  /// A CRC-failing probe, an 85 °C power-on value, a 127.937 °C no-response value, two hwmon chips with one name, a
  /// garbled hwmon value and an empty IIO value.
  static let faults = root("sysfs-faults")
  /// A box with a 1-wire master and a CPU sensor but no probes.
  static let empty = root("sysfs-empty")

  static func root(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// A probe program under `Tests/Fixtures/commands`.
  static func command(_ name: String) -> String { directory.appendingPathComponent("commands/\(name)").path }

  /// A fresh sysfs root in the temporary directory, with `files` (path under the root: content) written into it.
  static func scratch(_ files: [String: String] = [:]) throws -> String {
    let root = try TemporaryDirectory.make(prefix: "sysfs")
    for (path, content) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try content.write(to: url, atomically: false, encoding: .utf8)
    }
    return root.path
  }

  static let time = Timestamp(seconds: 1_750_000_000)
}

/// Reads a config from TOML text, as `check-config` would.
func agentConfiguration(_ text: String) throws(ConfigError) -> AgentConfiguration {
  try AgentConfiguration.load(try ConfigTable(path: "agent.toml", text: text))
}

/// The first problem `AgentConfiguration.load` finds in a config with one `[[sensor]]` table, or `nil`.
func sensorConfigError(_ sensorTable: String) -> String? {
  do {
    _ = try agentConfiguration("site = \"hongxuan\"\nagent = \"hx-edge-1\"\n[[sensor]]\n\(sensorTable)")
    return nil
  } catch {
    return error.description
  }
}

/// The sensor an agent would build from one `[[sensor]]` table (with its options wrapper), over `sysfsRoot`.
func configuredSensor(_ sensorTable: String, sysfsRoot: String = "/") throws -> any Sensor {
  let configuration = try agentConfiguration("site = \"hongxuan\"\nagent = \"hx-edge-1\"\n[[sensor]]\n\(sensorTable)")
  return configuration.sensors[0].make(SensorContext(sysfsRoot: sysfsRoot, start: SysfsFixtures.time))
}

extension SensorValue {
  var tempC: Double? {
    if case .values(let tempC, _) = self { return tempC }
    return nil
  }
  var rhPct: Double? {
    if case .values(_, let rhPct) = self { return rhPct }
    return nil
  }
  var fault: String? {
    if case .fault(let reason) = self { return reason }
    return nil
  }
}

/// Whether two numbers agree to within `tolerance`.
func isNear(_ a: Double?, _ b: Double, tolerance: Double = 0.0005) -> Bool {
  guard let a else { return false }
  return abs(a - b) <= tolerance
}
