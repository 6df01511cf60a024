import ColdTraceAgent
import ColdTraceSystem

/// `coldtrace-agent probe`: lists the probes this box can see as `[[sensor]]` tables to paste into agent.toml.
enum ProbeCommand {
  static func run(sysfsRoot root: String) throws {
    guard SysfsFile.exists(root) else { throw UsageError("--sysfs-root \(root) does not exist") }
    let found = SensorDiscovery.scan(sysfsRoot: root)
    guard !found.isEmpty else {
      print(
        "# No 1-wire (family 28), IIO or hwmon temperature/humidity sensors found under \(SysfsFile.path(root, "sys"))."
      )
      return
    }
    let sensors = found.map { CalibratedSensor(wrapping: $0.makeSensor(sysfsRoot: root), options: SensorOptions()) }
    let values = ConcurrentSampler(sensors).readAll(at: WallClock.now())
    print(
      "# \(found.count) sensors found by coldtrace-agent probe; paste the tables into agent.toml and set each room.")
    for (sensor, value) in zip(found, values) {
      print("")
      print(sensor.toml(current: value), terminator: "")
    }
  }
}
