import ArgumentParser
import ColdTraceAgent
import ColdTraceSystem

/// `--sysfs-root`: where the drivers look for `/sys` (tests and dry runs point it at a fixture tree).
struct SysfsRootOption: ParsableArguments {
  @Option(help: ArgumentHelp("Directory holding the sys/ tree the sensor drivers read.", valueName: "dir"))
  var sysfsRoot: String = "/"
}

/// `coldtrace-agent probe`: lists the probes this box can see as `[[sensor]]` tables to paste into agent.toml.
struct ProbeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "probe",
    abstract: "List the 1-wire, IIO and hwmon sensors on this box as [[sensor]] tables, with their current values.",
    discussion: """
      Each table is ready to paste into agent.toml; set its room (and, if you like, a clearer id). \
      Values that cannot be read are shown as faults in the comment above the table.

      Example: coldtrace-agent probe >> /etc/coldtrace/agent.toml
      """
  )

  @OptionGroup var sysfs: SysfsRootOption

  func run() throws {
    let root = sysfs.sysfsRoot
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
