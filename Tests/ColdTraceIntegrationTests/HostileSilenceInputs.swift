import Foundation
import TestSupport
import Testing

/// Hostile `coldtrace silence` arguments and `[[maintenance]]` values, run by `HostileArgumentTests`: each must exit 2
/// with one line and leave the database and journal exactly as they were.
let hostileSilenceInputs: [HostileInput] = silenceArguments + maintenanceConfigs

private func coldtrace(_ name: String, _ arguments: @escaping @Sendable (HostilePaths) -> [String]) -> HostileInput {
  HostileInput(name: name, program: "coldtrace", arguments: arguments)
}

/// A `collector.toml` holding `text`, read by `coldtrace status --config`.
private func collectorConfig(_ name: String, _ text: String) -> HostileInput {
  HostileInput(
    name: name, program: "coldtrace", arguments: { ["status", "--db", $0.database, "--config", $0.config] },
    config: { _ in Array(text.utf8) })
}

/// Scopes that are no ids, spans too long, too short or unreadable, ends in the past, no reason, nobody, and ids of
/// silences that do not exist.
private let silenceArguments: [HostileInput] = [
  coldtrace("silence of an invalid scope") {
    ["silence", "add", "hongxuan/+", "--for", "2h", "--reason", "cleaning", "--by", "lan", "--db", $0.database]
  },
  coldtrace("silence of a four-level scope") {
    ["silence", "add", "hx/cold2/p/x", "--for", "2h", "--reason", "cleaning", "--by", "lan", "--db", $0.database]
  },
  coldtrace("silence longer than a week") {
    ["silence", "add", "hongxuan/cold2", "--for", "8d", "--reason", "cleaning", "--by", "lan", "--db", $0.database]
  },
  coldtrace("silence of a huge span") {
    ["silence", "add", "hongxuan", "--for", "1e300w", "--reason", "cleaning", "--by", "lan", "--db", $0.database]
  },
  coldtrace("silence of no time") {
    ["silence", "add", "hongxuan", "--for", "0m", "--reason", "cleaning", "--by", "lan", "--db", $0.database]
  },
  coldtrace("silence ending in the past") {
    [
      "silence", "add", "hongxuan", "--until", "2000-01-01T00:00:00Z", "--reason", "cleaning", "--by", "lan",
      "--db", $0.database,
    ]
  },
  coldtrace("silence with both --for and --until") {
    [
      "silence", "add", "hongxuan", "--for", "1h", "--until", "2099-01-01T00:00:00Z", "--reason", "x", "--by", "lan",
      "--db", $0.database,
    ]
  },
  coldtrace("silence without an end") {
    ["silence", "add", "hongxuan", "--reason", "cleaning", "--by", "lan", "--db", $0.database]
  },
  coldtrace("silence with an empty reason") {
    ["silence", "add", "hongxuan", "--for", "2h", "--reason", " ", "--by", "lan", "--db", $0.database]
  },
  coldtrace("silence by nobody") {
    ["silence", "add", "hongxuan", "--for", "2h", "--reason", "cleaning", "--by", "", "--db", $0.database]
  },
  coldtrace("silence of an unreadable span") {
    ["silence", "add", "hongxuan", "--for", "two hours", "--reason", "cleaning", "--by", "lan", "--db", $0.database]
  },
  coldtrace("silence with an escape sequence in its reason") {
    ["silence", "add", "hongxuan", "--for", "2h", "--reason", "x\u{1B}[2J", "--by", "lan", "--db", $0.database]
  },
  coldtrace("end of an unknown silence") { ["silence", "end", "99", "--by", "lan", "--db", $0.database] },
  coldtrace("end of a silence id with SQL") {
    ["silence", "end", "1; DROP TABLE silences", "--by", "lan", "--db", $0.database]
  },

]

/// `[[maintenance]]` tables with a bad scope, time, day or key.
private let maintenanceConfigs: [HostileInput] = [
  collectorConfig(
    "maintenance of an invalid scope",
    "[[maintenance]]\nscope = \"hongxuan/#\"\nfrom = \"06:00\"\nto = \"07:00\"\nreason = \"cleaning\"\n"),
  collectorConfig(
    "maintenance at 25 o'clock",
    "[[maintenance]]\nscope = \"hongxuan\"\nfrom = \"25:00\"\nto = \"07:00\"\nreason = \"cleaning\"\n"),
  collectorConfig(
    "maintenance ending when it starts",
    "[[maintenance]]\nscope = \"hongxuan\"\nfrom = \"06:00\"\nto = \"06:00\"\nreason = \"cleaning\"\n"),
  collectorConfig(
    "maintenance on an unknown day",
    "[[maintenance]]\nscope = \"hongxuan\"\ndays = [\"someday\"]\nfrom = \"06:00\"\nto = \"07:00\"\nreason = \"x\"\n"),
  collectorConfig(
    "maintenance with an unknown key",
    "[[maintenance]]\nscope = \"hongxuan\"\nfrom = \"06:00\"\nto = \"07:00\"\nreason = \"x\"\nuntil = \"08:00\"\n"),
  collectorConfig("maintenance of the wrong type", "maintenance = \"hongxuan/cold2\"\n"),
  collectorConfig(
    "maintenance windows covering a whole day",
    "[[maintenance]]\nscope = \"hongxuan\"\nfrom = \"06:00\"\nto = \"18:30\"\nreason = \"day shift\"\n"
      + "[[maintenance]]\nscope = \"hongxuan/cold2\"\nfrom = \"18:00\"\nto = \"06:30\"\nreason = \"night\"\n"),
]
