import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// What became of one incoming message.
public enum IngestOutcome: Sendable, Equatable {
  /// Stored: `fresh` samples were new, `duplicates` were already stored (a redelivery), `alertLines` are the alert
  /// events the fresh samples caused, as journal lines; `acknowledgement` is the sensor's committed watermark to send
  /// back to the agent (absent for sources that name no agent or number no samples).
  case stored(fresh: Int, duplicates: Int, alertLines: [AlertLine], acknowledgement: Acknowledgement?)
  /// Rejected and kept in the quarantine table with its raw bytes.
  case quarantined(PayloadRejection)
}

/// A committed watermark for one agent's sensor (SPEC `coldtrace/v1/ack/<site>/<agent>`).
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
  /// Held across read-state → transaction → keep-state, so the silence check and ingestion never interleave.
  private let commitLock = Mutex(())

  public init(store: SQLiteStore, products: ProductAssignment) throws {
    self.store = store
    self.products = products
    self.engineStates = Mutex(try store.engineStates())
    self.watermarks = Mutex(try store.watermarkTrackers())
  }

  /// Decodes and commits one message. Throws only when the database cannot commit; then nothing of the message is
  /// kept and the caller must not acknowledge it.
  public func ingest(topic: String, payload: UnsafeRawBufferPointer, receivedAt: Timestamp) throws -> IngestOutcome {
    try ingest(
      ReadingDecoder.decode(topic: topic, payload: payload, now: receivedAt), topic: topic, payload: payload,
      receivedAt: receivedAt)
  }

  /// Commits a message the caller has already decoded (`decoded`), or quarantines its raw `payload`.
  public func ingest(
    _ decoded: Result<DecodedReading, PayloadRejection>, topic: String, payload: UnsafeRawBufferPointer,
    receivedAt: Timestamp
  ) throws -> IngestOutcome {
    switch decoded {
    case .failure(let rejection):
      try store.write { tx in try tx.quarantine(topic: topic, payload: payload, rejection: rejection, at: receivedAt) }
      return .quarantined(rejection)
    case .success(let reading):
      return try commit(reading, receivedAt: receivedAt)
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

  private func commit(_ reading: DecodedReading, receivedAt: Timestamp) throws -> IngestOutcome {
    try commit([(reading, receivedAt)])[0]
  }

  /// Commits decoded readings in one transaction (group commit), in order; all or nothing: when it throws, nothing
  /// of any of them is kept and no engine state or watermark moves. One outcome per reading.
  public func commit(_ readings: [(reading: DecodedReading, receivedAt: Timestamp)]) throws -> [IngestOutcome] {
    try commitLock.withLock { _ in
      var batch = PendingBatch()
      // Every sample time of the batch per room, so each room's lot placements are read once per batch.
      for (reading, _) in readings {
        let room = "\(reading.key.site)/\(reading.key.room)"
        for sample in reading.samples { batch.span(room, covers: sample.ts) }
      }
      let outcomes = try store.write { tx in
        let outcomes = try readings.map { try stage($0.reading, receivedAt: $0.receivedAt, tx: tx, batch: &batch) }
        try batch.save(tx)
        return outcomes
      }
      // Committed: the engine and the watermarks move on.
      engineStates.withLock { states in for (probe, pending) in batch.states { states[probe] = pending.state } }
      watermarks.withLock { trackers in for (probe, pending) in batch.trackers { trackers[probe] = pending.tracker } }
      return outcomes
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

  /// Announces again the acknowledged alerts still open after `afterSeconds` (see `IngestTransaction.renotifyDue`).
  public func renotify(now: Timestamp, afterSeconds: Double) throws -> [AlertLine] {
    try store.write { tx in try tx.renotifyDue(now: now, afterSeconds: afterSeconds) }.map { recorded in
      AlertLine(topic: Topics.alert(site: recorded.alert.site, room: recorded.alert.room), line: recorded.line)
    }
  }

  /// Stores one reading and evaluates its fresh samples inside `tx`, against the state `batch` holds for its probe
  /// (the committed state on first sight in this batch).
  private func stage(_ reading: DecodedReading, receivedAt: Timestamp, tx: IngestTransaction, batch: inout PendingBatch)
    throws -> IngestOutcome
  {
    let key = reading.key
    let probe = ProbeKey(site: key.site, sensor: key.sensor)
    let acknowledges = reading.agent != nil && reading.samples.allSatisfy { $0.seq != nil }
    let source = try batch.sourceID(for: key, agent: reading.agent, tx)
    let fresh = try tx.insertNew(reading.samples, source: source, receivedAt: receivedAt)
    var acknowledgement: Acknowledgement?
    if acknowledges, let agent = reading.agent {
      var pending = batch.trackers[probe] ?? .init(tracker: watermarks.withLock { $0[probe] } ?? WatermarkTracker())
      pending.source = source
      if pending.tracker.record(stored: fresh.compactMap(\.seq), floor: reading.floor) { pending.changed = true }
      batch.trackers[probe] = pending
      acknowledgement = Acknowledgement(
        site: key.site, agent: agent, sensor: key.sensor, watermark: pending.tracker.watermark,
        gap: pending.tracker.gap.map { $0.firstMissing...$0.highestStored })
    }
    var lines: [AlertLine] = []
    if !fresh.isEmpty {
      var pending = batch.states[probe] ?? .init(state: engineStates.withLock { $0[probe] } ?? SensorRuleState())
      let before = pending.state
      var lotRules = LotRuleRunner(products: products, tx: tx)
      let occupancy = try batch.occupancy(ofRoom: key, tx)
      for sample in fresh {
        // The lots in the room at the sample's time decide the limits it is judged against: the probe's band alerts
        // by the strictest of their profiles, naming the lots whose own limits it crossed; each lot's budget and
        // treatment clock by its own profile.
        let room = products.room(for: key, lots: occupancy.lots(at: sample.ts))
        for event in AlertEngine.process(sample, key: key, profile: room.profile, state: &pending.state) {
          let recorded = try tx.apply(event, lots: room.lots(for: event))
          lines.append(AlertLine(topic: Topics.alert(site: key.site, room: key.room), line: recorded.line))
        }
        for recorded in try lotRules.apply(sample, key: key, room: room) {
          lines.append(AlertLine(topic: Topics.alert(site: key.site, room: key.room), line: recorded.line))
        }
      }
      try lotRules.save()
      if pending.state != before {
        pending.changed = true
        pending.source = source
      }
      batch.states[probe] = pending
    }
    return .stored(
      fresh: fresh.count, duplicates: reading.samples.count - fresh.count, alertLines: lines,
      acknowledgement: acknowledgement)
  }
}

/// What a batch changed, per probe, before it commits: saved once per probe at the end of the transaction, and
/// handed to the pipeline's memory only after the commit.
private struct PendingBatch {
  struct EngineState {
    var state: SensorRuleState
    var changed = false
    var source: Int64 = 0
  }

  struct Watermark {
    var tracker: WatermarkTracker
    var changed = false
    var source: Int64 = 0
  }

  var states: [ProbeKey: EngineState] = [:]
  var trackers: [ProbeKey: Watermark] = [:]
  /// Source ids already looked up (or created) in this transaction, by probe, with the room and agent last stored.
  private var sources: [ProbeKey: (id: Int64, room: String, agent: String?)] = [:]
  /// Per "site/room": the earliest and latest sample time of the batch, then the placements read for that span.
  private var spans: [String: ClosedRange<Int64>] = [:]
  private var occupancies: [String: RoomOccupancy] = [:]

  mutating func span(_ room: String, covers time: Timestamp) {
    let ms = time.milliseconds
    spans[room] = spans[room].map { min($0.lowerBound, ms)...max($0.upperBound, ms) } ?? ms...ms
  }

  /// `tx.sourceID`, asked again only when the probe's room or agent differs from the last message of the batch
  /// (so the source row always follows the latest message, as without the cache).
  mutating func sourceID(for key: SensorKey, agent: String?, _ tx: IngestTransaction) throws -> Int64 {
    let probe = ProbeKey(site: key.site, sensor: key.sensor)
    if let known = sources[probe], known.room == key.room, agent == nil || agent == known.agent { return known.id }
    let id = try tx.sourceID(for: key, agent: agent)
    sources[probe] = (id, key.room, agent ?? sources[probe]?.agent)
    return id
  }

  /// The lots placed in the probe's room over the batch's span of sample times, read once per room.
  mutating func occupancy(ofRoom key: SensorKey, _ tx: IngestTransaction) throws -> RoomOccupancy {
    let room = "\(key.site)/\(key.room)"
    if let known = occupancies[room] { return known }
    let span = spans[room] ?? 0...0
    let occupancy = try tx.occupancy(
      ofRoom: key.site, key.room, from: Timestamp(milliseconds: span.lowerBound),
      to: Timestamp(milliseconds: span.upperBound))
    occupancies[room] = occupancy
    return occupancy
  }

  func save(_ tx: IngestTransaction) throws {
    for pending in states.values where pending.changed { try tx.saveEngineState(pending.state, source: pending.source) }
    for pending in trackers.values where pending.changed {
      try tx.saveWatermark(pending.tracker.watermark, source: pending.source)
    }
  }
}
