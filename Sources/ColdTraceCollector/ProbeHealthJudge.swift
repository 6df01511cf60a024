import ColdTraceCore
import Logging
import Synchronization

/// `battery_low` and `weak_signal` for third-party wireless probes, wherever their battery and link come from: a
/// `[[source]]` message (`SourceRouter`) or an agent's status about the probes its `mqtt` driver reads
/// (`AgentPresenceTracker`, `mqtt_probes`). Keeps which of the two each probe has open (from the database at start),
/// judges with the probe's source's `ProbeHealthRule`, and records the events (`IngestPipeline.recordProbeHealth`).
final class ProbeHealthJudge: Sendable {
  private let pipeline: IngestPipeline
  private let logger: Logger
  /// Per probe, which of `battery_low` and `weak_signal` is open.
  private let open: Mutex<[SensorKey: Set<AlertKind>]>

  init(pipeline: IngestPipeline, logger: Logger) throws {
    self.pipeline = pipeline
    self.logger = logger
    open = Mutex(try pipeline.openProbeHealthAlerts())
  }

  /// The events `health` of `key`, reported at `at`, causes under `rule`, committed (empty on a failure, logged:
  /// the next report judges again).
  func judge(_ health: ProbeHealth, key: SensorKey, rule: ProbeHealthRule, at: Timestamp, from: String)
    -> CommittedEvents
  {
    guard !health.isEmpty else { return CommittedEvents() }
    let events = open.withLock { open in
      rule.judge(health, key: key, productID: "-", at: at, open: &open[key, default: []])
    }
    guard !events.isEmpty else { return CommittedEvents() }
    do {
      return try pipeline.recordProbeHealth(events)
    } catch {
      // Not recorded: forget them, so the next report opens or resolves them again.
      open.withLock { open in
        for event in events {
          if event.type == .opened { open[key]?.remove(event.kind) } else { open[key, default: []].insert(event.kind) }
        }
      }
      logger.error("\(from): cannot record the health of \(key): \(error)")
      return CommittedEvents()
    }
  }
}
