import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// Probe placement through the real ingest pipeline on a real SQLite file: announced placements and the config's
/// overrides decide which probes judge a lot and which get band alerts, across a restart.
@Suite("Probe placement through the ingest pipeline", .timeLimit(.minutes(10)))
struct PlacementPipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let database: String

  init() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ct-place-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    database = directory.appendingPathComponent("c.db").path
  }

  private func open(overrides: [ProbeKey: Placement] = [:]) throws -> IngestPipeline {
    try IngestPipeline(
      store: try SQLiteStore(path: database), products: ProductAssignment(), placementOverrides: overrides)
  }

  /// Ingests, every 5 min from `fromHour` for `hours`, one reading per probe of `temperatures` in hongxuan/cold2
  /// (each 0.1 °C higher every other reading, so no probe looks stuck).
  private func play(_ pipeline: IngestPipeline, fromHour: Double = 0, hours: Double, _ temperatures: [String: Double])
    throws
  {
    for step in 0..<Int(hours * 12) {
      let ts = start.adding(seconds: fromHour * 3600 + Double(step) * 300)
      for (probe, tempC) in temperatures.sorted(by: { $0.key < $1.key }) {
        let seq = Int64(fromHour * 12) + Int64(step) + 1
        let payload = Array(
          ReadingEncoder.encode(agent: "a", sample: Sample(seq: seq, ts: ts, tempC: tempC + Double(seq % 2) / 10)).utf8)
        _ = try payload.withUnsafeBytes {
          try pipeline.ingest(topic: "coldtrace/v1/reading/hongxuan/cold2/\(probe)", payload: $0, receivedAt: ts)
        }
      }
    }
  }

  private func kinds(_ store: SQLiteStore) throws -> [String] {
    try store.alerts(AlertFilter()).map { "\($0.kind.rawValue) \($0.sensor)" }.sorted()
  }

  @Test func aProductProbeInTheRoomJudgesTheLotInsteadOfTheWarmAir() throws {
    let pipeline = try open()
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    try pipeline.announcePlacements(["pulp": .product, "air": .air, "coil": .evaporator], site: "hongxuan")
    // Half an hour at 6 °C in the air (a defrost), 20 °C on the coil: no lot rule and no band alert is touched by
    // them while the pulp stays at 3.8 °C.
    try play(pipeline, hours: 0.5, ["air": 6, "pulp": 3.8, "coil": 20])
    try play(pipeline, fromHour: 0.5, hours: 12, ["air": 6.5, "pulp": 3.8, "coil": 20])
    // A coil that stays at 20 °C is a defrost that never ends (docs/alert-rules.md, "Defrost and doors"): it pauses
    // the air's alarms for 45 min at most and raises `defrost_overrun`.
    #expect(
      try kinds(pipeline.store) == ["defrost_overrun coil", "temp_high air"], "only the air probe's own band alert")
    // After a restart the placements and the rooms are read back from the database.
    let reopened = try open()
    #expect(reopened.placement(of: ProbeKey(site: "hongxuan", sensor: "pulp")) == .product)
    try play(reopened, fromHour: 12.5, hours: 12, ["air": 6.5, "pulp": 3.8, "coil": 20])
    #expect(try !kinds(reopened.store).contains { $0.hasPrefix("budget") })
  }

  @Test func theConfigOverrideWinsOverTheAnnouncement() throws {
    let pulp = ProbeKey(site: "hongxuan", sensor: "pulp")
    let pipeline = try open(overrides: [pulp: .air])
    _ = try pipeline.store.addLot("L1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    try pipeline.announcePlacements(["pulp": .product], site: "hongxuan")
    #expect(pipeline.placement(of: pulp) == .air)
    // Without a product probe the air judges the lot: 12 h at 6.5 °C spend litchi's budget.
    try play(pipeline, hours: 12, ["air": 6.5, "pulp": 3.8])
    #expect(try kinds(pipeline.store).contains("budget lot/L1/temp_c"))
  }
}
