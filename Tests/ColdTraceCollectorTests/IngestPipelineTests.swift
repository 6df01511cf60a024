import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// The collector's ingest path without MQTT: raw payloads in, committed readings, alerts and watermarks out.
struct IngestPipelineTests {
  private let start = Timestamp(seconds: 1_780_000_000)
  private let topic = "coldtrace/v1/reading/hongxuan/cold2/probe-1"

  private func pipeline() throws -> IngestPipeline {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-ingest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    return try IngestPipeline(store: store, products: ProductAssignment())
  }

  @discardableResult
  private func ingest(
    _ pipeline: IngestPipeline, seq: Int64, minute: Double, tempC: Double
  ) throws -> IngestPipeline.GroupOutcome {
    let sample = Sample(seq: seq, ts: start.adding(seconds: minute * 60), tempC: tempC)
    let payload = Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample).utf8)
    return try payload.withUnsafeBytes {
      try pipeline.ingest(topic: topic, payload: $0, receivedAt: start.adding(seconds: 86_400))
    }
  }

  @Test func theLotInTheRoomDecidesTheProductAndIsNamedByTheAlert() throws {
    let pipeline = try pipeline()
    _ = try pipeline.store.addLot(
      "PK-1", product: "chilled-pork-eu", market: "eu", site: "hongxuan", room: "cold2", at: start)
    // 6 °C for 40 minutes: fine for litchi's critical limit (8 °C), but pork for the EU warns above 4 °C.
    for minute in 0...40 { try ingest(pipeline, seq: Int64(minute + 1), minute: Double(minute), tempC: 6) }
    let alerts = try pipeline.store.alerts(AlertFilter())
    #expect(alerts.count == 1)
    #expect(alerts.first?.product == "chilled-pork-eu")
    #expect(alerts.first?.lots == ["PK-1"])
    #expect(alerts.first?.severity == .warning)
    #expect(alerts.first?.openedAt == start.adding(seconds: 30 * 60))
  }

  @Test func withoutALotTheRoomUsesTheDefaultProduct() throws {
    let pipeline = try pipeline()
    // litchi warns after 45 minutes above 5 °C.
    for minute in 0...50 { try ingest(pipeline, seq: Int64(minute + 1), minute: Double(minute), tempC: 6) }
    let alerts = try pipeline.store.alerts(AlertFilter())
    #expect(alerts.map(\.product) == ["litchi"])
    #expect(alerts.first?.lots == [])
    #expect(alerts.first?.openedAt == start.adding(seconds: 45 * 60))
  }

  @Test func theWatermarkCoversOnlyWhatIsStoredWithoutAGapAndTheFloorSkipsWhatIsGone() throws {
    let pipeline = try pipeline()
    func watermark(_ committed: IngestPipeline.GroupOutcome) -> Int64? {
      #expect(committed.acknowledgements.count <= 1, "one message acknowledges its one sensor")
      return committed.acknowledgements.first?.watermark
    }
    #expect(watermark(try ingest(pipeline, seq: 1, minute: 0, tempC: 3)) == 1)
    #expect(watermark(try ingest(pipeline, seq: 3, minute: 2, tempC: 3)) == 1, "seq 2 is missing")
    #expect(watermark(try ingest(pipeline, seq: 3, minute: 2, tempC: 3)) == 1, "a duplicate is acknowledged again")
    #expect(watermark(try ingest(pipeline, seq: 2, minute: 1, tempC: 3)) == 3)
    let batch = ReadingEncoder.encodeBatch(
      agent: "hx-edge-1", samples: [Sample(seq: 10, ts: start.adding(seconds: 600), tempC: 3)], floor: 10)
    let outcome = try Array(batch.utf8).withUnsafeBytes {
      try pipeline.ingest(topic: topic, payload: $0, receivedAt: start.adding(seconds: 86_400))
    }
    #expect(watermark(outcome) == 10, "4…9 were dropped by the agent's full outbox")
    // A restart resumes from the committed watermark.
    let reopened = try IngestPipeline(store: pipeline.store, products: ProductAssignment())
    #expect(watermark(try ingest(reopened, seq: 11, minute: 11, tempC: 3)) == 11)
  }

  @Test func aMessageThatCannotBeStoredIsQuarantinedNotRetriedForever() throws {
    let pipeline = try pipeline()
    let bytes = Array("{\"v\":1}".utf8)
    _ = try bytes.withUnsafeBytes {
      try pipeline.quarantineUnstorable(
        topic: topic, payload: $0, error: StoreError("no open alert to resolve"), receivedAt: start)
    }
    #expect(try pipeline.store.counts().quarantinedByReason == ["ingest_failed": 1])
  }
}
