import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// From raw message to committed state: decode, store idempotently, evaluate the rules, record alert events, and save
/// the engine's state, all in one SQLite transaction. Nothing here knows MQTT: the collector's `GroupCommitter` calls
/// it, and tests call it directly.
///
/// A group commits in four steps: load (each probe's committed state from memory), then inside the transaction store
/// the samples, run the pure rules over the fresh ones (`AlertEngine` per probe, `LotEngine` per lot, the
/// `WatermarkTracker`) and write what they decided, and after the commit publish the new state to memory.
public final class IngestPipeline: Sendable {
  public let store: SQLiteStore
  let products: ProductAssignment
  /// Per probe, not per room (a probe that moves takes its open alerts and runs with it), as committed. Held across
  /// load → transaction → publish, so the timer rules and ingestion never interleave.
  let committed: Mutex<CommittedProbes>
  /// The collector config's `[placements]`: they win over what agents announce.
  let placementOverrides: [ProbeKey: Placement]
  /// The collector config's defrost and door settings and schedules.
  let conditionConfig: RoomConditionConfig
  /// `group_wait_seconds`: probes of a room, or of several rooms of a site, crossing the same limit together make one
  /// room or site alert.
  let crossingGroups: CrossingGroupRule
  /// Probes registered on their first reading, stored by the next group's transaction (`UnstoredRegistrations`).
  let registrations = UnstoredRegistrations()

  public init(
    store: SQLiteStore, products: ProductAssignment, placementOverrides: [ProbeKey: Placement] = [:],
    conditionConfig: RoomConditionConfig = RoomConditionConfig(),
    crossingGroups: CrossingGroupRule = CrossingGroupRule()
  ) throws {
    self.store = store
    self.crossingGroups = crossingGroups
    self.products = products
    self.placementOverrides = placementOverrides
    self.conditionConfig = conditionConfig
    var probes: [ProbeKey: CommittedProbe] = [:]
    for (probe, engine) in try store.engineStates() { probes[probe, default: CommittedProbe()].engine = engine }
    for (probe, tracker) in try store.watermarkTrackers() { probes[probe, default: CommittedProbe()].tracker = tracker }
    for (probe, incarnation) in try store.currentIncarnations() {
      probes[probe, default: CommittedProbe()].incarnation = incarnation
    }
    for probe in try store.probesWithOpenAlert(of: .seqReset) {
      probes[probe, default: CommittedProbe()].sequenceResetOpen = true
    }
    for (probe, room) in try store.probeRooms() { probes[probe, default: CommittedProbe()].room = room }
    let announced = try store.announcedPlacements()
    for probe in Set(announced.keys).union(placementOverrides.keys) {
      probes[probe, default: CommittedProbe()].placement = placementOverrides[probe] ?? announced[probe] ?? .air
    }
    for probe in try store.retiredProbes().keys { probes[probe, default: CommittedProbe()].retired = true }
    var memory = CommittedProbes()
    for (probe, state) in probes { memory[probe] = state }
    let retired = try store.retiredProbes()
    for (site, room, saved) in try store.roomConditions() {
      // A retirement ends its probe's spans; a state saved just before the collector learnt of it may still hold one.
      var conditions = saved
      for (probe, at) in retired where probe.site == site { conditions.retire(sensor: probe.sensor, at: at) }
      memory.conditions[RoomKey(site: site, room: room)] = conditions
    }
    for (site, end) in try store.groupWaitEnds() { memory.groupWaits[site] = end }
    self.committed = Mutex(memory)
  }

  /// Records the placements an agent of `site` announced in its status (per sensor id): stored, then used from the
  /// next group on, unless the collector config overrides them.
  public func announcePlacements(_ placements: [String: Placement], site: String) throws {
    guard !placements.isEmpty else { return }
    try committed.withLock { memory in
      try store.write { tx in try tx.announcePlacements(placements, site: site) }
      for (sensor, placement) in placements {
        let probe = ProbeKey(site: site, sensor: sensor)
        var state = memory[probe] ?? CommittedProbe()
        state.placement = placementOverrides[probe] ?? placement
        memory[probe] = state
      }
    }
  }

  /// The room each probe that sent a reading hangs in, as committed (retired probes left out).
  func probeRooms() -> [(probe: ProbeKey, room: String)] {
    committed.withLock { memory in
      memory.probes.compactMap { probe, state in state.retired ? nil : state.room.map { (probe, $0) } }
    }
  }

  /// Where a probe is mounted, as the rules use it now.
  public func placement(of probe: ProbeKey) -> Placement {
    committed.withLock { $0[probe]?.placement ?? placementOverrides[probe] ?? .air }
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
      return GroupOutcome(outcomes: [.quarantined(rejection)], acknowledgements: [], journal: [])
    case .success(let reading):
      return try commitGroup([reading])
    }
  }

  /// Keeps a message that decoded but could not be stored (a bug or a state no rule expected) in quarantine, so it
  /// is acknowledged and cannot block the messages behind it. A payload that numbers again from below (`SequenceReused`) is kept under `seq_reused` instead, and opens its
  /// probe's `seq_reset` warning unless one is open: the events to hand on are returned.
  @discardableResult
  public func quarantineUnstorable(
    topic: String, payload: UnsafeRawBufferPointer, error: any Error, receivedAt: Timestamp
  ) throws -> CommittedEvents {
    guard let reused = error as? SequenceReused else {
      try store.write { tx in
        try tx.quarantine(topic: topic, payload: payload, reason: "ingest_failed", detail: "\(error)", at: receivedAt)
      }
      return CommittedEvents()
    }
    return try quarantineReusedSequence(reused, topic: topic, payload: payload, receivedAt: receivedAt)
  }

  /// Commits decoded readings in one transaction (group commit), in order; all or nothing: when it throws, nothing
  /// of any of them is kept and no engine state or watermark moves. One outcome per reading, and the group's
  /// acknowledgements (see `GroupOutcome`).
  public func commitGroup(_ readings: [DecodedReading]) throws -> GroupOutcome {
    let called = ContinuousClock.now
    return try committed.withLock { memory in
      let locked = ContinuousClock.now
      var batch = IngestBatch(readings)
      batch.load(from: memory)
      batch.loadConditions(from: memory, config: conditionConfig)
      batch.loadGroupWaits(from: memory)
      let registering = registrations.waitingRegistrations()
      var refused: [UnstoredRegistrations.Registration] = []
      var phases = WritePhases()
      let (outcomes, journal) = try store.writeJournaled(timing: &phases) { tx in
        refused = try UnstoredRegistrations.write(registering, in: tx)
        try recordSchedules(in: &batch, tx: tx)
        let newSamples = tx.newSampleWriter()
        var lotRules = LotRuleRunner(products: products, tx: tx)
        var outcomes: [IngestOutcome] = []
        outcomes.reserveCapacity(readings.count)
        for (index, reading) in readings.enumerated() {
          let fresh = try storeSamples(of: reading, at: index, in: &batch, tx: tx, newSamples: newSamples)
          let alerts =
            try evaluate(fresh, of: reading, at: index, in: &batch, tx: tx, lotRules: &lotRules)
            + resolveSequenceReset(after: fresh, of: reading, at: index, in: &batch, tx: tx)
          outcomes.append(
            .stored(fresh: fresh.count, duplicates: reading.samples.count - fresh.count, alerts: alerts))
        }
        try newSamples.flush()
        try lotRules.save()
        for (site, room, conditions) in batch.changedConditions {
          try tx.saveRoomConditions(conditions, site: site, room: room)
        }
        for change in batch.changes {
          if let engine = change.engine { try tx.saveEngineState(engine, source: change.source) }
          if let watermark = change.watermark { try tx.saveWatermark(watermark, source: change.source) }
        }
        return outcomes
      }
      // Committed: the engines and the watermarks move on.
      batch.publish(into: &memory)
      batch.publishConditions(into: &memory)
      batch.publishGroupWaits(into: &memory)
      registrations.stored(registering)
      return GroupOutcome(
        outcomes: outcomes, acknowledgements: batch.acknowledgements(readings), journal: journal,
        refusedRegistrations: refused.map(\.probe), lockWait: locked - called, phases: phases)
    }
  }

  /// Stores the batch's reading number `index` and returns its fresh samples, as stored (numbers at their
  /// incarnation's offset); moves its probe's acknowledgement when its agent numbered them in its current series.
  private func storeSamples(
    of reading: DecodedReading, at index: Int, in batch: inout IngestBatch, tx: WriteTransaction,
    newSamples: NewSampleWriter
  ) throws -> [Sample] {
    let probe = batch.probe(ofReading: index)
    // Samples come oldest first: a new room starts at the first one.
    let source = try tx.source(
      for: reading.key, agent: reading.agent, known: batch[probe: probe].now.source, from: reading.samples.first?.ts)
    batch[probe: probe].now.source = source
    // A reading's numbers are stored at its install's offset (0 without `inc`, or for a probe's first install).
    let series = try sequenceSeries(
      of: reading, probe: probe, source: source.id, in: &batch, tx: tx, newSamples: newSamples)
    var (highest, latest) = (batch[probe: probe].highestSequence, batch[probe: probe].latestTime)
    let stored = try tx.storeSamples(
      series.base == 0 ? reading.samples : reading.samples.map { $0.offsetting(by: series.base) }, source: source.id,
      group: probe, highest: &highest, latest: &latest, newSamples: newSamples)
    (batch[probe: probe].highestSequence, batch[probe: probe].latestTime) = (highest, latest)
    if series.isCurrent, reading.agent != nil, reading.samples.allSatisfy({ $0.seq != nil }) {
      batch.record(probe, stored: stored.compactMap(\.seq), floor: reading.floor.map { $0 + series.base })
    }
    // As stored (the rules ignore numbers; a late reading is recorded by its stored number).
    return stored
  }

  /// Runs the rules over the fresh samples of the batch's reading number `index`, against the state `batch` holds
  /// for its probe and the lots in its room at each sample's time, and records the events they raise.
  private func evaluate(
    _ fresh: [Sample], of reading: DecodedReading, at index: Int, in batch: inout IngestBatch, tx: WriteTransaction,
    lotRules: inout LotRuleRunner
  ) throws -> [CommittedAlert] {
    let probe = batch.probe(ofReading: index)
    // A retired probe is no longer watched: its readings are stored, and judge nothing (no alert, no lot rule).
    guard !fresh.isEmpty, !batch[probe: probe].now.retired else { return [] }
    let key = reading.key
    let room = batch.room(ofReading: index)
    let occupancy = try batch.occupancy(room) ?? readOccupancy(of: room, in: &batch, tx: tx)
    var alerts: [CommittedAlert] = []
    var late: [Sample] = []
    for sample in fresh {
      // A sample at or before the probe's newest judged one came late: the rules judge a probe in event-time order
      // and pass over it; the lot report says so (docs/alert-rules.md, "Late readings").
      if let judged = batch[probe: probe].now.engine.lastTs, sample.ts <= judged {
        late.append(sample)
        continue
      }
      // The lots in the room at the sample's time decide the limits it is judged against: the probe's band alerts
      // by the strictest of their profiles, naming the lots whose own limits it crossed; each lot's budget and
      // treatment clock by its own profile.
      // The site's group waits that ended before this sample are decided first (`CrossingGroupRule`).
      alerts += try decideGroupWaits(ofRoom: room, before: sample.ts, in: &batch, tx: tx)
      let shared = batch.sharedRoom(room, lots: occupancy.lots(at: sample.ts)) { products.room(for: key, lots: $0) }
      let placement = batch[probe: probe].now.placement
      // An input's sample or an evaporator probe's changes the room's defrosts and doors; an air probe's sample is
      // judged with the pause at its own time (docs/alert-rules.md, "Defrost and doors").
      if sample.carriesSignal || placement == .evaporator {
        alerts += try updateConditions(with: sample, key: key, room: room, shared: shared, in: &batch, tx: tx)
      }
      let paused = placement == .air && !sample.carriesSignal && batch.pausesAirAlarms(room, at: sample.ts)
      for event in batch.process(sample, key: key, profile: shared.profile, probe: probe, paused: paused) {
        // Retiring a probe resolves its `offline` alert in the shell's transaction; the reading that ends the
        // silence of a retired probe then has nothing left to resolve (one lookup, only when silence ends).
        if event.kind == .offline, event.type == .resolved, try !tx.hasOpenAlert(key, kind: .offline) { continue }
        alerts += try record(event, lots: shared.lots(for: event), room: room, in: &batch, tx: tx)
      }
      // An input's sample has no value for the lots to judge.
      guard !sample.carriesSignal else { continue }
      alerts += try lotRules.apply(
        sample, key: key, room: shared, placement: placement, roomHasProductProbe: batch.hasProductProbe(room),
        paused: paused
      ).map { CommittedAlert(key: key, event: $0) }
    }
    if !late.isEmpty, let source = batch[probe: probe].now.source { try tx.recordLate(late, source: source.id) }
    return alerts
  }

  /// The lots placed in the room over the batch's span of sample times, read once per room and group.
  private func readOccupancy(of room: Int, in batch: inout IngestBatch, tx: WriteTransaction) throws -> RoomOccupancy {
    let span = batch.span(ofRoom: room)
    let occupancy = try tx.occupancy(ofRoom: span.site, span.room, from: span.from, to: span.to)
    batch.setOccupancy(occupancy, ofRoom: room)
    return occupancy
  }
}
