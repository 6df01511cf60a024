import Foundation
import TestSupport
import Testing

/// Hostile `[[notify]]` values and `coldtrace notify` arguments, run by `HostileArgumentTests`: each must exit 2 with
/// one line and leave the database and journal exactly as they were.
let hostileNotifyInputs: [HostileInput] = notifyConfigs + notifyArguments

/// A `collector.toml` holding `text`, read by `coldtrace notify status --config`.
private func config(_ name: String, _ text: String) -> HostileInput {
  HostileInput(
    name: name, program: "coldtrace",
    arguments: { ["notify", "status", "--db", $0.database, "--config", $0.config] },
    config: { _ in Array(text.utf8) })
}

/// One `[[notify]]` entry named `sms` with `extra` lines.
private func channel(_ name: String, _ extra: String) -> HostileInput {
  config(name, "[[notify]]\nname = \"sms\"\ncommand = [\"/bin/true\"]\n" + extra)
}

private let notifyConfigs: [HostileInput] = [
  channel("unknown notify key", "retry = 3\n"),
  channel("notify name twice", "[[notify]]\nname = \"sms\"\ncommand = [\"/bin/true\"]\n"),
  config("notify without a name", "[[notify]]\ncommand = [\"/bin/true\"]\n"),
  config("notify name with a slash", "[[notify]]\nname = \"a/b\"\ncommand = [\"/bin/true\"]\n"),
  config("notify as a string", "notify = \"/bin/true\"\n"),
  channel("unknown severity", "severities = [\"panic\"]\n"),
  channel("unknown kind", "kinds = [\"temp_hot\"]\n"),
  channel("room without a site", "rooms = [\"cold2\"]\n"),
  channel("site with a wildcard", "sites = [\"+\"]\n"),
  channel("contact with a comma", "contacts = [\"+84901,+84902\"]\n"),
  channel("contact with a newline", "contacts = [\"+84901\\n\"]\n"),
  channel("empty contact", "contacts = [\"\"]\n"),
  channel("escalation without contacts", "escalate_after_minutes = 15\n"),
  channel("escalation contacts without a delay", "escalate_contacts = [\"+84999\"]\n"),
  channel("NaN escalation delay", "escalate_after_minutes = nan\nescalate_contacts = [\"+84999\"]\n"),
  channel("zero escalation delay", "escalate_after_minutes = 0\nescalate_contacts = [\"+84999\"]\n"),
  channel("quiet hours of one time", "quiet_hours = \"21:00\"\n"),
  channel("quiet hours of equal times", "quiet_hours = \"06:00-06:00\"\n"),
  channel("quiet hours past 24:00", "quiet_hours = \"21:00-25:00\"\n"),
  channel("unknown zone", "quiet_hours = \"21:00-06:00\"\nzone = \"ICT\"\n"),
  channel("zero give-up time", "give_up_hours = 0\n"),
  channel("infinite give-up time", "give_up_hours = inf\n"),
  channel("NaN grouping", "group_seconds = nan\n"),
]

private let notifyArguments: [HostileInput] = [
  HostileInput(
    name: "notify test of an unknown channel", program: "coldtrace",
    arguments: { ["notify", "test", "nope", "--db", $0.database, "--config", $0.config] },
    config: { _ in Array("[[notify]]\nname = \"sms\"\ncommand = [\"/bin/true\"]\n".utf8) }),
  HostileInput(
    name: "notify test without channels", program: "coldtrace",
    arguments: { ["notify", "test", "sms", "--db", $0.database] }),
]

extension HostileArgumentTests {
  @Test("coldtrace notify arguments and [[notify]] values", arguments: hostileNotifyInputs)
  func notifyInput(_ input: HostileInput) throws { try refuses(input) }
}
