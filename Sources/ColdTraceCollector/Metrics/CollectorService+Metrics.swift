import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Logging

extension CollectorService {
  /// The `/metrics` responder: each scrape writes the live metrics and reads the database's on a connection of its
  /// own (opened here, so a database that cannot be opened stops the start instead of every scrape failing).
  static func metricsResponder(
    at address: MetricsListenAddress, metrics: CollectorMetrics, tally: SharedTally, hooks: [NotificationHook],
    presence: AgentPresenceTracker, registry: ProbeRegistry, bridges: SiteBridgeTracker?, databasePath: String,
    logger: Logger
  ) throws -> MetricsResponder {
    let reader = try SQLiteStore(path: databasePath, create: false)
    return try MetricsResponder(address: address) {
      var text = MetricsText()
      // The counters first: what they count is committed, so the database read after them has it too.
      let counted = tally.current
      let database: DatabaseMetrics?
      do {
        database = try reader.databaseMetrics(now: WallClock.now())
      } catch {
        // The live metrics are still worth serving; Prometheus's alert on the missing series says the rest.
        logger.warning("/metrics: cannot read the database: \(SQLiteStore.summary(of: error))")
        database = nil
      }
      metrics.write(
        tally: counted, notifications: notificationCounts(hooks), agentOutboxes: presence.reportedOutboxes,
        database: database, into: &text)
      CollectorMetrics.writeSiteRefusals(registry.refusedCounts, into: &text)
      CollectorMetrics.writeSiteBridges(bridges?.current ?? [:], into: &text)
      return text.text
    }
  }

  /// What the notification machinery has counted since the collector started, per channel (`[[notify]]` `name`;
  /// the old single `[notify]` table is the channel `default`): runs of its program that delivered, and runs that
  /// failed (each is retried from the durable outbox).
  static func notificationCounts(_ hooks: [NotificationHook]) -> [NotificationCounts] {
    hooks.map { NotificationCounts(channel: $0.settings.name, delivered: $0.deliveries, failed: $0.failures) }
  }
}

extension CollectorMetrics {
  /// `coldtrace_site_readings_refused_total{site,reason}`: per site, the readings its limits or the probe registry
  /// kept in quarantine since the collector started (`unknown_probe`, `site_probe_limit`, `site_rate_limit`). Site
  /// ids are bounded (one broker account each), so they may be a label; sensor ids of unknown probes never are.
  static func writeSiteRefusals(_ counts: [String: [RejectionReason: Int]], into text: inout MetricsText) {
    text.family(
      "coldtrace_site_readings_refused_total", .counter,
      "Readings a site's limits or the probe registry kept in quarantine since the collector started, by reason.")
    for site in counts.keys.sorted() {
      for (reason, count) in (counts[site] ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
        text.sample(
          "coldtrace_site_readings_refused_total", ["site": site, "reason": reason.rawValue], Double(count))
      }
    }
  }
}
