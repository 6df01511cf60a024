import ArgumentParser
import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceCore
import ColdTraceSystem
import Foundation

/// `coldtrace-sim run`: plays a scenario and prints its trace.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Play a scenario file and print the room's state and every probe reading.",
    discussion: """
      Time is event time: --virtual plays as fast as possible (three weeks in seconds), --speed N plays N seconds of \
      room per second of wall clock. The same scenario and seed always give the same trace.
      Lockstep with an agent: --anchor T plays the scenario's start (or --start) at wall-clock instant T; give the \
      agent's run the same --start, --speed and --anchor and both see the same event time at the same moment.
      Examples:
        coldtrace-sim run --scenario Simulators/scenarios/power-cut-3h.toml --virtual --csv
        coldtrace-sim run --scenario Simulators/scenarios/defrost.toml --speed 1440 --modbus-port 1502 \
          --anchor 2026-12-07T06:00:05Z
      """
  )

  @Option(help: ArgumentHelp("Scenario file (TOML).", valueName: "file"))
  var scenario: String

  @Option(help: ArgumentHelp("Seconds of room time per second of wall clock (default 1: real time).", valueName: "n"))
  var speed: Double?

  @Flag(help: "Play on a virtual clock, as fast as possible.")
  var virtual = false

  @Option(help: ArgumentHelp("Event time to start from instead of the scenario's start (RFC 3339).", valueName: "time"))
  var start: String?

  @Option(
    help: ArgumentHelp(
      "Wall-clock instant (RFC 3339) at which the start is played (default: now); the time base shared with an agent.",
      valueName: "time"))
  var anchor: String?

  @Option(help: ArgumentHelp("Seed for the probes' noise and faults (default: the scenario's).", valueName: "s"))
  var seed: UInt64?

  @Flag(help: "Print CSV (header, then one line per sample) instead of a table.")
  var csv = false

  @Option(help: ArgumentHelp("Also write a fake sysfs tree (w1, IIO, hwmon) under this directory.", valueName: "dir"))
  var sysfsOut: String?

  @Option(
    help: ArgumentHelp(
      "Also serve the readings and the controller's outputs over Modbus TCP on 127.0.0.1:PORT (probe i: registers "
        + "2i+1, 2i+2; coil/discrete input 0 defrost, 1 door; register 100 status bits).",
      valueName: "port"))
  var modbusPort: Int?

  func validate() throws {
    if let modbusPort, !(1...65_535).contains(modbusPort) { throw ValidationError("--modbus-port must be 1–65535") }
    if let speed, !(speed > 0) { throw ValidationError("--speed must be positive") }
    if virtual && speed != nil { throw ValidationError("--speed and --virtual exclude each other") }
    if virtual && anchor != nil { throw ValidationError("--anchor and --virtual exclude each other") }
    if let start, Timestamp.parseRFC3339(start) == nil {
      throw ValidationError("--start must be an RFC 3339 time such as 2026-06-12T17:00:00Z")
    }
    if let anchor, Timestamp.parseRFC3339(anchor) == nil {
      throw ValidationError("--anchor must be an RFC 3339 time such as 2026-12-07T06:00:05.250Z")
    }
  }

  func run() throws {
    var scenario = try ScenarioFile.load(self.scenario)
    if let start = start.flatMap(Timestamp.parseRFC3339) { scenario.start = start }
    if modbusPort != nil, scenario.probes.count > ModbusOutput.maxProbes {
      throw ValidationError("--modbus-port serves at most \(ModbusOutput.maxProbes) probes; the scenario has more")
    }
    let pace = virtual ? nil : (speed ?? 1)
    let writer = sysfsOut.map { SysfsWriter(root: $0, probes: scenario.probes) }
    let modbus = try modbusPort.map { try ModbusOutput(port: $0, probes: scenario.probes.count) }
    defer { modbus?.stop() }
    print(csv ? TraceCSV.header(probes: scenario.probes) : "# \(scenario.name): \(scenario.description)")
    let anchorTime = anchor.flatMap(Timestamp.parseRFC3339)
    let began = anchorTime.map { Date(timeIntervalSince1970: Double($0.milliseconds) / 1000) } ?? Date()
    try scenario.play(seed: seed) { snapshot, outputs in
      if let pace {
        let due = snapshot.time.seconds(since: scenario.start) / pace
        let wait = due - Date().timeIntervalSince(began)
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
      }
      try writer?.write(outputs)
      try writer?.writeController(snapshot)
      modbus?.update(snapshot, outputs)
      if csv {
        print(TraceCSV.line(snapshot, outputs, probes: scenario.probes))
      } else {
        print(TraceTable.line(snapshot, outputs, probes: scenario.probes))
      }
      fflush(nil)
    }
  }
}

/// One readable line per sample for a terminal.
enum TraceTable {
  static func line(_ snapshot: RoomSnapshot, _ outputs: [ProbeOutput], probes: [Probe]) -> String {
    var text = "\(snapshot.time.rfc3339)  air \(fixed(snapshot.airC)) °C  RH \(fixed(snapshot.rhPct, 1)) %"
    text += "  product \(fixed(snapshot.productC)) °C  outside \(fixed(snapshot.ambientC, 1)) °C"
    var states: [String] = []
    if snapshot.compressorOn { states.append("compressor") }
    if snapshot.defrosting { states.append("defrost") }
    if snapshot.doorOpen { states.append("door-open") }
    if !snapshot.powered { states.append("POWER-CUT") }
    text += "  [\(states.joined(separator: ","))]"
    for (probe, output) in zip(probes, outputs) {
      switch output {
      case .reading(let tempC, let rhPct):
        text += "  \(probe.id)=\(fixed(tempC, 4))" + (rhPct.map { "/\(fixed($0, 1))%" } ?? "")
      case .crcFailure: text += "  \(probe.id)=CRC-FAIL"
      case .absent: text += "  \(probe.id)=ABSENT"
      }
    }
    return text
  }

  static func fixed(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
}
