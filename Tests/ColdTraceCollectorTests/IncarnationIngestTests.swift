import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// Watermarks and duplicates keyed by the agent install (`inc`), through the ingest pipeline without MQTT.
struct IncarnationIngestTests {
  private let start = Timestamp(seconds: 1_780_000_000)
  private let topic = "coldtrace/v1/reading/hongxuan/cold2/probe-1"

  private func pipeline() throws -> IngestPipeline {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-incarnation-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    return try IngestPipeline(store: store, products: ProductAssignment())
  }

  /// Ingests seq `seqs` of install `inc` (none: `nil`), one sample a minute from `minute` on, as one batch.
  @discardableResult
  private func ingest(
    _ pipeline: IngestPipeline, _ seqs: ClosedRange<Int64>, inc: String?, minute: Double, tempC: Double = 3,
    agent: String = "hx-edge-1"
  ) throws -> IngestPipeline.GroupOutcome {
    let samples = seqs.enumerated().map { offset, seq in
      Sample(seq: seq, ts: start.adding(seconds: (minute + Double(offset)) * 60), tempC: tempC)
    }
    let payload = ReadingEncoder.encodeBatch(agent: agent, samples: samples, floor: seqs.lowerBound, incarnation: inc)
    return try Array(payload.utf8).withUnsafeBytes {
      try pipeline.ingest(topic: topic, payload: $0, receivedAt: start.adding(seconds: 86_400))
    }
  }

  private func acknowledged(_ outcome: IngestPipeline.GroupOutcome) -> (Int64, String?)? {
    outcome.acknowledgements.first.map { ($0.watermark, $0.incarnation) }
  }

  private func storedCount(_ pipeline: IngestPipeline) throws -> Int {
    try pipeline.store.readings(ReadingFilter()).count
  }

  @Test func aNewIncarnationStartsItsOwnWatermarkAndStoresAboveTheFormerOne() throws {
    let pipeline = try pipeline()
    let first = try ingest(pipeline, 1...5, inc: "old", minute: 0)
    #expect(acknowledged(first)! == (5, "old"))
    // The reinstalled agent numbers from 1 again: stored, acknowledged from 0 in its own numbers.
    let second = try ingest(pipeline, 1...3, inc: "new", minute: 10)
    #expect(acknowledged(second)! == (3, "new"))
    #expect(second.outcomes == [.stored(fresh: 3, duplicates: 0, alerts: [])])
    #expect(try storedCount(pipeline) == 8)
    // A re-send of the new install's numbers is a duplicate, acknowledged again.
    let again = try ingest(pipeline, 2...3, inc: "new", minute: 11)
    #expect(again.outcomes == [.stored(fresh: 0, duplicates: 2, alerts: [])])
    #expect(acknowledged(again)! == (3, "new"))
    // A late message of the former install is stored in its own series and moves no watermark.
    let late = try ingest(pipeline, 6...6, inc: "old", minute: 5)
    #expect(late.outcomes == [.stored(fresh: 1, duplicates: 0, alerts: [])])
    #expect(late.acknowledgements.isEmpty)
    #expect(try storedCount(pipeline) == 9)
    // The former install's numbers may not run into the new install's: seq 7 would be stored where seq 1 of the new
    // one is (two boxes under one agent id).
    #expect(throws: SequenceReused.self) { try ingest(pipeline, 7...7, inc: "old", minute: 7) }
    #expect(try storedCount(pipeline) == 9)
  }

  @Test func aRestartedCollectorKeepsEachIncarnationsOffsetAndWatermark() throws {
    let pipeline = try pipeline()
    try ingest(pipeline, 1...5, inc: "old", minute: 0)
    try ingest(pipeline, 1...3, inc: "new", minute: 10)
    let reopened = try IngestPipeline(store: pipeline.store, products: ProductAssignment())
    #expect(acknowledged(try ingest(reopened, 4...4, inc: "new", minute: 13))! == (4, "new"))
    #expect(
      try ingest(reopened, 1...4, inc: "new", minute: 10).outcomes == [.stored(fresh: 0, duplicates: 4, alerts: [])])
    #expect(try storedCount(reopened) == 9)
  }

  @Test func theFirstIncarnationAProbeSeesContinuesTheNumbersStoredWithoutOne() throws {
    // An agent upgraded to incarnations re-sends what the collector may have stored before: duplicates, not new rows.
    let pipeline = try pipeline()
    #expect(acknowledged(try ingest(pipeline, 1...5, inc: nil, minute: 0))! == (5, nil))
    let upgraded = try ingest(pipeline, 4...7, inc: "first", minute: 3)
    #expect(upgraded.outcomes == [.stored(fresh: 2, duplicates: 2, alerts: [])])
    #expect(acknowledged(upgraded)! == (7, "first"))
    #expect(try pipeline.store.readings(ReadingFilter()).compactMap(\.sample.seq) == Array(1...7))
  }

  @Test func aNumberUsedAgainForOtherContentIsRefusedAndATrueResendIsADuplicate() throws {
    let pipeline = try pipeline()
    try ingest(pipeline, 1...5, inc: nil, minute: 0)
    #expect(try ingest(pipeline, 2...3, inc: nil, minute: 1).outcomes == [.stored(fresh: 0, duplicates: 2, alerts: [])])
    #expect(throws: SequenceReused.self) { try ingest(pipeline, 2...3, inc: nil, minute: 30, tempC: 9.5) }
    #expect(throws: SequenceReused.self) { try ingest(pipeline, 1...1, inc: nil, minute: 0, tempC: 3.1) }
    #expect(try storedCount(pipeline) == 5, "nothing of a refused payload is kept")
  }

  @Test func aRefusedPayloadIsQuarantinedAsSeqReusedAndOpensOneAlert() throws {
    let pipeline = try pipeline()
    try ingest(pipeline, 1...5, inc: nil, minute: 0)
    let error = SequenceReused(seq: 1, description: "seq 1 is stored already")
    for _ in 0..<3 {
      _ = try Array("{}".utf8).withUnsafeBytes {
        try pipeline.quarantineUnstorable(topic: topic, payload: $0, error: error, receivedAt: start)
      }
    }
    #expect(try pipeline.store.counts().quarantinedByReason == ["seq_reused": 3])
    let alerts = try pipeline.store.alerts(AlertFilter())
    #expect(alerts.map(\.kind) == [.seqReset])
    #expect(alerts.first?.severity == .warning)
    // The next sample stored as new resolves it, once; the same pipeline and a restarted one alike.
    let reopened = try IngestPipeline(store: pipeline.store, products: ProductAssignment())
    #expect(try ingest(reopened, 6...6, inc: nil, minute: 6).events.alerts.map(\.event.alert.state) == [.resolved])
    #expect(try ingest(reopened, 7...7, inc: nil, minute: 7).events.alerts.isEmpty)
    let resolved = try pipeline.store.alerts(AlertFilter())
    #expect(resolved.map(\.state) == [.resolved])
    #expect(resolved.first.map { $0.resolvedAt! >= $0.openedAt } == true, "never resolved before it opened")
  }
}
