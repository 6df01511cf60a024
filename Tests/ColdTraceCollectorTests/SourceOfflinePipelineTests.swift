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

  /// A site whose site broker lost its bridge is unseen, not silent: its probes raise no `offline` while it is down
  /// (`uplink_down` stands in), another site's silent probe does; once the bridge is back the probe's silence counts
  /// from then: nothing for the outage itself, `offline` a whole limit later if its readings still do not come.
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
    let held = pipeline.checkSilence(now: start.adding(seconds: 1200), rule: rule, links: ["hx": .down])
    #expect(held.failure == nil)
    #expect(held.committed.alerts.map(\.key.site) == ["dt"])
    let stillDown = pipeline.checkSilence(now: start.adding(seconds: 1800), rule: rule, links: ["hx": .down])
    #expect(stillDown.committed.alerts.isEmpty)
    let back: [String: SiteLink] = ["hx": .upSince(start.adding(seconds: 1800))]
    #expect(pipeline.checkSilence(now: start.adding(seconds: 1815), rule: rule, links: back).committed.alerts.isEmpty)
    #expect(pipeline.checkSilence(now: start.adding(seconds: 2400), rule: rule, links: back).committed.alerts.isEmpty)
    let late = pipeline.checkSilence(now: start.adding(seconds: 2401), rule: rule, links: back)
    #expect(late.committed.alerts.map(\.key.site) == ["hx"])
    #expect(late.committed.alerts.first?.event.alert.kind == .offline)
  }
}
