import ColdTraceCore
import ColdTraceStorage

extension IngestPipeline {
  /// Opens `offline` for every probe silent for longer than the rule allows, judged by the collector's clock `now`.
  public func checkSilence(now: Timestamp, rule: SilenceRule) throws -> CommittedEvents {
    try committed.withLock { memory in
      var committed = CommittedEvents()
      for (probe, before) in memory {
        var state = before.engine
        guard state.offlineSince == nil, let last = state.lastTs, now.seconds(since: last) > rule.silentAfterSeconds
        else { continue }
        let (recorded, journal) = try store.writeJournaled { tx -> RecordedEvent? in
          guard let source = try tx.source(site: probe.site, sensor: probe.sensor) else { return nil }
          let key = SensorKey(site: probe.site, room: source.room, sensor: probe.sensor)
          let room = products.room(for: key, lots: try tx.lots(inRoom: key.site, key.room, at: now))
          guard let event = rule.check(now: now, key: key, productID: room.profile.id, state: &state) else {
            return nil
          }
          let recorded = try tx.apply(event, lots: room.lots(for: event))
          try tx.saveEngineState(state, source: source.id)
          return recorded
        }
        committed = committed + CommittedEvents(alerts: recorded.map { [$0] } ?? [], journal: journal)
        memory[probe]?.engine = state
      }
      return committed
    }
  }

  /// Announces again the acknowledged alerts still open after `afterSeconds` (see `WriteTransaction.renotifyDue`).
  public func renotify(now: Timestamp, afterSeconds: Double) throws -> CommittedEvents {
    let (alerts, journal) = try store.writeJournaled { tx in try tx.renotifyDue(now: now, afterSeconds: afterSeconds) }
    return CommittedEvents(alerts: alerts, journal: journal)
  }
}
