import ColdTraceAgent
import ColdTraceCore
import ColdTraceSystem

/// What `coldtrace-agent` was asked to do.
enum AgentInvocation: Equatable {
  case run(RunArguments)
  case checkConfig(config: String)
  case probe(sysfsRoot: String, config: String?)
  /// Help or the version: print it and exit 0.
  case show(String)
}

/// `coldtrace-agent run`'s arguments.
struct RunArguments: Equatable {
  var config: String
  var broker: String?
  var samples: Int?
  var drainSeconds: Double = 10
  var sysfsRoot = "/"
  /// Lockstep with `coldtrace-sim run`: the event time to start from, the speed, and the wall-clock anchor.
  var start: String?
  var speed: Double?
  var anchor: String?
}

/// The agent's command line, read without ArgumentParser: ArgumentParser links FoundationEssentials, about 1.9 MB of
/// the agent's RSS (measured; `benchmarks/README.md`, "Agent RSS"). It takes what ArgumentParser took (`--name value`,
/// `--name=value`, the last of a repeated option, `-h`/`--help`, `help [subcommand]`, `--version`) and refuses bad
/// usage with ArgumentParser's messages.
enum AgentCommandLine {
  /// One `--name <value>` option of a subcommand.
  struct Option {
    let name: String
    let valueName: String
    var label: String { "'--\(name) <\(valueName)>'" }
  }

  struct Subcommand {
    let name: String
    let options: [Option]
    let help: String
  }

  static let config = Option(name: "config", valueName: "path")
  static let sysfsRoot = Option(name: "sysfs-root", valueName: "dir")
  static let samples = Option(name: "samples", valueName: "samples")
  static let drainSeconds = Option(name: "drain-seconds", valueName: "drain-seconds")
  static let broker = Option(name: "broker", valueName: "mqtt://[user[:password]@]host[:port]")
  static let start = Option(name: "start", valueName: "time")
  static let speed = Option(name: "speed", valueName: "n")
  static let anchor = Option(name: "anchor", valueName: "time")

  static let subcommands = [
    Subcommand(
      name: "run", options: [config, broker, samples, drainSeconds, sysfsRoot, start, speed, anchor],
      help: AgentHelp.run),
    Subcommand(name: "check-config", options: [config], help: AgentHelp.checkConfig),
    Subcommand(name: "probe", options: [sysfsRoot, config], help: AgentHelp.probe),
  ]

  /// The invocation the arguments (without the program name) ask for.
  static func parse(_ arguments: [String]) throws(UsageError) -> AgentInvocation {
    if arguments.contains("--version") { return .show(BuildInfo.versionLine(AgentRunner.version)) }
    guard let first = arguments.first, first != "-h", first != "--help" else { return .show(AgentHelp.root) }
    if first == "help" {
      let subcommand = arguments.count > 1 ? subcommands.first { $0.name == arguments[1] } : nil
      return .show(subcommand?.help ?? AgentHelp.root)
    }
    guard let subcommand = subcommands.first(where: { $0.name == first }) else {
      throw UsageError(first.hasPrefix("-") ? "Unknown option '\(first)'" : "Unexpected argument '\(first)'")
    }
    let rest = Array(arguments.dropFirst())
    if rest.contains("-h") || rest.contains("--help") { return .show(subcommand.help) }
    let values = try optionValues(rest, of: subcommand)
    switch subcommand.name {
    case "run":
      var run = RunArguments(config: try required(config, values))
      run.broker = values[broker.name]
      run.samples = try values[samples.name].map { (text) throws(UsageError) in try number(text, for: samples) }
      if let text = values[drainSeconds.name] { run.drainSeconds = try number(text, for: drainSeconds) }
      run.sysfsRoot = values[sysfsRoot.name] ?? run.sysfsRoot
      run.start = values[start.name]
      run.speed = try values[speed.name].map { (text) throws(UsageError) in try number(text, for: speed) }
      run.anchor = values[anchor.name]
      return .run(run)
    case "check-config":
      return .checkConfig(config: try required(config, values))
    default:
      return .probe(sysfsRoot: values[sysfsRoot.name] ?? "/", config: values[config.name])
    }
  }

  /// The value of each option given (the last one when repeated).
  private static func optionValues(_ arguments: [String], of subcommand: Subcommand) throws(UsageError)
    -> [String: String]
  {
    var values: [String: String] = [:]
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard argument.hasPrefix("-"), argument.count > 1, argument != "--" else {
        let unexpected = argument == "--" && index < arguments.count ? arguments[index] : argument
        throw UsageError("Unexpected argument '\(unexpected)'")
      }
      let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
      guard name.hasPrefix("--"), let option = subcommand.options.first(where: { "--" + $0.name == name }) else {
        throw UsageError("Unknown option '\(name)'")
      }
      if name.count < argument.count {
        values[option.name] = String(argument.dropFirst(name.count + 1))
      } else if index < arguments.count, !(arguments[index].hasPrefix("-") && arguments[index].count > 1) {
        values[option.name] = arguments[index]
        index += 1
      } else {
        throw UsageError("Missing value for \(option.label)")
      }
    }
    return values
  }

  private static func required(_ option: Option, _ values: [String: String]) throws(UsageError) -> String {
    guard let value = values[option.name] else { throw UsageError("Missing expected argument \(option.label)") }
    return value
  }

  private static func number<Number: LosslessStringConvertible>(_ text: String, for option: Option)
    throws(UsageError) -> Number
  {
    guard let value = Number(text) else { throw UsageError("The value '\(text)' is invalid for \(option.label)") }
    return value
  }
}

extension RunArguments {
  /// `--start`, `--speed` and `--anchor`, checked together: the three values `coldtrace-sim run` is given.
  func lockstep() throws(UsageError) -> Lockstep? {
    guard start != nil || speed != nil || anchor != nil else { return nil }
    guard let startText = start, let anchorText = anchor else {
      throw UsageError("--start and --anchor go together (with --speed): the time base shared with coldtrace-sim run")
    }
    guard let startTime = Timestamp.parseRFC3339(startText) else {
      throw UsageError("--start must be an RFC 3339 time such as 2026-06-12T17:00:00Z")
    }
    guard let anchorTime = Timestamp.parseRFC3339(anchorText) else {
      throw UsageError("--anchor must be an RFC 3339 time such as 2026-12-07T06:00:05.250Z")
    }
    let speed = speed ?? 1
    guard speed >= 1, speed <= 100_000 else { throw UsageError("--speed must be 1…100000") }
    return Lockstep(start: startTime, anchor: anchorTime, speed: speed)
  }
}
