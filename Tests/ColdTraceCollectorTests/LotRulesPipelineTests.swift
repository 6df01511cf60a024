import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// The per-lot rules through the real ingest pipeline on a real SQLite file: shared rooms, excursion budgets, the
/// cold-treatment clock, lots placed in the past, the journal's hash chain, and restarts.
@Suite("Per-lot rules through the ingest pipeline", .timeLimit(.minutes(10)))
struct LotRulesPipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let directory: URL
  private let database: String

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-lots-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    database = directory.appendingPathComponent("c.db").path
  }

  /// A collector's pipeline over the test's database, as after a fresh start.
  private func pipeline() throws -> IngestPipeline {
    try IngestPipeline(store: try SQLiteStore(path: database), products: ProductAssignment())
  }

  private func at(minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }

  /// Ingests one reading of `probe` in hongxuan/`room`; `seq` defaults to the minute (one reading a minute).
  @discardableResult
  private func ingest(
    _ pipeline: IngestPipeline, probe: String = "probe-1", room: String = "cold2", minute: Double, tempC: Double,
    seq: Int64? = nil
  ) throws -> [String] {
    let sample = Sample(seq: seq ?? Int64(minute) + 1, ts: at(minutes: minute), tempC: tempC)
    let payload = Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample).utf8)
    let outcome = try payload.withUnsafeBytes {
      try pipeline.ingest(
        topic: "coldtrace/v1/reading/hongxuan/\(room)/\(probe)", payload: $0, receivedAt: at(minutes: minute))
    }
    guard case .stored(_, _, let lines) = outcome.outcomes.first else { return [] }
    return lines.map(\.line)
  }

  private func alerts(_ store: SQLiteStore, kind: AlertKind) throws -> [AlertRecord] {
    try store.alerts(AlertFilter()).filter { $0.kind == kind }
  }

  @Test func twoLotsOfDifferentProductsInOneRoomAreEachJudgedByTheirOwnProfile() throws {
    let pipeline = try pipeline()
    let store = pipeline.store
    _ = try store.addLot("LI-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    _ = try store.addLot("PK-1", product: "chilled-pork-eu", market: "eu", site: "hongxuan", room: "cold2", at: start)
    // 4.5 °C for 40 min: inside litchi's 1–5 °C warning band, past the EU pork warning limit of 4 °C.
    for minute in 0...40 { try ingest(pipeline, minute: Double(minute), tempC: 4.5) }
    let high = try alerts(store, kind: .tempHigh)
    #expect(high.count == 1)
    #expect(high.first?.lots == ["PK-1"], "only the pork is outside its own band")
    #expect(high.first?.product == "litchi+chilled-pork-eu")
    // The strictest combination: pork's 4 °C threshold with the shorter of the two warning delays (pork's 30 min;
    // litchi waits 45 min so that defrosts do not warn).
    #expect(high.first?.openedAt == at(minutes: 30))
    #expect(high.first?.limit == 4)
    #expect(try store.lotRuleState("PK-1")?.temperatureBudget.usedMs == 40 * 60_000)
    #expect(try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 0)
    // 0.5 °C: below litchi's 1 °C warning-low limit, well inside pork's band; the low alert names the litchi only.
    for minute in 41...80 { try ingest(pipeline, minute: Double(minute), tempC: 0.5) }
    let low = try alerts(store, kind: .tempLow)
    #expect(low.map(\.lots) == [["LI-1"]])
    #expect(low.first?.openedAt == at(minutes: 41 + 30))
    #expect(try alerts(store, kind: .tempHigh).first?.state == .resolved)
    #expect(try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 40 * 60_000)
    #expect(try store.lotRuleState("PK-1")?.temperatureBudget.usedMs == 40 * 60_000, "pork's budget kept its time")
  }

  @Test func aLotThatUsesUpItsBudgetGetsOneCriticalAlertThatEndsWhenTheLotCloses() throws {
    let pipeline = try pipeline()
    let store = pipeline.store
    _ = try store.addLot("LI-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    var published: [String] = []
    for minute in 0...130 { published += try ingest(pipeline, minute: Double(minute), tempC: 7) }
    let budget = try alerts(store, kind: .budget)
    #expect(budget.count == 1)
    let alert = try #require(budget.first)
    #expect(alert.severity == .critical)
    #expect(alert.state == .open)
    #expect(alert.lots == ["LI-1"])
    #expect(alert.sensor == "lot/LI-1/temp_c")
    #expect(alert.room == "cold2")
    #expect(alert.openedAt == at(minutes: 120), "one minute per reading after the first; 120 min budget")
    #expect(published.contains { $0.contains("\"kind\":\"budget\"") }, "published on the alert topic")
    let closed = try store.write { tx in try tx.closeLot("LI-1", at: at(minutes: 200)) }
    #expect(closed.resolved.map(\.alert.id) == [alert.id])
    #expect(try store.alert(id: alert.id)?.state == .resolved)
    #expect(try store.alert(id: alert.id)?.resolvedAt == at(minutes: 200))
    #expect(try store.lotJournalLines("LI-1").map(journalEvent) == ["lot_added", "lot_closed"])
  }

  @Test func readingsThatArriveAfterTheLotClosedStillCountAndTheirAlertEndsAtOnce() throws {
    let pipeline = try pipeline()
    let store = pipeline.store
    _ = try store.addLot("LI-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    _ = try store.closeLot("LI-1", at: at(minutes: 200))
    // The agent's outbox delivers the readings of the lot's last hours only now.
    for minute in 0...130 { try ingest(pipeline, minute: Double(minute), tempC: 7) }
    let budget = try alerts(store, kind: .budget)
    #expect(budget.map(\.state) == [.resolved])
    #expect(budget.first?.openedAt == at(minutes: 120))
    #expect(budget.first?.resolvedAt == at(minutes: 120))
    #expect(budget.first?.message.hasPrefix("lot LI-1 had already closed at ") == true)
    #expect(try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 130 * 60_000)
  }

  @Test func restartingTheCollectorMidExcursionNeitherDuplicatesNorForgetsLotAlerts() throws {
    _ = try SQLiteStore(path: database).addLot(
      "LI-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    var first: IngestPipeline? = try pipeline()
    for minute in 0...70 { try ingest(first!, minute: Double(minute), tempC: 7) }
    first = nil
    // A new collector on the same database; the broker redelivers what the old one had not acknowledged.
    let second = try pipeline()
    for minute in 60...130 { try ingest(second, minute: Double(minute), tempC: 7) }
    first = try pipeline()
    for minute in 131...140 { try ingest(first!, minute: Double(minute), tempC: 7) }
    let store = second.store
    #expect(try alerts(store, kind: .budget).map(\.openedAt) == [at(minutes: 120)])
    #expect(try alerts(store, kind: .tempHigh).count == 1)
    #expect(try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 140 * 60_000)
  }

  @Test func aLotAddedInThePastIsEvaluatedOverTheStoredReadings() throws {
    let pipeline = try pipeline()
    let store = pipeline.store
    for minute in 0...130 { try ingest(pipeline, minute: Double(minute), tempC: 7) }
    let bandAlerts = try store.alerts(AlertFilter())
    // What `coldtrace lot add --at` does: the lot and its evaluation over the stored readings, in one transaction.
    let raised = try store.write { tx in
      _ = try tx.addLot("LI-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: at(minutes: 10))
      var runner = LotRuleRunner(products: ProductAssignment(), tx: tx)
      let raised = try runner.catchUp(
        lot: "LI-1", product: "litchi", site: "hongxuan", room: "cold2", from: at(minutes: 10),
        conditions: RoomConditionConfig())
      try runner.save()
      return raised
    }
    #expect(raised.map(\.alert.kind) == [.budget])
    #expect(raised.first?.alert.openedAt == at(minutes: 130), "readings 11…130 each stand for a minute")
    #expect(raised.first?.alert.lots == ["LI-1"])
    let bandAfter = try store.alerts(AlertFilter()).filter { $0.kind != .budget }
    #expect(bandAfter == bandAlerts, "band alerts of the past are not raised again")
    #expect(try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 120 * 60_000)
    for minute in 131...135 { try ingest(pipeline, minute: Double(minute), tempC: 7) }
    #expect(try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 125 * 60_000)
    #expect(try alerts(store, kind: .budget).count == 1)
  }

  @Test func aLotMovedInThePastIsEvaluatedOverItsNewRoomsStoredReadings() throws {
    let pipeline = try pipeline()
    let store = pipeline.store
    _ = try store.addLot("LI-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    for minute in 0...60 {
      try ingest(pipeline, probe: "probe-2", room: "cold2", minute: Double(minute), tempC: 4)
      try ingest(pipeline, probe: "probe-3", room: "cold3", minute: Double(minute), tempC: 7)
    }
    #expect(try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 0)
    // Recorded late: the lot went to cold3 at minute 30.
    try store.write { tx in
      _ = try tx.moveLot("LI-1", site: "hongxuan", room: "cold3", at: at(minutes: 30))
      var runner = LotRuleRunner(products: ProductAssignment(), tx: tx)
      _ = try runner.catchUp(
        lot: "LI-1", product: "litchi", site: "hongxuan", room: "cold3", from: at(minutes: 30),
        conditions: RoomConditionConfig())
      try runner.save()
    }
    // cold3's readings 31…60 each stand for a minute (its first, at minute 30, for none).
    #expect(try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 30 * 60_000)
    try ingest(pipeline, probe: "probe-3", room: "cold3", minute: 61, tempC: 7)
    try ingest(pipeline, probe: "probe-2", room: "cold2", minute: 61, tempC: 9)
    #expect(
      try store.lotRuleState("LI-1")?.temperatureBudget.usedMs == 31 * 60_000,
      "the lot is no longer in cold2: its readings no longer apply")
  }

  @Test func aColdTreatmentRestartAndCompletionThroughTheCollector() throws {
    let pipeline = try pipeline()
    let store = pipeline.store
    var profileDays = try #require(BuiltInProfiles.litchiColdTreatment.coldTreatment).days
    #expect(profileDays == 17)
    profileDays = 17
    _ = try store.addLot(
      "CT-1", product: "litchi-cold-treatment", market: "au", site: "hongxuan", room: "ct1", at: start)
    let hours = Int(profileDays) * 24 + 48
    for hour in 0..<hours {
      let tempC = hour == 20 ? 1.3 : 0.4
      try ingest(pipeline, probe: "pulp-1", room: "ct1", minute: Double(hour * 60), tempC: tempC, seq: Int64(hour + 1))
    }
    let treatment = try alerts(store, kind: .treatment)
    #expect(treatment.count == 1)
    #expect(treatment.first?.openedAt == at(minutes: 20 * 60))
    #expect(treatment.first?.resolvedAt == at(minutes: 21 * 60))
    #expect(treatment.first?.lots == ["CT-1"])
    #expect(treatment.first?.sensor == "lot/CT-1/treatment")
    let state = try #require(try store.lotRuleState("CT-1"))
    #expect(state.treatment.restarts == 1)
    #expect(state.treatment.completedAt == at(minutes: Double((21 + 17 * 24) * 60)))
    let lines = try store.lotJournalLines("CT-1")
    #expect(lines.map(journalEvent) == ["lot_added", "treatment_completed"])
    #expect(lines.last?.contains("\"clock_started_at\":\"\(at(minutes: 21 * 60).rfc3339)\"") == true)
    #expect(lines.last?.contains("\"restarts\":1") == true)
  }

  @Test func theJournalChainsLotLinesWithAlertLinesAndStillVerifies() throws {
    let pipeline = try pipeline()
    let store = pipeline.store
    _ = try store.addLot("LI-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    for minute in 0...125 { try ingest(pipeline, minute: Double(minute), tempC: 7) }
    _ = try store.moveLot("LI-1", site: "hongxuan", room: "cold3", at: at(minutes: 126))
    _ = try store.closeLot("LI-1", at: at(minutes: 127))
    let journal = AlertJournal(path: directory.appendingPathComponent("c.alerts.jsonl").path)
    let appended = try journal.catchUp(from: store)
    let events = appended.map(journalEvent)
    #expect(events.first == "lot_added")
    #expect(events.contains("lot_moved"))
    #expect(events.last == "resolved", "closing the lot resolves its budget alert")
    #expect(events.filter { $0 == "lot_closed" }.count == 1)
    let text = try String(contentsOfFile: journal.path, encoding: .utf8)
    guard case .success(let result) = JournalChain.verify(files: [(journal.path, text)]) else {
      Issue.record("the journal does not verify")
      return
    }
    #expect(result.lines == appended.count)
    #expect(try journal.catchUp(from: store).isEmpty, "a second catch-up finds the lot lines already there")
    // `coldtrace alerts --follow` reads alert events only.
    #expect(try store.alertEventLines(after: 0).allSatisfy { !$0.line.contains("\"event\":\"lot_") })
  }

  /// The `event` of a journal line.
  private func journalEvent(_ line: String) -> String {
    guard let range = line.range(of: "\"event\":\"") else { return "" }
    return String(line[range.upperBound...].prefix { $0 != "\"" })
  }
}
