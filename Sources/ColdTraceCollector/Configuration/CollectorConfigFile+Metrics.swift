import ColdTraceConfig

extension CollectorConfigFile {
  /// Reads `[metrics] listen`: where `coldtrace collect` serves `/metrics` for Prometheus. No table (or no `listen`):
  /// no listener at all, the default (small sites use `coldtrace metrics` and node-exporter's textfile collector).
  static func metricsListen(_ config: ConfigTable) throws(ConfigError) -> MetricsListenAddress? {
    guard let metrics = try config.table("metrics") else { return nil }
    try metrics.rejectUnknownKeys(allowed: ["listen"])
    guard let listen = try metrics.string("listen") else { return nil }
    switch MetricsListenAddress.parse(listen) {
    case .success(let address): return address
    case .failure(let error): throw metrics.invalid("listen", error.description)
    }
  }
}
