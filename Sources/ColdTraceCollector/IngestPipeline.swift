import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// What became of one incoming message. (What to acknowledge to its agent is the group's: `GroupOutcome`.)
public enum IngestOutcome: Sendable, Equatable {
  /// Stored: `fresh` samples were new, `duplicates` were already stored (a redelivery), `alertLines` are the alert
  /// events the fresh samples caused, as journal lines.
  case stored(fresh: Int, duplicates: Int, alertLines: [AlertLine])
  /// Rejected and kept in the quarantine table with its raw bytes.
  case quarantined(PayloadRejection)
}

/// A committed watermark for one agent's sensor (docs/protocol.md, "Acknowledgement payload").
public struct Acknowledgement: Sendable, Equatable {
  public var site: String
  public var agent: String
  public var sensor: String
  public var watermark: Int64
  /// Set when stored numbers wait above a gap: the first missing one and the highest stored.
  public var gap: ClosedRange<Int64>?
}

/// An alert event ready to leave the collector: its topic and its JSON line.
public struct AlertLine: Sendable, Equatable {
  public var topic: String
  public var line: String
}

/// From raw message to committed state: decode, store idempotently, evaluate the rules, record alert events, and save
/// the engine's state, all in one SQLite transaction. Nothing here knows MQTT; the collector calls `ingest` from its
/// message handler before the PUBACK leaves, and tests call it directly.
public final class IngestPipeline: Sendable {
  public let store: SQLiteStore
  let products: ProductAssignment
  /// Per probe, not per room: a probe that moves takes its open alerts and runs with it.
  private let engineStates: Mutex<[ProbeKey: SensorRuleState]>
  private let watermarks: Mutex<[ProbeKey: WatermarkTracker]>
  /// Each probe's row in `sources` as committed (only the collector writes that table), so a batch looks a probe up
  /// in the database only on first sight or when its room or agent changes.
  private let sources = Mutex<[ProbeKey: PendingBatch.Source]>([:])
  /// Held across read-state → transaction → keep-state, so the silence check and ingestion never interleave.
  private let commitLock = Mutex(())

  public init(store: SQLiteStore, products: ProductAssignment) throws {
    self.store = store
    self.products = products
    self.engineStates = Mutex(try store.engineStates())
    self.watermarks = Mutex(try store.watermarkTrackers())
  }

  /// Decodes and commits one message: its outcome, and the acknowledgement of its sensor when its agent numbered its
  /// samples. Throws only when the database cannot commit; then nothing of the message is kept and the caller must
  /// not acknowledge it.
  public func ingest(topic: String, payload: UnsafeRawBufferPointer, receivedAt: Timestamp) throws -> GroupOutcome {
    try ingest(
      ReadingDecoder.decode(topic: topic, payload: payload, now: receivedAt), topic: topic, payload: payload,
      receivedAt: receivedAt)
  }

  /// Commits a message the caller has already decoded (`decoded`), or quarantines its raw `payload`.
  public func ingest(
    _ decoded: Result<DecodedReading, PayloadRejection>, topic: String, payload: UnsafeRawBufferPointer,
    receivedAt: Timestamp
  ) throws -> GroupOutcome {
    switch decoded {
    case .failure(let rejection):
      try store.write { tx in try tx.quarantine(topic: topic, payload: payload, rejection: rejection, at: receivedAt) }
      return GroupOutcome(outcomes: [.quarantined(rejection)], acknowledgements: [])
    case .success(let reading):
      return try commitGroup([reading])
    }
  }

  /// Keeps a message that decoded but could not be stored (a bug or a state no rule expected) in quarantine, so it
  /// is acknowledged and cannot block the messages behind it.
  public func quarantineUnstorable(
    topic: String, payload: UnsafeRawBufferPointer, error: any Error, receivedAt: Timestamp
  )
    throws
  {
    try store.write { tx in
      try tx.quarantine(topic: topic, payload: payload, reason: "ingest_failed", detail: "\(error)", at: receivedAt)
    }
  }

  /// A committed group: one outcome per reading, and per probe whose agent numbered its samples the acknowledgement as
  /// the group leaves it (what the agent is told).
  public struct GroupOutcome: Sendable {
    public var outcomes: [IngestOutcome]
    public var acknowledgements: [Acknowledgement]
  }

  /// Commits decoded readings in one transaction (group commit), in order; all or nothing: when it throws, nothing
  /// of any of them is kept and no engine state or watermark moves. One outcome per reading, and the group's
  /// acknowledgements (see `GroupOutcome`).
  public func commitGroup(_ readings: [DecodedReading]) throws -> GroupOutcome {
    try commitLock.withLock { _ in
      var batch = PendingBatch(readings)
      engineStates.withLock { batch.loadEngineStates(from: $0) }
      watermarks.withLock { batch.loadTrackers(from: $0) }
      sources.withLock { batch.loadSources(from: $0) }
      let outcomes = try store.write { tx in
        var lotRules = LotRuleRunner(products: products, tx: tx)
        let newSamples = tx.newSampleWriter()
        var outcomes: [IngestOutcome] = []
        outcomes.reserveCapacity(readings.count)
        for (index, reading) in readings.enumerated() {
          outcomes.append(
            try stage(reading, at: index, tx: tx, batch: &batch, newSamples: newSamples, lotRules: &lotRules))
        }
        try newSamples.flush()
        try lotRules.save()
        try batch.save(tx)
        return outcomes
      }
      // Committed: the engine and the watermarks move on.
      engineStates.withLock { batch.storeEngineStates(into: &$0) }
      watermarks.withLock { batch.storeTrackers(into: &$0) }
      sources.withLock { batch.storeSources(into: &$0) }
      return GroupOutcome(outcomes: outcomes, acknowledgements: batch.acknowledgements(readings))
    }
  }

  /// Opens `offline` for every probe silent for longer than the rule allows, judged by the collector's clock `now`.
  public func checkSilence(now: Timestamp, rule: SilenceRule) throws -> [AlertLine] {
    try commitLock.withLock { _ in
      var lines: [AlertLine] = []
      for (probe, before) in engineStates.withLock({ $0 }) {
        var state = before
        guard state.offlineSince == nil, let last = state.lastTs, now.seconds(since: last) > rule.silentAfterSeconds
        else { continue }
        try store.write { tx in
          guard let source = try tx.source(site: probe.site, sensor: probe.sensor) else { return }
          let key = SensorKey(site: probe.site, room: source.room, sensor: probe.sensor)
          let room = products.room(for: key, lots: try tx.lots(inRoom: key.site, key.room, at: now))
          guard let event = rule.check(now: now, key: key, productID: room.profile.id, state: &state) else { return }
          let recorded = try tx.apply(event, lots: room.lots(for: event))
          try tx.saveEngineState(state, source: source.id)
          lines.append(AlertLine(topic: Topics.alert(site: key.site, room: key.room), line: recorded.line))
        }
        engineStates.withLock { $0[probe] = state }
      }
      return lines
    }
  }

  /// Announces again the acknowledged alerts still open after `afterSeconds` (see `WriteTransaction.renotifyDue`).
  public func renotify(now: Timestamp, afterSeconds: Double) throws -> [AlertLine] {
    try store.write { tx in try tx.renotifyDue(now: now, afterSeconds: afterSeconds) }.map { recorded in
      AlertLine(topic: Topics.alert(site: recorded.alert.site, room: recorded.alert.room), line: recorded.line)
    }
  }

  /// Stores the batch's reading number `index` and evaluates its fresh samples inside `tx`, against the state `batch`
  /// holds for its probe (the committed state on first sight in this batch).
  private func stage(
    _ reading: DecodedReading, at index: Int, tx: WriteTransaction, batch: inout PendingBatch,
    newSamples: NewSampleWriter, lotRules: inout LotRuleRunner
  ) throws -> IngestOutcome {
    let key = reading.key
    let probe = batch.probe(ofReading: index)
    let source = try batch.sourceID(probe, key: key, agent: reading.agent, tx)
    let fresh = try batch.storeNew(reading.samples, probe: probe, source: source, tx: tx, newSamples: newSamples)
    if reading.agent != nil, reading.samples.allSatisfy({ $0.seq != nil }) {
      batch.record(probe, stored: fresh.compactMap(\.seq), floor: reading.floor)
    }
    var lines: [AlertLine] = []
    if !fresh.isEmpty {
      let room = batch.room(ofReading: index)
      let occupancy = try batch.occupancy(room, tx)
      for sample in fresh {
        // The lots in the room at the sample's time decide the limits it is judged against: the probe's band alerts
        // by the strictest of their profiles, naming the lots whose own limits it crossed; each lot's budget and
        // treatment clock by its own profile.
        let shared = batch.sharedRoom(room, lots: occupancy.lots(at: sample.ts)) { products.room(for: key, lots: $0) }
        for event in batch.process(sample, key: key, profile: shared.profile, probe: probe) {
          let line = try tx.apply(event, lots: shared.lots(for: event)).line
          lines.append(AlertLine(topic: Topics.alert(site: key.site, room: key.room), line: line))
        }
        for recorded in try lotRules.apply(sample, key: key, room: shared) {
          lines.append(AlertLine(topic: Topics.alert(site: key.site, room: key.room), line: recorded.line))
        }
      }
    }
    return .stored(fresh: fresh.count, duplicates: reading.samples.count - fresh.count, alertLines: lines)
  }
}
