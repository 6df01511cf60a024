import ColdTraceCore
import ColdTraceStorage

/// Defrosts and doors in the group commit (docs/alert-rules.md, "Defrost and doors"): input samples and evaporator
/// probes change their room's conditions, scheduled defrosts are recorded as their start is reached, and every span
/// that begins or ends is written to `room_spans` in the group's transaction, with the alerts it raises.
extension IngestPipeline {
  /// Records the scheduled defrosts of the batch's rooms up to their newest sample.
  func recordSchedules(in batch: inout IngestBatch, tx: WriteTransaction) throws {
    for (room, schedule, from, through) in batch.scheduledRooms {
      let (site, name) = (batch.rooms[room].site, batch.rooms[room].room)
      try batch.updateConditions(room, config: conditionConfig) { conditions, _ in
        let events = conditions.recordSchedule(schedule, from: from, through: through)
        _ = try apply(events, to: &conditions, site: site, room: name, key: nil, shared: nil, tx: tx)
      }
    }
  }

  /// Applies a sample of an input (it carries `defrost` or `door_open`) or of an evaporator probe to its room's
  /// conditions; returns the alerts it raised or resolved.
  func updateConditions(
    with sample: Sample, key: SensorKey, room: Int, shared: SharedRoom, in batch: inout IngestBatch,
    tx: WriteTransaction
  ) throws -> [CommittedAlert] {
    var alerts: [CommittedAlert] = []
    try batch.updateConditions(room, config: conditionConfig) { conditions, settings in
      let events =
        sample.carriesSignal
        ? conditions.process(input: sample, key: key, productID: shared.profile.id, settings: settings)
        : conditions.process(evaporator: sample, key: key, productID: shared.profile.id, settings: settings)
      alerts = try apply(events, to: &conditions, site: key.site, room: key.room, key: key, shared: shared, tx: tx)
    }
    return alerts
  }

  /// Writes what `events` ask: spans opened (their row tied back to the state), spans closed, alert events recorded.
  private func apply(
    _ events: [RoomConditionEvent], to conditions: inout RoomConditions, site: String, room: String, key: SensorKey?,
    shared: SharedRoom?, tx: WriteTransaction
  ) throws -> [CommittedAlert] {
    var alerts: [CommittedAlert] = []
    for event in events {
      switch event {
      case .began(let span, let number):
        conditions.setRow(try tx.openRoomSpan(span, site: site, room: room), ofSpan: number)
      case .ended(let span, let row):
        if let row, let end = span.end { try tx.closeRoomSpan(row, at: end) }
      case .alert(let alert):
        guard let key else { continue }
        if alert.type != .opened, try !tx.hasOpenAlert(alert.key, kind: alert.kind) { continue }
        alerts.append(CommittedAlert(key: key, event: try tx.apply(alert, lots: shared?.lots(for: alert) ?? [])))
      }
    }
    return alerts
  }
}
