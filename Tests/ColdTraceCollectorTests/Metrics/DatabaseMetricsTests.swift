import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// What the database says for Prometheus, after real commits: open alerts by kind and severity, each probe's newest
/// reading time in its room, and an agent's samples above the acknowledgement watermark (a gap held open).
@Suite(.timeLimit(.minutes(10)))
struct DatabaseMetricsTests {
  private let start = Timestamp(seconds: 1_780_000_000)

  @Test func openAlertsLastReadingsAndUnacknowledgedSamplesComeFromTheDatabase() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-metrics-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment())
    var readings: [DecodedReading] = []
    for minute in 0..<20 {
      let ts = start.adding(seconds: Double(minute) * 60)
      // probe-1 warm (9.5 °C, above litchi's critical 8 °C) for 20 minutes; probe-2 never sends seq 3.
      for (sensor, tempC) in [("probe-1", 9.5), ("probe-2", 3.2)] where !(sensor == "probe-2" && minute == 2) {
        readings.append(
          DecodedReading(
            key: SensorKey(site: "hongxuan", room: "cold2", sensor: sensor), agent: "hx-edge-1",
            samples: [Sample(seq: Int64(minute + 1), ts: ts, tempC: tempC, rhPct: 92)], isBatch: false))
      }
    }
    _ = try pipeline.commitGroup(readings)

    let metrics = try store.databaseMetrics(now: start.adding(seconds: 3600))
    #expect(metrics.openAlerts == [.init(kind: "temp_high", severity: "critical", count: 1)])
    let last = start.adding(seconds: 19 * 60)
    #expect(
      metrics.lastReadings == [
        .init(key: SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1"), at: last),
        .init(key: SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-2"), at: last),
      ])
    // probe-2: 20 stored above watermark 2, the gap at 3 holds the rest: 20 - 2 = 18; probe-1: none.
    #expect(metrics.unacknowledged == [.init(agent: AgentKey(site: "hongxuan", agent: "hx-edge-1"), samples: 18)])
    #expect(metrics.quarantinedByReason.isEmpty)
  }
}
