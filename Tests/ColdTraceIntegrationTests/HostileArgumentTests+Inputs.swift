import Foundation
import Testing

/// A valid `[[input]]` head for the hostile values below to break one thing at a time.
private let inputHead = "[[input]]\nid = \"cold2-defrost\"\nroom = \"cold2\"\nsignal = \"defrost\"\n"
private let modbusInput = inputHead + "driver = \"modbus\"\ntransport = \"tcp\"\nhost = \"127.0.0.1\"\n"

private func inputConfig(_ name: String, _ text: String) -> HostileInput {
  configCase("coldtrace-agent", name, agentHeader + agentSensor + text)
}

/// Hostile `[[input]]` tables (room controllers' defrost and door contacts).
private let inputConfigs: [HostileInput] = [
  inputConfig("input without a driver", inputHead),
  inputConfig("unknown input driver", inputHead + "driver = \"w1\"\n"),
  inputConfig("unknown signal", inputHead.replacingOccurrences(of: "\"defrost\"", with: "\"compressor\"")),
  inputConfig("signal of the wrong type", inputHead.replacingOccurrences(of: "\"defrost\"", with: "1")),
  inputConfig("input id used by a sensor", inputHead.replacingOccurrences(of: "cold2-defrost", with: "s1")),
  inputConfig("input id with a wildcard", inputHead.replacingOccurrences(of: "cold2-defrost", with: "d+")),
  inputConfig("two inputs with one id", modbusInput + "coil = 0\n" + modbusInput + "coil = 1\n"),
  inputConfig("two drivers' keys", modbusInput + "coil = 0\npath = \"/sys/class/gpio/gpio17/value\"\n"),
  inputConfig("duplicate driver key", modbusInput + "coil = 0\ndriver = \"gpio\"\n"),
  inputConfig("Modbus input without a point", modbusInput),
  inputConfig("Modbus input with two points", modbusInput + "coil = 0\ndiscrete_input = 1\n"),
  inputConfig("register without a bit", modbusInput + "holding_register = 100\n"),
  inputConfig("bit 16", modbusInput + "holding_register = 100\nbit = 16\n"),
  inputConfig("negative bit", modbusInput + "input_register = 100\nbit = -1\n"),
  inputConfig("bit of a coil", modbusInput + "coil = 0\nbit = 0\n"),
  inputConfig("coil past 65535", modbusInput + "coil = 65536\n"),
  inputConfig("Modbus input without transport", inputHead + "driver = \"modbus\"\ncoil = 0\n"),
  inputConfig("GPIO input without a path", inputHead + "driver = \"gpio\"\n"),
  inputConfig("relative GPIO path", inputHead + "driver = \"gpio\"\npath = \"gpio17/value\"\n"),
  inputConfig("active_low of the wrong type", inputHead + "driver = \"gpio\"\npath = \"/x\"\nactive_low = \"yes\"\n"),
  inputConfig("relative input command", inputHead + "driver = \"command\"\ncommand = [\"read-defrost\"]\n"),
  inputConfig("simulated input without a scenario", inputHead + "driver = \"simulated\"\n"),
  inputConfig("NaN poll period", modbusInput + "coil = 0\npoll_seconds = nan\n"),
  inputConfig("poll period below 0.2 s", modbusInput + "coil = 0\npoll_seconds = 0.01\n"),
  inputConfig("invert of the wrong type", modbusInput + "coil = 0\ninvert = 1\n"),
]

/// `run --start --speed --anchor` misused.
private let lockstepArguments: [HostileInput] = [
  agent("start without anchor") { ["run", "--config", $0.agentConfig, "--start", "2026-06-12T17:00:00Z"] },
  agent("anchor without start") { ["run", "--config", $0.agentConfig, "--anchor", "2026-06-12T17:00:00Z"] },
  agent("speed alone") { ["run", "--config", $0.agentConfig, "--speed", "1440"] },
  agent("start that is not a time") {
    ["run", "--config", $0.agentConfig, "--start", "yesterday", "--anchor", "2026-06-12T17:00:00Z"]
  },
  agent("NaN speed") {
    [
      "run", "--config", $0.agentConfig, "--start", "2026-06-12T17:00:00Z", "--anchor", "2026-12-07T06:00:00Z",
      "--speed", "nan",
    ]
  },
]

extension HostileArgumentTests {
  @Test("agent.toml [[input]] values", arguments: inputConfigs)
  func inputConfigValue(_ input: HostileInput) throws { try refuses(input) }

  @Test("coldtrace-agent run lockstep flags", arguments: lockstepArguments)
  func lockstepArgument(_ input: HostileInput) throws { try refuses(input) }
}
