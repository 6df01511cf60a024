import Foundation
import TestSupport
import Testing

/// Where a hostile invocation runs: a `ShellFixture` database with readings, alerts and a journal, plus files the
/// arguments may point at.
struct HostilePaths: Sendable {
  let directory: String
  let database: String
  let journal: String
  let openAlertID: Int64
  /// Written before the run from the case's config text, if it has one.
  let config: String
  /// A valid agent config (for hostile flags), whose state directory must never appear.
  let agentConfig: String
  let agentState: String
  /// The built `coldtrace`, for cases that go through `/bin/sh` to pass bytes `Process` cannot.
  let coldtrace: String
}

/// One hostile invocation of a real binary; it must exit 2 with one line on stderr and change nothing.
struct HostileInput: Sendable, CustomTestStringConvertible {
  let name: String
  let program: String
  let arguments: @Sendable (HostilePaths) -> [String]
  /// The bytes of `paths.config`, for hostile config values.
  var config: (@Sendable (HostilePaths) -> [UInt8])? = nil

  var testDescription: String { name }
}

/// A 100,000-character argument (Linux allows 128 KiB per argument).
private let long = String(repeating: "a", count: 100_000)

/// Passes `arguments` to `coldtrace` with the bytes `0xFF 0xFE` (not UTF-8) appended as one more argument.
private func withInvalidUTF8(_ paths: HostilePaths, _ arguments: [String]) -> [String] {
  ["-c", #"exec "$0" "$@" "$(printf '\377\376')""#, paths.coldtrace] + arguments
}

private func coldtrace(_ name: String, _ arguments: @escaping @Sendable (HostilePaths) -> [String]) -> HostileInput {
  HostileInput(name: name, program: "coldtrace", arguments: arguments)
}

/// `coldtrace` arguments: ids that break the identifier rule, SQL and MQTT wildcards, control characters, huge and
/// negative numbers, times that are not times, paths that are missing or of the wrong kind, unknown products.
private let shellArguments: [HostileInput] = [
  coldtrace("empty site") { ["alerts", "--db", $0.database, "--site", ""] },
  coldtrace("MQTT wildcard + as a site") { ["readings", "--db", $0.database, "--site", "+"] },
  coldtrace("MQTT wildcard # as a room") { ["readings", "--db", $0.database, "--room", "#"] },
  coldtrace("glob * as a sensor") { ["readings", "--db", $0.database, "--sensor", "*"] },
  coldtrace("SQL LIKE % as a sensor") { ["alerts", "--db", $0.database, "--sensor", "%"] },
  coldtrace("SQL fragment as a site") { ["readings", "--db", $0.database, "--site", "x' OR '1'='1"] },
  coldtrace("SQL statement as a sensor") { ["alerts", "--db", $0.database, "--sensor", "s; DROP TABLE readings;--"] },
  coldtrace("quoted site") { ["alerts", "--db", $0.database, "--site", "\"hongxuan\""] },
  coldtrace("path traversal as a site") { ["readings", "--db", $0.database, "--site", "../hongxuan"] },
  coldtrace("escape sequence in a room") { ["readings", "--db", $0.database, "--room", "cold\u{1B}[2J"] },
  coldtrace("newline in a room") { ["alerts", "--db", $0.database, "--room", "cold2\nx"] },
  coldtrace("tab in a lot filter") { ["alerts", "--db", $0.database, "--lot", "LT\t1"] },
  coldtrace("100,000-character site") { ["readings", "--db", $0.database, "--site", long] },
  coldtrace("severity with SQL") { ["alerts", "--db", $0.database, "--severity", "warning' OR '1'='1"] },
  coldtrace("state wildcard") { ["alerts", "--db", $0.database, "--state", "*"] },
  coldtrace("empty format") { ["readings", "--db", $0.database, "--format", ""] },
  coldtrace("--since garbage") { ["readings", "--db", $0.database, "--since", "'; DROP TABLE readings;--"] },
  coldtrace("empty --since") { ["alerts", "--db", $0.database, "--since", ""] },
  coldtrace("negative duration") { ["alerts", "--db", $0.database, "--since", "-24h"] },
  coldtrace("huge duration") { ["readings", "--db", $0.database, "--since", "99999999999999999999d"] },
  coldtrace("huge Unix seconds") { ["readings", "--db", $0.database, "--since", "9223372036854775807"] },
  coldtrace("Unix seconds past the year 9999") { ["alerts", "--db", $0.database, "--until", "9223372036854775"] },
  coldtrace("NaN duration") { ["readings", "--db", $0.database, "--since", "nanh"] },
  coldtrace("infinite duration") { ["readings", "--db", $0.database, "--until", "infd"] },
  coldtrace("alert id past Int64") { ["ack", "99999999999999999999", "--by", "lan", "--db", $0.database] },
  coldtrace("negative alert id") { ["ack", "-1", "--by", "lan", "--db", $0.database] },
  coldtrace("alert id with SQL") { ["ack", "1; DROP TABLE alerts", "--by", "lan", "--db", $0.database] },
  coldtrace("alert id 0") { ["ack", "0", "--by", "lan", "--db", $0.database] },
  coldtrace("empty acknowledger") { ["ack", String($0.openAlertID), "--by", "", "--db", $0.database] },
  coldtrace("control character in the acknowledger") {
    ["ack", String($0.openAlertID), "--by", "lan\u{07}\u{1B}[2J", "--db", $0.database]
  },
  coldtrace("100,000-character acknowledger") { ["ack", String($0.openAlertID), "--by", long, "--db", $0.database] },
  coldtrace("100,000-character note") {
    ["ack", String($0.openAlertID), "--by", "lan", "--note", long, "--db", $0.database]
  },
  coldtrace("journal is a directory") {
    ["ack", String($0.openAlertID), "--by", "lan", "--journal", $0.directory, "--db", $0.database]
  },
  coldtrace("journal in a missing directory") {
    ["ack", String($0.openAlertID), "--by", "lan", "--journal", "/nonexistent/alerts.jsonl", "--db", $0.database]
  },
  coldtrace("database in a missing directory") { _ in ["status", "--db", "/nonexistent/dir/x.db"] },
  coldtrace("database is a directory") { ["status", "--db", $0.directory] },
  coldtrace("empty database path") { _ in ["readings", "--db", ""] },
  coldtrace("database is not SQLite") { ["alerts", "--db", $0.journal] },
  coldtrace("missing config") { ["status", "--db", $0.database, "--config", "/nonexistent/collector.toml"] },
  coldtrace("config is a directory") { ["status", "--db", $0.database, "--config", $0.directory] },
  coldtrace("config is /dev/zero") { ["status", "--db", $0.database, "--config", "/dev/zero"] },
  coldtrace("journal file is missing") { ["journal", "--db", $0.database, "/nonexistent/alerts.jsonl"] },
  coldtrace("journal file is a directory") { ["journal", "--db", $0.database, $0.directory] },
  coldtrace("backup over the database") { ["backup", "--db", $0.database, $0.database] },
  coldtrace("backup to a directory") { ["backup", "--db", $0.database, $0.directory] },
  coldtrace("backup into a missing directory") { ["backup", "--db", $0.database, "/nonexistent/backup.db"] },
  coldtrace("empty backup path") { ["backup", "--db", $0.database, ""] },
  coldtrace("unknown product") {
    ["lot", "add", "LT-1", "--product", "durian-x", "--room", "hongxuan/cold2", "--db", $0.database]
  },
  coldtrace("product with SQL") {
    ["lot", "add", "LT-1", "--product", "litchi' OR 1=1--", "--room", "hongxuan/cold2", "--db", $0.database]
  },
  coldtrace("empty product") {
    ["lot", "add", "LT-1", "--product", "", "--room", "hongxuan/cold2", "--db", $0.database]
  },
  coldtrace("lot id with a slash") {
    ["lot", "add", "LT/1", "--product", "litchi", "--room", "hongxuan/cold2", "--db", $0.database]
  },
  coldtrace("empty lot id") {
    ["lot", "add", "", "--product", "litchi", "--room", "hongxuan/cold2", "--db", $0.database]
  },
  coldtrace("lot id with a space") {
    ["lot", "add", "LT 1", "--product", "litchi", "--room", "hongxuan/cold2", "--db", $0.database]
  },
  coldtrace("65-character lot id") {
    [
      "lot", "add", String(repeating: "L", count: 65), "--product", "litchi", "--room", "hongxuan/cold2", "--db",
      $0.database,
    ]
  },
  coldtrace("lot id with SQL") {
    ["lot", "add", "x');DROP TABLE lots;--", "--product", "litchi", "--room", "hongxuan/cold2", "--db", $0.database]
  },
  coldtrace("non-ASCII lot id") {
    ["lot", "add", "LÔ-1", "--product", "litchi", "--room", "hongxuan/cold2", "--db", $0.database]
  },
  coldtrace("lot id wildcard (show)") { ["lot", "show", "*", "--db", $0.database] },
  coldtrace("lot id SQL LIKE (close)") { ["lot", "close", "%", "--db", $0.database] },
  coldtrace("lot id MQTT wildcard (move)") { ["lot", "move", "#", "--room", "hongxuan/cold3", "--db", $0.database] },
  coldtrace("room with three levels") {
    ["lot", "add", "LT-1", "--product", "litchi", "--room", "hongxuan/cold2/x", "--db", $0.database]
  },
  coldtrace("room without a site") {
    ["lot", "add", "LT-1", "--product", "litchi", "--room", "/", "--db", $0.database]
  },
  coldtrace("market with SQL") {
    [
      "lot", "add", "LT-1", "--product", "litchi", "--room", "hongxuan/cold2", "--market", "eu'; --", "--db",
      $0.database,
    ]
  },
  coldtrace("lot time garbage") {
    ["lot", "add", "LT-1", "--product", "litchi", "--room", "hongxuan/cold2", "--at", "never", "--db", $0.database]
  },
  coldtrace("lot time overflow") {
    ["lot", "add", "LT-1", "--product", "litchi", "--room", "hongxuan/cold2", "--at", "1e300w", "--db", $0.database]
  },
  coldtrace("unknown command") { ["frobnicate", "--db", $0.database] },
  coldtrace("collector id with a slash") { ["collect", "--db", $0.database, "--id", "a/b"] },
  coldtrace("empty collector id") { ["collect", "--db", $0.database, "--id", ""] },
  coldtrace("MQTT wildcard collector id") { ["collect", "--db", $0.database, "--id", "+"] },
  coldtrace("broker port out of range") { ["collect", "--db", $0.database, "--broker", "mqtt://127.0.0.1:99999"] },
  coldtrace("empty broker") { ["collect", "--db", $0.database, "--broker", ""] },
  HostileInput(name: "invalid UTF-8 site", program: "/bin/sh") {
    withInvalidUTF8($0, ["alerts", "--db", $0.database, "--site"])
  },
  HostileInput(name: "invalid UTF-8 lot id", program: "/bin/sh") {
    withInvalidUTF8($0, ["lot", "add", "--product", "litchi", "--room", "hongxuan/cold2", "--db", $0.database])
  },
  HostileInput(name: "invalid UTF-8 acknowledger", program: "/bin/sh") {
    withInvalidUTF8($0, ["ack", String($0.openAlertID), "--db", $0.database, "--by"])
  },
]

func agent(_ name: String, _ arguments: @escaping @Sendable (HostilePaths) -> [String]) -> HostileInput {
  HostileInput(name: name, program: "coldtrace-agent", arguments: arguments)
}

/// `coldtrace-agent` flags.
private let agentArguments: [HostileInput] = [
  agent("missing config") { _ in ["check-config", "--config", "/nonexistent/agent.toml"] },
  agent("empty config path") { _ in ["run", "--config", ""] },
  agent("config is a directory") { ["run", "--config", $0.directory] },
  agent("config is /dev/zero") { _ in ["check-config", "--config", "/dev/zero"] },
  agent("config is a database") { ["check-config", "--config", $0.database] },
  agent("zero samples") { ["run", "--config", $0.agentConfig, "--samples", "0"] },
  agent("negative samples") { ["run", "--config", $0.agentConfig, "--samples=-5"] },
  agent("samples past Int64") { ["run", "--config", $0.agentConfig, "--samples", "99999999999999999999"] },
  agent("NaN drain time") { ["run", "--config", $0.agentConfig, "--samples", "1", "--drain-seconds", "nan"] },
  agent("infinite drain time") { ["run", "--config", $0.agentConfig, "--samples", "1", "--drain-seconds", "inf"] },
  agent("negative drain time") { ["run", "--config", $0.agentConfig, "--samples", "1", "--drain-seconds=-1"] },
  agent("empty broker") { ["run", "--config", $0.agentConfig, "--broker", ""] },
  agent("HTTP broker") { ["run", "--config", $0.agentConfig, "--broker", "http://127.0.0.1"] },
  agent("broker port out of range") { ["run", "--config", $0.agentConfig, "--broker", "mqtt://127.0.0.1:70000"] },
  agent("unknown command") { _ in ["frobnicate"] },
]

/// A config case: `text` is written to `paths.config`, with `STATE` standing for the agent's state directory.
func configCase(_ program: String, _ name: String, _ text: String) -> HostileInput {
  let isCollector = program == "coldtrace"
  let arguments: @Sendable (HostilePaths) -> [String] = { paths in
    isCollector
      ? ["status", "--db", paths.database, "--config", paths.config] : ["check-config", "--config", paths.config]
  }
  let config: @Sendable (HostilePaths) -> [UInt8] = { paths in
    Array(text.replacingOccurrences(of: "STATE", with: paths.agentState).utf8)
  }
  return HostileInput(name: name, program: program, arguments: arguments, config: config)
}

let agentHeader = "site = \"hongxuan\"\nagent = \"hx-edge-1\"\nstate_dir = \"STATE\"\n"
let agentSensor = "[[sensor]]\nid = \"s1\"\nroom = \"cold2\"\n"

private func agentConfig(_ name: String, _ text: String) -> HostileInput { configCase("coldtrace-agent", name, text) }

/// Hostile `agent.toml` values.
private let agentConfigs: [HostileInput] = [
  agentConfig("site of the wrong type", "site = 5\nagent = \"a\"\n" + agentSensor),
  agentConfig("site with a slash", "site = \"a/b\"\nagent = \"a\"\n" + agentSensor),
  agentConfig("MQTT wildcard site", "site = \"+\"\nagent = \"a\"\n" + agentSensor),
  agentConfig("empty site", "site = \"\"\nagent = \"a\"\n" + agentSensor),
  agentConfig("reserved site", "site = \"collector\"\nagent = \"a\"\n" + agentSensor),
  agentConfig("agent with SQL", "site = \"s\"\nagent = \"x' OR 1=1--\"\n" + agentSensor),
  agentConfig("huge site", "site = \"\(long)\"\nagent = \"a\"\n" + agentSensor),
  agentConfig("duplicate key", agentHeader + "site = \"other\"\n" + agentSensor),
  agentConfig("unknown key", agentHeader + "intervall_seconds = 5\n" + agentSensor),
  agentConfig("invalid TOML", agentHeader + "interval_seconds = \n" + agentSensor),
  agentConfig("unterminated table header", agentHeader + "[[sensor]\nid = \"s1\"\n"),
  agentConfig("NUL byte", agentHeader + "broker = \"mqtt://a\u{0}b\"\n" + agentSensor),
  agentConfig("NaN interval", agentHeader + "interval_seconds = nan\n" + agentSensor),
  agentConfig("infinite interval", agentHeader + "interval_seconds = inf\n" + agentSensor),
  agentConfig("negative interval", agentHeader + "interval_seconds = -60\n" + agentSensor),
  agentConfig("interval as a string", agentHeader + "interval_seconds = \"60\"\n" + agentSensor),
  agentConfig("integer past Int64", agentHeader + "interval_seconds = 99999999999999999999\n" + agentSensor),
  agentConfig("huge reconnect time", agentHeader + "reconnect_max_seconds = 1e308\n" + agentSensor),
  agentConfig("MQTT version 6", agentHeader + "mqtt_version = 6\n" + agentSensor),
  agentConfig("broker port out of range", agentHeader + "broker = \"mqtt://127.0.0.1:65536\"\n" + agentSensor),
  agentConfig("infinite outbox size", agentHeader + agentSensor + "[outbox]\nmax_mb = inf\n"),
  agentConfig("NaN outbox age", agentHeader + agentSensor + "[outbox]\nmax_age_hours = nan\n"),
  agentConfig("infinite outbox age", agentHeader + agentSensor + "[outbox]\nmax_age_hours = inf\n"),
  agentConfig("huge segment", agentHeader + agentSensor + "[outbox]\nsegment_kb = 9223372036854775807\n"),
  agentConfig("NaN acknowledgement timeout", agentHeader + agentSensor + "[outbox]\nack_timeout_seconds = nan\n"),
  agentConfig("NaN playback speed", agentHeader + agentSensor + "[simulation]\nspeed = nan\n"),
  agentConfig("negative catch-up", agentHeader + agentSensor + "[simulation]\ncatch_up_minutes = -1\n"),
  agentConfig("TLS file of the wrong type", agentHeader + agentSensor + "[tls]\nca_file = 5\n"),
  agentConfig("unknown TLS key", agentHeader + agentSensor + "[tls]\nca = \"/etc/ca.crt\"\n"),
  agentConfig("no sensors", agentHeader),
  agentConfig("sensor id with a slash", agentHeader + "[[sensor]]\nid = \"a/b\"\nroom = \"cold2\"\n"),
  agentConfig("MQTT wildcard room", agentHeader + "[[sensor]]\nid = \"s1\"\nroom = \"#\"\n"),
  agentConfig("duplicate sensor ids", agentHeader + agentSensor + agentSensor),
  agentConfig("unknown driver", agentHeader + agentSensor + "driver = \"'; DROP TABLE readings;--\"\n"),
  agentConfig("NaN offset", agentHeader + agentSensor + "offset_c = nan\n"),
  agentConfig("infinite offset", agentHeader + agentSensor + "offset_rh = -inf\n"),
  agentConfig("NaN calibration", agentHeader + agentSensor + "calibration_c = [[nan, 0.0], [40.3, 40.0]]\n"),
  agentConfig("calibration of the wrong type", agentHeader + agentSensor + "calibration_c = \"ice bath\"\n"),
  agentConfig("negative retries", agentHeader + agentSensor + "retries = -1\n"),
  agentConfig("infinite read timeout", agentHeader + agentSensor + "read_timeout_seconds = inf\n"),
  agentConfig("NaN set-point", agentHeader + agentSensor + "setpoint_c = nan\n"),
  agentConfig("infinite ambient", agentHeader + agentSensor + "ambient_c = inf\n"),
  agentConfig("NaN door opening", agentHeader + agentSensor + "door_open_at_minute = nan\n"),
  agentConfig(
    "endless door opening", agentHeader + agentSensor + "door_open_at_minute = 1\ndoor_open_minutes = 1e308\n"),
  agentConfig("scenario is /dev/zero", agentHeader + agentSensor + "scenario = \"/dev/zero\"\n"),
  agentConfig("unknown placement", agentHeader + agentSensor + "placement = \"pulp\"\n"),
  agentConfig("missing scenario", agentHeader + agentSensor + "scenario = \"/nonexistent/scenario.toml\"\n"),
  agentConfig("empty command", agentHeader + agentSensor + "driver = \"command\"\ncommand = []\n"),
  agentConfig("relative command", agentHeader + agentSensor + "driver = \"command\"\ncommand = [\"read-probe\"]\n"),
  agentConfig(
    "NaN command timeout",
    agentHeader + agentSensor + "driver = \"command\"\ncommand = [\"/bin/true\"]\ntimeout_seconds = nan\n"),
  agentConfig(
    "1-wire device with a path", agentHeader + agentSensor + "driver = \"w1\"\ndevice = \"../../../etc/passwd\"\n"),
  agentConfig("IIO device with a path", agentHeader + agentSensor + "driver = \"iio\"\ndevice = \"../iio:device0\"\n"),
  agentConfig("negative hwmon index", agentHeader + agentSensor + "driver = \"hwmon\"\nchip = \"sht3x\"\nindex = -1\n"),
  agentConfig(
    "Modbus port out of range",
    agentHeader + agentSensor
      + "driver = \"modbus\"\ntransport = \"tcp\"\nhost = \"127.0.0.1\"\nport = 99999\n"
      + "temp = { function = 4, register = 1 }\n"),
  agentConfig(
    "Modbus unit out of range",
    agentHeader + agentSensor
      + "driver = \"modbus\"\ntransport = \"tcp\"\nhost = \"127.0.0.1\"\nunit = 300\n"
      + "temp = { function = 4, register = 1 }\n"),
  agentConfig(
    "Modbus register of the wrong type",
    agentHeader + agentSensor
      + "driver = \"modbus\"\ntransport = \"tcp\"\nhost = \"127.0.0.1\"\ntemp = { function = 4, register = \"1\" }\n"),
  HostileInput(
    name: "invalid UTF-8", program: "coldtrace-agent", arguments: { ["check-config", "--config", $0.config] },
    config: { _ in Array("site = \"hong".utf8) + [0xFF, 0xFE] + Array("xuan\"\nagent = \"a\"\n\(agentSensor)".utf8) }
  ),
]

private func collectorConfig(_ name: String, _ text: String) -> HostileInput { configCase("coldtrace", name, text) }

/// Hostile `collector.toml` values.
private let collectorConfigs: [HostileInput] = [
  collectorConfig("database of the wrong type", "db = 5\n"),
  collectorConfig("collector id with a slash", "collector_id = \"a/b\"\n"),
  collectorConfig("MQTT wildcard collector id", "collector_id = \"#\"\n"),
  collectorConfig("huge collector id", "collector_id = \"\(long)\"\n"),
  collectorConfig("MQTT version as a string", "mqtt_version = \"5\"\n"),
  collectorConfig("MQTT version 3", "mqtt_version = 3\n"),
  collectorConfig("NaN offline time", "offline_after_minutes = nan\n"),
  collectorConfig("infinite offline time", "offline_after_minutes = inf\n"),
  collectorConfig("zero offline time", "offline_after_minutes = 0\n"),
  collectorConfig("negative agent offline time", "agent_offline_after_minutes = -1\n"),
  collectorConfig("NaN renotification", "renotify_after_minutes = nan\n"),
  collectorConfig("huge renotification", "renotify_after_minutes = 1e300\n"),
  collectorConfig("integer past Int64", "renotify_after_minutes = 99999999999999999999\n"),
  collectorConfig("unknown default product", "default_product = \"durian-x\"\n"),
  collectorConfig("default product with SQL", "default_product = \"litchi' OR 1=1--\"\n"),
  collectorConfig("rooms of the wrong type", "rooms = \"hongxuan/cold2\"\n"),
  collectorConfig("room with three levels", "[rooms]\n\"a/b/c\" = \"litchi\"\n"),
  collectorConfig("room with a wildcard", "[rooms]\n\"hongxuan/+\" = \"litchi\"\n"),
  collectorConfig("room product of the wrong type", "[rooms]\n\"hongxuan/cold2\" = 5\n"),
  collectorConfig("room product with SQL", "[rooms]\n\"hongxuan/cold2\" = \"'; DROP TABLE lots;--\"\n"),
  collectorConfig("unknown placement", "[placements]\n\"hongxuan/cold2-pulp\" = \"pulp\"\n"),
  collectorConfig("placement of a room", "[placements]\n\"hongxuan/cold2/pulp\" = \"product\"\n"),
  collectorConfig("placement of the wrong type", "[placements]\n\"hongxuan/cold2-pulp\" = 1\n"),
  collectorConfig("relative notify command", "[notify]\ncommand = [\"notify.sh\"]\n"),
  collectorConfig("empty notify command", "[notify]\ncommand = []\n"),
  collectorConfig("notify command of the wrong type", "[notify]\ncommand = \"/bin/true\"\n"),
  collectorConfig("NaN notify grouping", "[notify]\ncommand = [\"/bin/true\"]\ngroup_seconds = nan\n"),
  collectorConfig("infinite notify timeout", "[notify]\ncommand = [\"/bin/true\"]\ntimeout_seconds = inf\n"),
  collectorConfig("huge notify retries", "[notify]\ncommand = [\"/bin/true\"]\nretries = 9223372036854775807\n"),
  collectorConfig("fractional notify retries", "[notify]\ncommand = [\"/bin/true\"]\nretries = 2.5\n"),
  collectorConfig("duplicate key", "db = \"a.db\"\ndb = \"b.db\"\n"),
  collectorConfig("duplicate table", "[rooms]\n[rooms]\n"),
  collectorConfig("unknown key", "colector_id = \"main\"\n"),
  collectorConfig("unknown TLS key", "[tls]\nca = \"/etc/ca.crt\"\n"),
  collectorConfig("invalid TOML", "db = \"x.db\"\nmqtt_version = 5\nbroker = \"mqtt://127.0.0.1\n"),
  collectorConfig("control character", "db = \"x\u{1B}.db\"\n"),
  collectorConfig("deeply nested arrays", "db = " + String(repeating: "[", count: 10_000) + "\n"),
  HostileInput(
    name: "invalid UTF-8", program: "coldtrace", arguments: { ["status", "--db", $0.database, "--config", $0.config] },
    config: { _ in Array("journal = \"j".utf8) + [0xC3, 0x28] + Array(".jsonl\"\n".utf8) }
  ),
]

/// Hostile command-line arguments and config values for the real `coldtrace` and `coldtrace-agent`: each gets one
/// line on stderr naming the program, exit status 2, nothing on stdout, and leaves the database, its journal and the
/// agent's state exactly as they were (byte for byte), with no new files.
@Suite("hostile arguments and config values", .serialized, .timeLimit(.minutes(10)))
struct HostileArgumentTests {
  @Test("coldtrace arguments", arguments: shellArguments + hostileBackupInputs)
  func shellArgument(_ input: HostileInput) throws { try refuses(input) }

  @Test("coldtrace-agent arguments", arguments: agentArguments)
  func agentArgument(_ input: HostileInput) throws { try refuses(input) }

  @Test("agent.toml values", arguments: agentConfigs)
  func agentConfigValue(_ input: HostileInput) throws { try refuses(input) }

  @Test("collector.toml values", arguments: collectorConfigs + roomConditionConfigs)
  func collectorConfigValue(_ input: HostileInput) throws { try refuses(input) }

  @Test("coldtrace silence arguments and [[maintenance]] values", arguments: hostileSilenceInputs)
  func silenceInput(_ input: HostileInput) throws { try refuses(input) }

  /// Files in the fixture's directory that a refused command may leave: the runner's own captures and inputs.
  private static func isRunnerFile(_ name: String) -> Bool {
    name.hasPrefix("out-") || name.hasPrefix("err-") || name == "hostile.toml" || name == "agent.toml"
  }

  func refuses(_ input: HostileInput, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let fixture = try ShellFixture()
    let directory = fixture.directory.path
    let paths = HostilePaths(
      directory: directory, database: fixture.database, journal: fixture.journal, openAlertID: fixture.openAlertID,
      config: directory + "/hostile.toml", agentConfig: directory + "/agent.toml",
      agentState: directory + "/agent-state", coldtrace: Executables.product("coldtrace").path)
    try Data((agentHeader + agentSensor).replacingOccurrences(of: "STATE", with: paths.agentState).utf8)
      .write(to: URL(fileURLWithPath: paths.agentConfig))
    if let config = input.config {
      try Data(config(paths)).write(to: URL(fileURLWithPath: paths.config))
    }
    let before = try contents(of: directory)

    let result = try fixture.run(input.arguments(paths), program: input.program, timeout: 30)

    let program = input.program == "coldtrace-agent" ? "coldtrace-agent" : "coldtrace"
    #expect(result.status == 2, "exit status; stderr: \(result.stderr.prefix(300))", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "stdout: \(result.stdout.prefix(300))", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("\(program): "), "\(result.stderr.prefix(300))", sourceLocation: sourceLocation)
    #expect(
      result.stderr.hasSuffix("\n") && result.stderr.filter(\.isNewline).count == 1,
      "not one line: \(result.stderr.prefix(600))", sourceLocation: sourceLocation)
    #expect(try contents(of: directory) == before, "files changed", sourceLocation: sourceLocation)
  }

  /// Every file in `directory` but the runner's own, with its bytes (the database, its WAL, the journal).
  private func contents(of directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !Self.isRunnerFile(name) {
      let path = directory + "/" + name
      var isDirectory: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      files[name] = isDirectory.boolValue ? Data("directory".utf8) : try Data(contentsOf: URL(fileURLWithPath: path))
    }
    return files
  }
}
