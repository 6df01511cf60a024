import Foundation
import Testing

private func edgeConfig(_ name: String, _ table: String) -> HostileInput {
  configCase("coldtrace-agent", name, agentHeader + agentSensor + "[edge_alarm]\n" + table)
}

private let gpio = "output = \"gpio\"\npath = \"/sys/class/gpio/gpio17/value\"\n"

/// Hostile `[edge_alarm]` tables: each one line and exit 2 from `check-config`.
private let edgeAlarmConfigs: [HostileInput] = [
  edgeConfig("edge alarm without an output", "after_minutes = 5\n"),
  edgeConfig("unknown edge alarm output", "output = \"siren\"\n"),
  edgeConfig("edge alarm output of the wrong type", "output = 1\n"),
  edgeConfig("GPIO edge alarm without a path", "output = \"gpio\"\n"),
  edgeConfig("relative GPIO edge alarm path", "output = \"gpio\"\npath = \"gpio17/value\"\n"),
  edgeConfig("NaN edge alarm delay", gpio + "after_minutes = nan\n"),
  edgeConfig("infinite edge alarm delay", gpio + "after_minutes = inf\n"),
  edgeConfig("negative edge alarm delay", gpio + "after_minutes = -1\n"),
  edgeConfig("zero edge alarm delay", gpio + "after_minutes = 0\n"),
  edgeConfig("edge alarm active_low of the wrong type", gpio + "active_low = \"yes\"\n"),
  edgeConfig("command key with a GPIO output", gpio + "command = [\"/bin/true\"]\n"),
  edgeConfig("command edge alarm without a command", "output = \"command\"\n"),
  edgeConfig("relative edge alarm command", "output = \"command\"\ncommand = [\"gammu-smsd-inject\"]\n"),
  edgeConfig("empty edge alarm command", "output = \"command\"\ncommand = []\n"),
  edgeConfig("path with a command output", "output = \"command\"\ncommand = [\"/bin/true\"]\npath = \"/x\"\n"),
  edgeConfig(
    "NaN edge alarm command timeout", "output = \"command\"\ncommand = [\"/bin/true\"]\ntimeout_seconds = nan\n"),
  edgeConfig("unknown edge alarm key", gpio + "after_minute = 5\n"),
  configCase("coldtrace-agent", "edge alarm as a value", agentHeader + "edge_alarm = 5\n" + agentSensor),
]

extension HostileArgumentTests {
  @Test("agent.toml [edge_alarm] values", arguments: edgeAlarmConfigs)
  func edgeAlarmConfigValue(_ input: HostileInput) throws { try refuses(input) }
}
