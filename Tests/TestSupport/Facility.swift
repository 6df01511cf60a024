import ColdTraceSystem
import Foundation

/// A collector and agents run as real processes (the built `coldtrace` and `coldtrace-agent`) against one broker,
/// with their database, journal, configs and logs in one temporary directory.
public final class Facility {
  public let broker: MosquittoBroker
  public let directory: URL
  public var database: String { directory.appendingPathComponent("coldtrace.db").path }
  public var journal: String { directory.appendingPathComponent("coldtrace.alerts.jsonl").path }
  private var collector: ChildProcess?
  private var collectorRuns = 0

  public init(broker: MosquittoBroker) throws {
    self.broker = broker
    directory = try TemporaryDirectory.make(prefix: "facility")
  }

  deinit { stopCollector() }

  /// Starts `coldtrace collect`; with `waitUntilSubscribed`, returns once the broker has granted its subscription
  /// (so nothing published afterwards can miss its session). `brokerURL` replaces the broker's own URL (e.g. an
  /// `mqtts://user:password@...` one); `arguments` are appended (e.g. `--config` with a `[tls]` table).
  public func startCollector(
    waitUntilSubscribed: Bool = true, brokerURL: String? = nil, arguments extraArguments: [String] = []
  ) throws {
    collectorRuns += 1
    let log = directory.appendingPathComponent("collector-\(collectorRuns).log")
    collector = try ChildProcess(
      name: "collector", executable: Executables.product("coldtrace").path,
      arguments: ["collect", "--db", database, "--journal", journal, "--broker", brokerURL ?? broker.url]
        + extraArguments,
      log: log.path)
    guard waitUntilSubscribed else { return }
    let subscribed = eventually(timeout: 20) {
      ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("subscribed to coldtrace/v1/reading/+/+/+")
    }
    if !subscribed { throw TestSupportError("the collector did not subscribe within 20 s; see \(log.path)") }
  }

  /// The running collector's process id (to read its memory in /proc), if it runs.
  public var collectorPID: pid_t? { collector?.pid }

  /// Writes `text` as a collector config file in the facility's directory and returns `--config` and its path.
  public func collectorConfig(_ text: String, name: String = "collector.toml") throws -> [String] {
    let file = directory.appendingPathComponent(name)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return ["--config", file.path]
  }

  public func stopCollector() {
    collector?.stop()
    collector = nil
  }

  /// SIGKILL, mid-whatever-it-was-doing.
  public func killCollector() {
    collector?.kill()
    collector = nil
  }

  public var collectorLog: String {
    (1...max(collectorRuns, 1)).map {
      (try? String(contentsOf: directory.appendingPathComponent("collector-\($0).log"), encoding: .utf8)) ?? ""
    }.joined(separator: "\n")
  }

  /// Writes an agent config with one simulated probe and starts `coldtrace-agent run`; `launcher` is a program and its
  /// arguments that start the agent (e.g. `env LD_PRELOAD=… FAKETIME=…`, which `exec`s it under the same pid).
  public func startAgent(
    agent: String = "hx-edge-1", site: String = "hongxuan", room: String = "cold2", sensor: String = "cold2-air",
    samples: Int? = nil, interval: Double = 30, catchUpMinutes: Double = 0, speed: Double = 1,
    doorOpenAtMinute: Double? = nil, doorOpenMinutes: Double = 30, extraSensors: [String] = [],
    outboxMaxMB: Double? = nil, outboxSegmentKB: Int? = nil, acknowledgementTimeout: Double = 5,
    sensorTables: String? = nil, arguments extraArguments: [String] = [], launcher: [String] = []
  ) throws -> ChildProcess {
    let state = agentStateDirectory(agent)
    try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
    var config = """
      site = "\(site)"
      agent = "\(agent)"
      broker = "\(broker.url)"
      state_dir = "\(state.path)"
      interval_seconds = \(interval)
      reconnect_max_seconds = 2

      [simulation]
      catch_up_minutes = \(catchUpMinutes)
      speed = \(speed)

      [outbox]
      ack_timeout_seconds = \(acknowledgementTimeout)
      \(outboxMaxMB.map { "max_mb = \($0)" } ?? "")
      \(outboxSegmentKB.map { "segment_kb = \($0)" } ?? "")

      \(sensorTables ?? "[[sensor]]\nid = \"\(sensor)\"\nroom = \"\(room)\"\ndriver = \"simulated\"\nseed = 3")

      """
    if let doorOpenAtMinute {
      config += "door_open_at_minute = \(doorOpenAtMinute)\ndoor_open_minutes = \(doorOpenMinutes)\n"
    }
    for extra in extraSensors {
      config += "\n[[sensor]]\nid = \"\(extra)\"\nroom = \"\(room)\"\ndriver = \"simulated\"\nseed = 4\n"
    }
    let file = state.appendingPathComponent("agent.toml")
    try config.write(to: file, atomically: true, encoding: .utf8)
    var arguments = ["run", "--config", file.path] + extraArguments
    if let samples { arguments += ["--samples", String(samples)] }
    let agentPath = Executables.product("coldtrace-agent").path
    return try ChildProcess(
      name: "agent", executable: launcher.first ?? agentPath,
      arguments: launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [agentPath] + arguments,
      log: state.appendingPathComponent("agent.log").path)
  }

  /// Where an agent keeps its config, log and outbox.
  public func agentStateDirectory(_ agent: String = "hx-edge-1") -> URL {
    directory.appendingPathComponent("agent-\(agent)")
  }

  public func agentLog(_ agent: String = "hx-edge-1") -> URL {
    agentStateDirectory(agent).appendingPathComponent("agent.log")
  }

  /// Runs a `coldtrace` shell command against this facility's database.
  public func shell(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(Executables.product("coldtrace"), arguments + ["--db", database])
  }
}
