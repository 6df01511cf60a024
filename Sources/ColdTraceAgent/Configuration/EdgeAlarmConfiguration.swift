import ColdTraceConfig
import ColdTraceCore

/// `[edge_alarm]` of agent.toml: when the agent has not reached its broker for `after_minutes`, it judges its own
/// probes against the critical limits the collector last published for their rooms and drives a local output
/// (docs/alert-rules.md, "The edge alarm"). Absent: no edge alarm, and the agent does not subscribe to the limits.
public struct EdgeAlarmConfiguration: Sendable, Equatable {
  /// What the alarm drives.
  public enum Output: Sendable, Equatable {
    /// A sysfs GPIO value file (a relay or a buzzer): `1` on alarm, `0` when cleared, inverted for `activeLow`.
    case gpio(path: String, activeLow: Bool)
    /// A program run on each change, with the alarm as JSON on its standard input and `ALARM=on` or `ALARM=off` in
    /// its environment (e.g. a local SMS through gammu on the edge box).
    case command([String], timeoutSeconds: Double)
  }

  /// Real (wall-clock) seconds without a connection to the broker before the agent speaks for its rooms.
  public var afterSeconds: Double
  public var output: Output

  public init(afterSeconds: Double = 600, output: Output) {
    self.afterSeconds = afterSeconds
    self.output = output
  }

  static let keys: Set<String> = ["after_minutes", "output", "path", "active_low", "command", "timeout_seconds"]

  /// The output's choices, as the config names them.
  enum OutputKind: String, CaseIterable {
    case gpio
    case command
  }

  /// Reads `[edge_alarm]`; keys that belong to the other output are refused, so a typo cannot silently leave the
  /// alarm without a way to sound.
  static func load(_ table: ConfigTable) throws(ConfigError) -> EdgeAlarmConfiguration {
    try table.rejectUnknownKeys(allowed: keys)
    let minutes = try table.double("after_minutes", .within(0.01...10_080, "a week"), default: 10)
    guard let kind = try table.choice("output", of: OutputKind.self) else {
      throw table.invalid("output", "is required: \"gpio\" (with path) or \"command\" (with command)")
    }
    let output: Output
    switch kind {
    case .gpio:
      for key in ["command", "timeout_seconds"] where table.keys.contains(key) {
        throw table.invalid(key, "belongs to output = \"command\", not \"gpio\"")
      }
      guard let path = try table.string("path"), path.hasPrefix("/") else {
        throw table.invalid("path", "is required: the GPIO line's value file, e.g. \"/sys/class/gpio/gpio17/value\"")
      }
      output = .gpio(path: path, activeLow: try table.bool("active_low") ?? false)
    case .command:
      for key in ["path", "active_low"] where table.keys.contains(key) {
        throw table.invalid(key, "belongs to output = \"gpio\", not \"command\"")
      }
      guard let command = try table.strings("command") else {
        throw table.invalid("command", "is required, e.g. command = [\"/usr/local/bin/edge-sms\"]")
      }
      guard let program = command.first, program.hasPrefix("/") else {
        throw table.invalid("command", "must start with the program's absolute path (it is run without a shell)")
      }
      output = .command(command, timeoutSeconds: try table.double("timeout_seconds", .within(0.1...120), default: 10))
    }
    return EdgeAlarmConfiguration(afterSeconds: minutes * 60, output: output)
  }

  /// One line for `check-config` and `probe --config`.
  public var summary: String {
    let after = "after \(JSONText.number(afterSeconds / 60)) min without the broker"
    switch output {
    case .gpio(let path, let activeLow):
      return "edge alarm: gpio \(path)\(activeLow ? " (active low)" : ""), \(after)"
    case .command(let command, let timeout):
      return "edge alarm: command \(command.joined(separator: " ")) (timeout \(JSONText.number(timeout)) s), \(after)"
    }
  }
}
