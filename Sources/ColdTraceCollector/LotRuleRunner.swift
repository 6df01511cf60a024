import ColdTraceCore
import ColdTraceStorage

/// Runs the per-lot rules (`LotEngine`) inside a write transaction: loads each lot's state once, applies readings,
/// records the alert events and treatment completions, and saves the states that changed before the transaction
/// commits. Used by the ingest pipeline for every fresh reading and by `coldtrace lot add/move --at` for the
/// readings already stored.
public struct LotRuleRunner {
  let products: ProductAssignment
  let tx: WriteTransaction
  /// The collector config's `[placements]`, for `catchUp` (the pipeline passes each sample's placement).
  let placementOverrides: [ProbeKey: Placement]
  private var lots: [String: LotInProgress] = [:]

  public init(products: ProductAssignment, tx: WriteTransaction, placementOverrides: [ProbeKey: Placement] = [:]) {
    self.products = products
    self.tx = tx
    self.placementOverrides = placementOverrides
  }

  /// Applies the sample read by `key` to each lot of `room`; returns the alert events as recorded (for the alert
  /// topic). Treatment completions go to the journal only. Whether the sample counts for the lots depends on its
  /// probe's `placement` and on whether the room has a product probe (`LotEngine`); a `paused` sample (in a defrost
  /// or door pause) counts for nothing.
  public mutating func apply(
    _ sample: Sample, key: SensorKey, room: SharedRoom, placement: Placement = .air, roomHasProductProbe: Bool = false,
    paused: Bool = false
  ) throws -> [RecordedEvent] {
    var recorded: [RecordedEvent] = []
    for occupant in room.occupants {
      var lot = try committed(occupant.lot)
      let events = LotEngine.process(
        sample, key: key, lot: occupant.lot, profile: occupant.profile, closedAt: lot.closedAt, placement: placement,
        roomHasProductProbe: roomHasProductProbe, paused: paused, state: &lot.state)
      lots[occupant.lot] = lot
      for event in events {
        switch event {
        case .alert(let alert):
          // Nothing open to escalate or resolve (the lot's alerts were resolved elsewhere): nothing to record.
          if alert.type != .opened, try !tx.hasOpenAlert(alert.key, kind: alert.kind) { continue }
          recorded.append(try tx.apply(alert, lots: [occupant.lot]))
        case .treatmentCompleted(let completion):
          _ = try tx.recordTreatmentCompletion(completion, site: key.site, room: key.room)
        }
      }
    }
    return recorded
  }

  /// Evaluates `lot` (of `product`) over the readings stored for `site/room` from `from`, as if they arrived now:
  /// for a lot added or moved with a past `--at`. Band alerts of the past are not raised again (they were judged
  /// when the readings arrived); budgets and the treatment clock catch up, judged by the probes' placements as known
  /// now, with the room's defrost and door pauses (`conditions`: the collector config's settings and schedules, the
  /// spans stored) applied to its air probes as the live rules apply them.
  public mutating func catchUp(
    lot: String, product: String, site: String, room: String, from: Timestamp, conditions: RoomConditionConfig
  ) throws -> [RecordedEvent] {
    guard let profile = products.profile(forProduct: product) else { return [] }
    let occupant = SharedRoom(occupants: [.init(lot: lot, profile: profile)], fallback: profile)
    var placements: [String: Placement] = [:]
    var roomHasProductProbe = false
    for (sensor, probe) in try tx.probes(ofSite: site) {
      let placement = placementOverrides[ProbeKey(site: site, sensor: sensor)] ?? probe.placement ?? .air
      placements[sensor] = placement
      if probe.room == room, placement.measuresProduct { roomHasProductProbe = true }
    }
    let pauses = try StoredRoomPauses(site: site, room: room, from: from, config: conditions, tx: tx)
    var recorded: [RecordedEvent] = []
    for (key, sample) in try tx.readings(inRoom: site, room, from: from, until: nil) {
      let placement = placements[key.sensor] ?? .air
      let paused = placement == .air && !sample.carriesSignal && pauses.pausesAirAlarms(at: sample.ts)
      recorded += try apply(
        sample, key: key, room: occupant, placement: placement, roomHasProductProbe: roomHasProductProbe,
        paused: paused)
    }
    return recorded
  }

  /// Saves every state that changed; call once, before the transaction commits.
  public func save() throws {
    for (id, lot) in lots where lot.loaded != .some(lot.state) {
      try tx.saveLotRuleState(lot.state, lot: id)
    }
  }

  /// A lot's rule state as committed (or as this transaction left it), and when it closed; read once per
  /// transaction.
  private mutating func committed(_ id: String) throws -> LotInProgress {
    if let known = lots[id] { return known }
    let saved = try tx.lotRuleState(id)
    return LotInProgress(state: saved ?? LotRuleState(), loaded: saved, closedAt: try tx.lot(id)?.closedAt)
  }
}

/// One lot as a transaction sees it.
private struct LotInProgress {
  var state: LotRuleState
  /// The state as read from the database (`nil`: none saved yet), to save only what changed.
  let loaded: LotRuleState?
  let closedAt: Timestamp?
}
