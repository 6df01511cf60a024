import CMalloc
import ColdTraceAgent
import ColdTraceConfig
import ColdTraceMQTT
import ColdTraceSystem
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// `coldtrace-agent`: ColdTrace's exit statuses (0 success, 1 runtime failure, 2 bad usage or bad input, each
/// failure in one line on stderr) around the commands of `AgentCommandLine`.
@main
enum AgentCommand {
  static func main() {
    // One malloc arena for all threads: glibc gives each thread that allocates an arena of its own, and the agent's
    // dozen threads allocate little. 200–270 kB less RSS (benchmarks/README.md, "Agent RSS").
    _ = mallopt(M_ARENA_MAX, 1)
    let status: Int32
    do {
      try UsageError.checkArgumentsAreUTF8()
      try run(AgentCommandLine.parse(Array(CommandLine.arguments.dropFirst())))
      status = 0
    } catch let error as UsageError {
      StandardError.fail("coldtrace-agent", error.description)
      status = 2
    } catch let error as ConfigError {
      StandardError.fail("coldtrace-agent", error.description)
      status = 2
    } catch {
      StandardError.fail("coldtrace-agent", "\(error)")
      status = 1
    }
    fflush(nil)
    exit(status)
  }

  static func run(_ invocation: AgentInvocation) throws {
    switch invocation {
    case .show(let text): print(text)
    case .run(let arguments): try run(arguments)
    case .checkConfig(let config): try checkConfig(config)
    case .probe(let sysfsRoot, nil): try ProbeCommand.run(sysfsRoot: sysfsRoot)
    case .probe(let sysfsRoot, let config?): try ProbeCommand.showInputs(try load(config), sysfsRoot: sysfsRoot)
    }
  }

  /// `run`: sample the configured sensors and publish readings until SIGTERM or SIGINT.
  static func run(_ arguments: RunArguments) throws {
    SignalWaiter.blockTerminationSignals()
    var configuration = try load(arguments.config, broker: arguments.broker)
    configuration.sysfsRoot = arguments.sysfsRoot
    configuration.lockstep = try arguments.lockstep()
    if let samples = arguments.samples, samples < 1 { throw UsageError("--samples must be at least 1") }
    guard arguments.drainSeconds >= 0, arguments.drainSeconds <= 86_400 else {
      throw UsageError("--drain-seconds must be 0…86400")
    }
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    let logger = Logger(label: "coldtrace-agent")
    let runner = AgentRunner(configuration: configuration, logger: logger)
    // What start-up alone touched (ld.so's pass over libcrypto's tables, the config parser, OpenSSL's init) need not
    // stay resident, nor the 64 kB windows around each function the agent runs (benchmarks/README.md, "Agent RSS").
    runner.afterFirstRound = { ResidentCode.trimReadOnlyMappings() }
    // The runner sleeps until its next due time: the signal wakes it, so it stops at once.
    let stop = StopFlag(waking: runner.wakeUp)
    stop.stopOnTerminationSignal()
    try runner.run(maxSamples: arguments.samples, drainSeconds: arguments.drainSeconds) { stop.isSet }
  }

  /// `check-config`: validate an agent configuration; exit 2 with the first problem found.
  static func checkConfig(_ path: String) throws {
    let configuration = try load(path)
    print(
      "\(path): ok (site \(configuration.site), agent \(configuration.agent), "
        + "\(configuration.sensors.count) sensors, "
        + (configuration.inputs.isEmpty ? "" : "\(configuration.inputs.count) inputs, ")
        + (configuration.mqttSources.isEmpty ? "" : "\(configuration.mqttSources.count) mqtt sources, ")
        + "broker \(configuration.broker))")
    if configuration.edgeAlarm != nil {
      for line in EdgeAlarmSummary.lines(configuration) { print(line) }
    }
  }

  static func load(_ path: String, broker: String? = nil) throws -> AgentConfiguration {
    var configuration = try AgentConfiguration.load(try ConfigTable(contentsOf: path))
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
