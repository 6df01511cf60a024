import ArgumentParser
import ColdTraceAgent
import ColdTraceMQTT
import ColdTraceSystem
import Logging
import Synchronization

@main
struct AgentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "coldtrace-agent",
    abstract: "ColdTrace edge agent: reads a facility's probes and publishes every reading to the broker.",
    discussion: """
      Example:
        coldtrace-agent run --config /etc/coldtrace/agent.toml
        coldtrace-agent check-config --config agent.toml
        coldtrace-agent probe
      """,
    version: AgentRunner.version,
    subcommands: [RunCommand.self, CheckConfigCommand.self, ProbeCommand.self]
  )

  static func main() { CommandMain.run(AgentCommand.self, programName: "coldtrace-agent") }
}

struct ConfigOption: ParsableArguments {
  @Option(help: ArgumentHelp("Agent configuration file (TOML).", valueName: "path"))
  var config: String

  func load(broker: String? = nil) throws -> AgentConfiguration {
    var configuration = try AgentConfiguration.load(try ConfigTable(contentsOf: config))
    if let broker {
      do {
        configuration.broker = try BrokerAddress(url: broker)
      } catch {
        throw UsageError("\(error)")
      }
    }
    return configuration
  }
}

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Sample the configured sensors and publish readings until SIGTERM or SIGINT.",
    discussion: "Example: coldtrace-agent run --config agent.toml --broker mqtt://hongxuan:secret@broker.local"
  )

  @OptionGroup var config: ConfigOption
  @Option(help: ArgumentHelp("Broker URL, overriding the config.", valueName: "mqtt://[user[:password]@]host[:port]"))
  var broker: String?
  @Option(help: "Stop after this many sampling rounds (for tests and demos).")
  var samples: Int?
  @Option(help: "With --samples: how long to wait at the end for the collector to confirm everything.")
  var drainSeconds: Double = 10
  @OptionGroup var sysfs: SysfsRootOption

  func run() throws {
    SignalWaiter.blockTerminationSignals()
    var configuration = try config.load(broker: broker)
    configuration.sysfsRoot = sysfs.sysfsRoot
    if let samples, samples < 1 { throw UsageError("--samples must be at least 1") }
    guard drainSeconds >= 0, drainSeconds <= 86_400 else { throw UsageError("--drain-seconds must be 0…86400") }
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    let logger = Logger(label: "coldtrace-agent")
    let stop = StopFlag()
    stop.stopOnTerminationSignal()
    try AgentRunner(configuration: configuration, logger: logger).run(maxSamples: samples, drainSeconds: drainSeconds) {
      stop.isSet
    }
  }
}

struct CheckConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check-config",
    abstract: "Validate an agent configuration; exit 2 with the first problem found.",
    discussion: "Example: coldtrace-agent check-config --config agent.toml"
  )

  @OptionGroup var config: ConfigOption

  func run() throws {
    let configuration = try config.load()
    print(
      "\(config.config): ok (site \(configuration.site), agent \(configuration.agent), "
        + "\(configuration.sensors.count) sensors, broker \(configuration.broker))")
  }
}
