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

extension ProbeCommand {
  /// `probe --config`: the edge alarm's settings and limits when it has one (`EdgeAlarmSummary`), then reads every `[[input]]` of the
  /// configuration once and prints one line each, so an installer can open the door or start a defrost and see the
  /// contact follow.
  static func showInputs(_ configuration: AgentConfiguration, sysfsRoot root: String) throws {
    if configuration.edgeAlarm != nil {
      for line in EdgeAlarmSummary.lines(configuration) { print(line) }
    }
    guard !configuration.inputs.isEmpty else {
      print("# No [[input]] configured.")
      return
    }
    let now = WallClock.now()
    let monitor = InputMonitor(
      configuration.inputs, context: SensorContext(sysfsRoot: root, start: now), now: now)
    print("# input  room  signal  driver  state")
    for (input, reading) in zip(configuration.inputs, monitor.readAll(at: now, now: now)) {
      print("\(input.id)  \(input.room)  \(input.signal.rawValue)  \(input.driver)  \(describe(reading))")
    }
  }

  private static func describe(_ reading: InputMonitor.Reading) -> String {
    switch reading.value {
    case .state(let on) where reading.signal == .defrost: on ? "defrosting" : "not defrosting"
    case .state(let on): on ? "open" : "closed"
    case .fault(let reason): "FAULT: \(reason)"
    }
  }
}
