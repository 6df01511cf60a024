import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// A `[[source]]`'s own `offline_after_minutes` replaces the collector's for its probes in the silence check.
@Suite("Source offline limits through the ingest pipeline", .timeLimit(.minutes(10)))
struct SourceOfflinePipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!

  @Test func aSourcesProbeWaitsForItsOwnOfflineLimit() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-src-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment())
    for sensor in ["snzb-1", "probe-1"] {
      let reading = DecodedReading(
        key: SensorKey(site: "hx", room: "cold2", sensor: sensor), agent: nil,
        samples: [Sample(seq: nil, ts: start, tempC: 3.4)], isBatch: false)
      _ = try [UInt8]().withUnsafeBytes {
        try pipeline.ingest(.success(reading), topic: "zigbee2mqtt/cold2-\(sensor)", payload: $0, receivedAt: start)
      }
    }
    let rule = SilenceRule(silentAfterSeconds: 600)
    let ninetyMinutes: (ProbeKey, Timestamp) -> Double? = { probe, _ in probe.sensor == "snzb-1" ? 5400 : nil }
    let early = pipeline.checkSilence(now: start.adding(seconds: 1200), rule: rule, silentAfter: ninetyMinutes)
    #expect(early.committed.alerts.map(\.key.sensor) == ["probe-1"])
    let late = pipeline.checkSilence(now: start.adding(seconds: 5500), rule: rule, silentAfter: ninetyMinutes)
    #expect(late.committed.alerts.map(\.key.sensor) == ["snzb-1"])
  }

  /// A site whose site broker lost its bridge is unseen, not silent: its probes raise no `offline` while it is held
  /// (`uplink_down` stands in), another site's silent probe does, and once the bridge is back the probe whose readings
  /// still do not come goes `offline` in the next round.
  @Test func aSiteWhoseBridgeIsDownRaisesNoOfflineUntilItIsBack() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-src-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment())
    for site in ["hx", "dt"] {
      let reading = DecodedReading(
        key: SensorKey(site: site, room: "cold2", sensor: "probe-1"), agent: nil,
        samples: [Sample(seq: nil, ts: start, tempC: 3.4)], isBatch: false)
      _ = try [UInt8]().withUnsafeBytes {
        try pipeline.ingest(
          .success(reading), topic: "coldtrace/v1/reading/\(site)/cold2/probe-1", payload: $0,
          receivedAt: start)
      }
    }
    let rule = SilenceRule(silentAfterSeconds: 600)
    let held = pipeline.checkSilence(now: start.adding(seconds: 1200), rule: rule, holding: ["hx"])
    #expect(held.failure == nil)
    #expect(held.committed.alerts.map(\.key.site) == ["dt"])
    #expect(
      pipeline.checkSilence(now: start.adding(seconds: 1800), rule: rule, holding: ["hx"]).committed.alerts.isEmpty)
    let back = pipeline.checkSilence(now: start.adding(seconds: 1815), rule: rule)
    #expect(back.committed.alerts.map(\.key.site) == ["hx"])
    #expect(back.committed.alerts.first?.event.alert.kind == .offline)
  }
}
