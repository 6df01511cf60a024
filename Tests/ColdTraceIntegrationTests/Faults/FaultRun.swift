import ColdTraceAgent
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport

/// One fault case: a broker with persistence, a collector and one agent as real processes, the agent playing back an
/// hour and a half of a cold room (180 samples, 30 s apart, in about 12 s) with the door open from minute 10 to 40,
/// which raises one `temp_high` alert: opened (critical at once: litchi's warning waits 45 min), then resolved.
///
/// The collector's `offline` and `agent_offline` thresholds are set far away (10 h): played-back readings are up to
/// 90 minutes (and, for a clock 3 h behind, 4½ hours) old by the collector's clock, and a two-minute outage would
/// otherwise raise `agent_offline` at its 2-minute default: the door alert is the one every case expects.
final class FaultRun {
  static let rounds = 180
  static let sensor = "cold2-air"
  let name: String
  let broker: MosquittoBroker
  let facility: Facility
  let started = Date()
  private let collectorConfig: URL

  init(_ name: String) throws {
    self.name = name
    broker = try MosquittoBroker(persistence: true)
    facility = try Facility(broker: broker)
    collectorConfig = facility.directory.appendingPathComponent("collector.toml")
    try "offline_after_minutes = 600\nagent_offline_after_minutes = 600\n".write(
      to: collectorConfig, atomically: true, encoding: .utf8)
  }

  deinit { stop() }

  func stop() {
    facility.stopCollector()
    broker.stop()
  }

  func startCollector(_ arguments: [String] = []) throws {
    try facility.startCollector(arguments: ["--config", collectorConfig.path] + arguments)
  }

  /// The played-back room with its door opening; `arguments` go to `coldtrace-agent run`.
  func startAgent(drainSeconds: Double = 60, arguments: [String] = [], launcher: [String] = []) throws -> ChildProcess {
    try facility.startAgent(
      sensor: Self.sensor, samples: Self.rounds, catchUpMinutes: 90, speed: 450, doorOpenAtMinute: 10,
      doorOpenMinutes: 30, arguments: ["--drain-seconds", String(drainSeconds)] + arguments, launcher: launcher)
  }

  /// Readings stored so far (0 while the database is not there yet).
  var stored: Int {
    (try? SQLiteStore(path: facility.database, create: false).counts().readings) ?? 0
  }

  func waitUntilStored(atLeast count: Int, timeout: Double = 30) -> Bool {
    eventually(timeout: timeout, interval: 0.05) { stored >= count }
  }

  /// Counts everything, once the agent has exited and the collector has stored what it will.
  func measure(expected: FaultExpectation) throws -> FaultMeasurement {
    let outbox = try Outbox(directory: facility.agentStateDirectory().path)
    let produced = outbox.nextSequence(for: Self.sensor) - 1
    return try FaultMeasurement(
      fault: name, produced: produced, dropped: outbox.dropped, database: facility.database,
      journal: facility.journal, expected: expected, seconds: Date().timeIntervalSince(started))
  }
}

/// What a case expects: the alert kinds raised and each one's events, in order.
struct FaultExpectation {
  var alerts: [String: [String]]
  /// Samples the collector must reject (a clock hours ahead), instead of storing them.
  var rejectedReason: String?

  static let doorAlert = FaultExpectation(alerts: ["temp_high": ["opened", "resolved"]])
  var eventCount: Int { alerts.values.reduce(0) { $0 + $1.count } }
}
