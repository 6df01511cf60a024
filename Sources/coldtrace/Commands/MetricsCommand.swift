import ArgumentParser
import ColdTraceCollector
import ColdTraceSystem

struct MetricsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metrics",
    abstract:
      "Print the metrics the database holds, in Prometheus's text format (for node-exporter's textfile collector).",
    discussion: """
      Open alerts by kind and severity, each probe's last reading time, quarantined messages by reason, and agents'
      unacknowledged samples: what `coldtrace collect` serves on /metrics, less what only the running collector knows.
      Write the file atomically (node-exporter must never read half of it), e.g. every minute from a crontab that
      sets D=/var/lib/prometheus/node-exporter (Debian's textfile directory):
        * * * * * coldtrace metrics --db /var/lib/coldtrace/coldtrace.db > $D/ct.prom.$$ && mv $D/ct.prom.$$ $D/ct.prom
      """
  )

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let store = try global.openStore()
    var text = MetricsText()
    CollectorMetrics.writeBuildInfo(into: &text)
    CollectorMetrics.write(try store.databaseMetrics(now: WallClock.now()), into: &text)
    print(text.text, terminator: "")
  }
}
