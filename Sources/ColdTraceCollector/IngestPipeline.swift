import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// What became of one incoming message.
public enum IngestOutcome: Sendable, Equatable {
  /// Stored: `fresh` samples were new, `duplicates` were already stored (a redelivery), `alertLines` are the alert
  /// events the fresh samples caused, as journal lines.
  case stored(fresh: Int, duplicates: Int, alertLines: [AlertLine])
  /// Rejected and kept in the quarantine table with its raw bytes.
  case quarantined(PayloadRejection)
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
  private let engineStates: Mutex<[SensorKey: SensorRuleState]>

  public init(store: SQLiteStore, products: ProductAssignment) throws {
    self.store = store
    self.products = products
    self.engineStates = Mutex(try store.engineStates())
  }

  /// Decodes and commits one message. Throws only when the database cannot commit; then nothing of the message is
  /// kept and the caller must not acknowledge it.
  public func ingest(topic: String, payload: UnsafeRawBufferPointer, receivedAt: Timestamp) throws -> IngestOutcome {
    switch ReadingDecoder.decode(topic: topic, payload: payload, now: receivedAt) {
    case .failure(let rejection):
      try store.write { tx in try tx.quarantine(topic: topic, payload: payload, rejection: rejection, at: receivedAt) }
      return .quarantined(rejection)
    case .success(let reading):
      return try commit(reading, receivedAt: receivedAt)
    }
  }

  private func commit(_ reading: DecodedReading, receivedAt: Timestamp) throws -> IngestOutcome {
    let key = reading.key
    let profile = products.profile(for: key)
    // The engine's state changes only once the transaction that records its consequences has committed.
    var state = engineStates.withLock { $0[key] } ?? SensorRuleState()
    let (fresh, lines) = try store.write { tx -> (Int, [AlertLine]) in
      let source = try tx.sourceID(for: key, agent: reading.agent)
      let fresh = try tx.insertNew(reading.samples, source: source, receivedAt: receivedAt)
      guard !fresh.isEmpty else { return (0, []) }
      var lines: [AlertLine] = []
      let before = state
      for sample in fresh {
        for event in AlertEngine.process(sample, key: key, profile: profile, state: &state) {
          let (alert, eventID) = try tx.apply(event)
          lines.append(
            AlertLine(
              topic: Topics.alert(site: key.site, room: key.room),
              line: alert.jsonLine(event: event.type.rawValue, eventID: eventID, at: event.at)))
        }
      }
      if state != before { try tx.saveEngineState(state, source: source) }
      return (fresh.count, lines)
    }
    if fresh > 0 { engineStates.withLock { $0[key] = state } }
    return .stored(fresh: fresh, duplicates: reading.samples.count - fresh, alertLines: lines)
  }
}
