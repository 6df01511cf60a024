import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Logging

extension CollectorService {
  /// The `/metrics` responder: each scrape writes the live metrics and reads the database's on a connection of its
  /// own (opened here, so a database that cannot be opened stops the start instead of every scrape failing).
  static func metricsResponder(
    at address: MetricsListenAddress, metrics: CollectorMetrics, tally: SharedTally, hook: NotificationHook?,
    presence: AgentPresenceTracker, databasePath: String, logger: Logger
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
        tally: counted, notifications: notificationCounts(hook), agentOutboxes: presence.reportedOutboxes,
        database: database, into: &text)
      return text.text
    }
  }

  /// What the notification machinery has counted, per channel: the one place the metrics read it, so a different
  /// notifier (a durable outbox with several channels) is re-pointed here alone. The single `[notify]` program is
  /// the channel `notify`.
  static func notificationCounts(_ hook: NotificationHook?) -> [NotificationCounts] {
    guard let hook else { return [] }
    return [NotificationCounts(channel: "notify", delivered: hook.deliveries, failed: hook.failures)]
  }
}
