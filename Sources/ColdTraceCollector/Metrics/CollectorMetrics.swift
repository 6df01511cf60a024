import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// The collector's live metrics (what only the running process knows: ingest counts since it started, latency and
/// commit-time histograms, the broker connection), and how every metric is written: `/metrics` writes the live ones
/// and the database's, `coldtrace metrics` the database's alone. docs/operations.md lists them.
public final class CollectorMetrics: Sendable {
  /// Receipt (the MQTT handler) to commit; bounds from 0.5 ms to 2.5 s.
  public let ingestLatency = Histogram(
    name: "coldtrace_ingest_latency_seconds",
    help: "Time from a reading's receipt from the broker to its commit, in seconds.",
    bounds: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
  /// The newest sample's own time to commit: large while an agent drains a backlog after an outage.
  public let readingDelay = Histogram(
    name: "coldtrace_reading_delay_seconds",
    help: "Time from a stored reading's newest sample (its ts) to its commit, in seconds.",
    bounds: [1, 5, 15, 60, 300, 900, 3600, 21600, 86400])
  public let commitDuration = Histogram(
    name: "coldtrace_db_commit_seconds",
    help: "Duration of one group commit of readings (one transaction), in seconds.",
    bounds: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
  private let connected = Atomic<Bool>(false)

  public init() {}

  public var isConnected: Bool { connected.load(ordering: .relaxed) }

  func setConnected(_ value: Bool) { connected.store(value, ordering: .relaxed) }

  /// Every metric `/metrics` serves: the build, the live ones, then what `database` holds.
  func write(
    tally: CollectorTally, notifications: [NotificationCounts], agentOutboxes: [AgentKey: StatusMessage.Outbox],
    database: DatabaseMetrics?, into text: inout MetricsText
  ) {
    Self.writeBuildInfo(into: &text)
    text.family(
      "coldtrace_readings_ingested_total", .counter, "Readings (samples) committed as new since the collector started.")
    text.sample("coldtrace_readings_ingested_total", ["source": "mqtt"], Double(tally.freshSamples))
    text.family(
      "coldtrace_readings_duplicate_total", .counter,
      "Readings received again and already stored (redeliveries) since the collector started.")
    text.sample("coldtrace_readings_duplicate_total", ["source": "mqtt"], Double(tally.duplicateSamples))
    text.single(
      "coldtrace_messages_received_total", .counter, "Reading messages handled since the collector started.",
      Double(tally.messages))
    text.single(
      "coldtrace_messages_deferred_total", .counter,
      "Reading messages left to their agents to send again (a site over its share of the queue or its rate).",
      Double(tally.deferred))
    text.single(
      "coldtrace_alert_events_total", .counter, "Alert events committed since the collector started.",
      Double(tally.alertEvents))
    text.single(
      "coldtrace_mqtt_connected", .gauge, "1 while the collector is connected to the broker, else 0.",
      isConnected ? 1 : 0)
    text.family(
      "coldtrace_notifications_total", .counter,
      "Notifications per channel since the collector started: delivered, or failed (given up after every retry).")
    for channel in notifications {
      text.sample(
        "coldtrace_notifications_total", ["channel": channel.channel, "result": "delivered"],
        Double(channel.delivered))
      text.sample(
        "coldtrace_notifications_total", ["channel": channel.channel, "result": "failed"],
        Double(channel.failed))
    }
    writeAgentOutboxes(agentOutboxes, into: &text)
    ingestLatency.write(into: &text)
    readingDelay.write(into: &text)
    commitDuration.write(into: &text)
    if let database { Self.write(database, into: &text) }
  }

  /// What agents' statuses last said about their outboxes: samples waiting (as of that status) and dropped for space.
  private func writeAgentOutboxes(_ outboxes: [AgentKey: StatusMessage.Outbox], into text: inout MetricsText) {
    let agents = outboxes.sorted { ($0.key.site, $0.key.agent) < ($1.key.site, $1.key.agent) }
    text.family(
      "coldtrace_agent_outbox_pending_samples", .gauge,
      "Samples waiting in each agent's outbox, as its latest status said (sent at connect and when it drops some).")
    for (agent, outbox) in agents {
      text.sample(
        "coldtrace_agent_outbox_pending_samples", ["site": agent.site, "agent": agent.agent], Double(outbox.pending))
    }
    text.family(
      "coldtrace_agent_outbox_dropped_samples_total", .counter,
      "Samples each agent dropped unsent because its outbox was full or too old, since it was installed.")
    for (agent, outbox) in agents {
      text.sample(
        "coldtrace_agent_outbox_dropped_samples_total", ["site": agent.site, "agent": agent.agent],
        Double(outbox.dropped))
    }
  }

  /// `coldtrace_build_info{version} 1`.
  public static func writeBuildInfo(into text: inout MetricsText) {
    text.family("coldtrace_build_info", .gauge, "Always 1; the version of the collector as a label.")
    text.sample("coldtrace_build_info", ["version": CollectorService.version], 1)
  }

  /// The metrics the database alone holds (also what `coldtrace metrics` prints).
  public static func write(_ database: DatabaseMetrics, into text: inout MetricsText) {
    text.family(
      "coldtrace_readings_quarantined_total", .counter,
      "Messages kept in quarantine instead of being stored, by reason (all stored so far).")
    for (reason, count) in database.quarantinedByReason.sorted(by: { $0.key < $1.key }) {
      text.sample("coldtrace_readings_quarantined_total", ["reason": reason], Double(count))
    }
    text.family("coldtrace_alerts_open", .gauge, "Alerts not resolved (acknowledged or not), by kind and severity.")
    for open in database.openAlerts {
      text.sample("coldtrace_alerts_open", ["kind": open.kind, "severity": open.severity], Double(open.count))
    }
    text.family(
      "coldtrace_probe_last_reading_timestamp_seconds", .gauge,
      "Unix time of each active probe's newest stored reading (age: time() - this).")
    for last in database.lastReadings {
      text.sample(
        "coldtrace_probe_last_reading_timestamp_seconds",
        ["site": last.key.site, "room": last.key.room, "sensor": last.key.sensor],
        Double(last.at.milliseconds) / 1000)
    }
    text.family(
      "coldtrace_agent_unacknowledged_samples", .gauge,
      "Per agent, numbered samples above the collector's acknowledgement watermarks (highest seq stored minus "
        + "watermark, summed over its probes): a lower bound of its outbox backlog.")
    for agent in database.unacknowledged {
      text.sample(
        "coldtrace_agent_unacknowledged_samples", ["site": agent.agent.site, "agent": agent.agent.agent],
        Double(agent.samples))
    }
    text.family(
      "coldtrace_agent_clock_skew", .gauge,
      "1 while an agent's clock_skew alert is open (its clock is wrong while it believes it), else 0.")
    for clock in database.agentClocks {
      text.sample(
        "coldtrace_agent_clock_skew", ["site": clock.agent.site, "agent": clock.agent.agent], clock.skewed ? 1 : 0)
    }
  }
}

/// One notification channel's counts, as the metrics read them (`CollectorService.notificationCounts`).
public struct NotificationCounts: Sendable, Equatable {
  public var channel: String
  public var delivered: Int
  public var failed: Int

  public init(channel: String, delivered: Int, failed: Int) {
    self.channel = channel
    self.delivered = delivered
    self.failed = failed
  }
}
