import ArgumentParser
import ColdTraceCollector
import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run the whole system on this machine and watch a litchi cold room raise and resolve an alert.",
    discussion: """
      Starts a mosquitto broker on a free loopback port, the collector, and an agent with one simulated litchi cold
      room whose door is left open for 30 minutes; plays 75 minutes of the room in about 8 seconds; prints what an
      operator would see; and leaves the database in the demo directory to explore.

      Example: coldtrace demo && coldtrace alerts --db coldtrace-demo/coldtrace.db
      """
  )

  @Option(help: ArgumentHelp("Where the demo keeps its database, logs and configs.", valueName: "dir"))
  var directory = "coldtrace-demo"

  func run() throws {
    guard let mosquitto = ChildProcess.system("mosquitto") else {
      throw UsageError("mosquitto is not installed: apt-get install mosquitto (or run scripts/bootstrap.sh)")
    }
    let agentBinary = ChildProcess.sibling("coldtrace-agent")
    guard FileManager.default.isExecutableFile(atPath: agentBinary) else {
      throw UsageError("coldtrace-agent is not next to coldtrace (\(agentBinary)); run `swift build` first")
    }
    let workspace = try prepare(URL(fileURLWithPath: directory))
    guard let port = FreePort.find() else { throw UsageError("no free loopback port for the demo broker") }
    let database = workspace.appendingPathComponent("coldtrace.db").path
    let journal = workspace.appendingPathComponent("coldtrace.alerts.jsonl").path

    say("ColdTrace demo: litchi cold room \(DemoFacility.site)/\(DemoFacility.room), files in \(workspace.path)/")
    let brokerConfig = workspace.appendingPathComponent("mosquitto.conf")
    try DemoFacility.brokerConfig(port: port, directory: workspace).write(
      to: brokerConfig, atomically: true, encoding: .utf8)
    let broker = try ChildProcess(
      name: "mosquitto", executable: mosquitto, arguments: ["-c", brokerConfig.path],
      log: workspace.appendingPathComponent("mosquitto.out").path)
    defer { broker.stop() }
    guard FreePort.waitUntilListening(port: port, timeout: 10) else {
      throw DemoFailure("the broker did not start; see \(workspace.path)/mosquitto.log")
    }
    say("  broker     mosquitto on 127.0.0.1:\(port)")

    // The litchi lot in the room since before the played hour, as `coldtrace lot add` would register it.
    let lotStart = WallClock.now().adding(seconds: -(DemoFacility.minutes + 5) * 60)
    _ = try SQLiteStore(path: database).addLot(
      DemoFacility.lot, product: "litchi", market: "eu", site: DemoFacility.site, room: DemoFacility.room, at: lotStart)
    say("  lot        \(DemoFacility.lot): litchi for the EU in \(DemoFacility.site)/\(DemoFacility.room)")

    let collectorLog = workspace.appendingPathComponent("collector.log")
    let collector = try ChildProcess(
      name: "collector", executable: ChildProcess.sibling("coldtrace"),
      arguments: ["collect", "--db", database, "--journal", journal, "--broker", "mqtt://127.0.0.1:\(port)"],
      log: collectorLog.path)
    defer { collector.stop() }
    // The agent's first readings would reach the broker before the subscription and wait for a re-send.
    guard waitForSubscription(log: collectorLog) else {
      throw DemoFailure("the collector did not subscribe; see \(collectorLog.path)")
    }
    say("  collector  coldtrace collect → \(database)")

    let watcher = try DemoWatcher(port: port)
    defer { watcher.stop() }
    guard watcher.waitUntilConnected(seconds: 10) else { throw DemoFailure("cannot reach the demo broker") }

    let scenario = workspace.appendingPathComponent("room-scenario.toml")
    try DemoFacility.scenario.write(to: scenario, atomically: true, encoding: .utf8)
    let agentConfig = workspace.appendingPathComponent("agent.toml")
    try DemoFacility.agentConfig(port: port, stateDirectory: workspace, scenario: scenario).write(
      to: agentConfig, atomically: true, encoding: .utf8)
    say("  agent      coldtrace-agent: probe \(DemoFacility.sensor), a reading every 30 s of room time")
    say("")
    say(
      "Door left open at minute 10 for 30 minutes. Playing \(Int(DemoFacility.minutes)) minutes at "
        + "\(Int(DemoFacility.speed))× (times in \(SiteTimeZone.configDefault.label(at: WallClock.now()))):"
    )
    let agent = try ChildProcess(
      name: "agent", executable: agentBinary,
      arguments: ["run", "--config", agentConfig.path, "--samples", String(DemoFacility.samples)],
      log: workspace.appendingPathComponent("agent.log").path)
    defer { agent.stop() }

    guard agent.wait(seconds: DemoFacility.minutes * 60 / DemoFacility.speed + 30) else {
      throw DemoFailure("the agent did not finish; see \(workspace.path)/agent.log")
    }
    guard agent.exitStatus == 0 else { throw DemoFailure("the agent failed; see \(workspace.path)/agent.log") }

    let store = try SQLiteStore(path: database, create: false)
    let stored = waitForReadings(store, expected: DemoFacility.samples)
    watcher.waitForQuiet()
    collector.stop()
    try summarize(store: store, stored: stored, journal: journal)
  }

  private func prepare(_ workspace: URL) throws -> URL {
    let files = FileManager.default
    try files.createDirectory(at: workspace, withIntermediateDirectories: true)
    for name in [
      "coldtrace.db", "coldtrace.db-wal", "coldtrace.db-shm", "coldtrace.alerts.jsonl", "outbox",
      "mosquitto.log", "collector.log", "agent.log",
    ] {
      try? files.removeItem(at: workspace.appendingPathComponent(name))
    }
    return workspace.standardizedFileURL
  }

  /// Waits up to 10 s for the collector to log its subscription to readings (after the broker's SUBACK).
  private func waitForSubscription(log: URL) -> Bool {
    for _ in 0..<500 {
      if let text = try? String(contentsOf: log, encoding: .utf8),
        text.contains("subscribed to \(Topics.readingFilter)")
      {
        return true
      }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return false
  }

  private func waitForReadings(_ store: SQLiteStore, expected: Int) -> Int {
    var stored = 0
    for _ in 0..<500 {
      stored = (try? store.counts().readings) ?? 0
      if stored >= expected { break }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return stored
  }

  private func summarize(store: SQLiteStore, stored: Int, journal: String) throws {
    let alerts = try store.alerts(AlertFilter())
    say("")
    say("Stored \(stored) of \(DemoFacility.samples) readings; \(alerts.count) alert(s).")
    say("")
    say("$ coldtrace alerts --db \(store.path)")
    say(alerts.isEmpty ? "no alerts match" : AlertsCommand.table(alerts, zones: SiteTimeZones(default: .configDefault)))
    say("")
    say("Explore:")
    say("  coldtrace alerts --db \(store.path) --json")
    say("  coldtrace lot show \(DemoFacility.lot) --db \(store.path)")
    say("  coldtrace status --db \(store.path)")
    say("  coldtrace readings --db \(store.path) --format csv")
    say("  tail \(journal)")
    guard stored == DemoFacility.samples else {
      throw DemoFailure("only \(stored) of \(DemoFacility.samples) readings were stored")
    }
    guard alerts.contains(where: { $0.kind == .tempHigh && $0.state == .resolved && $0.lots == [DemoFacility.lot] })
    else {
      throw DemoFailure("the door-open excursion did not raise and resolve a temperature alert")
    }
  }
}

/// The demo went wrong: exit 1 with the reason.
struct DemoFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

func say(_ line: String) {
  print(line)
  fflush(nil)
}
