import ColdTraceCore
import ColdTraceStorage

/// Runs the per-lot rules (`LotEngine`) inside a write transaction: loads each lot's state once, applies readings,
/// records the alert events and treatment completions, and saves the states that changed before the transaction
/// commits. Used by the ingest pipeline for every fresh reading and by `coldtrace lot add/move --at` for the
/// readings already stored.
public struct LotRuleRunner {
  let products: ProductAssignment
  let tx: WriteTransaction
  private var states: [String: LotRuleState] = [:]
  private var loaded: [String: LotRuleState?] = [:]

  public init(products: ProductAssignment, tx: WriteTransaction) {
    self.products = products
    self.tx = tx
  }

  /// Applies the sample read by `key` to each lot of `room`; returns the alert events as recorded (for the alert
  /// topic). Treatment completions go to the journal only.
  public mutating func apply(_ sample: Sample, key: SensorKey, room: SharedRoom) throws -> [RecordedEvent] {
    var recorded: [RecordedEvent] = []
    for occupant in room.occupants {
      var state = try state(of: occupant.lot)
      let events = LotEngine.process(sample, key: key, lot: occupant.lot, profile: occupant.profile, state: &state)
      states[occupant.lot] = state
      for event in events {
        switch event {
        case .alert(let alert):
          // A lot closed meanwhile had its alerts resolved then; a late reading has nothing left to resolve.
          if alert.type != .opened, try !tx.hasOpenAlert(alert.key, kind: alert.kind) { continue }
          recorded.append(try tx.apply(alert, lots: [occupant.lot]))
          // A late reading of a lot that has left: the alert stays in its history, resolved at once, since closing
          // the lot is what ends lot alerts.
          if alert.type == .opened, let closed = try tx.lot(occupant.lot)?.closedAt {
            var resolution = alert
            resolution.type = .resolved
            resolution.message = "lot \(occupant.lot) had already closed at \(closed.rfc3339); \(alert.message)"
            recorded.append(try tx.apply(resolution, lots: [occupant.lot]))
          }
        case .treatmentCompleted(let completion):
          _ = try tx.recordTreatmentCompletion(completion, site: key.site, room: key.room)
        }
      }
    }
    return recorded
  }

  /// Evaluates `lot` (of `product`) over the readings stored for `site/room` from `from`, as if they arrived now:
  /// for a lot added or moved with a past `--at`. Band alerts of the past are not raised again (they were judged
  /// when the readings arrived); budgets and the treatment clock catch up.
  public mutating func catchUp(lot: String, product: String, site: String, room: String, from: Timestamp) throws
    -> [RecordedEvent]
  {
    guard let profile = products.profile(forProduct: product) else { return [] }
    let occupant = SharedRoom(occupants: [.init(lot: lot, profile: profile)], fallback: profile)
    var recorded: [RecordedEvent] = []
    for (key, sample) in try tx.readings(inRoom: site, room, from: from, until: nil) {
      recorded += try apply(sample, key: key, room: occupant)
    }
    return recorded
  }

  /// Saves every state that changed; call once, before the transaction commits.
  public func save() throws {
    for (lot, state) in states where loaded[lot] != .some(state) {
      try tx.saveLotRuleState(state, lot: lot)
    }
  }

  private mutating func state(of lot: String) throws -> LotRuleState {
    if let state = states[lot] { return state }
    let saved = try tx.lotRuleState(lot)
    loaded[lot] = saved
    return saved ?? LotRuleState()
  }
}
