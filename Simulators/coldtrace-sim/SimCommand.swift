import ArgumentParser
import ColdTraceCommandLine
import ColdTraceSystem

@main
struct SimCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "coldtrace-sim",
    abstract: "ColdTrace cold-room simulator: play a scenario, feed fake probes, or load a broker.",
    discussion: """
      Example:
        coldtrace-sim run --scenario Simulators/scenarios/door-left-open.toml --virtual --csv
        coldtrace-sim run --scenario Simulators/scenarios/defrost.toml --speed 3600 --sysfs-out /tmp/fake-sys
        coldtrace-sim load --broker mqtt://127.0.0.1:1883 --sites 3 --sensors 10 --rate 1 --duration 60
      """,
    subcommands: [RunCommand.self, LoadCommand.self]
  )

  static func main() { CommandMain.run(SimCommand.self, programName: "coldtrace-sim") }
}
