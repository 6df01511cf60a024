import ColdTraceCore
import ColdTraceStorage

extension IngestPipeline {
  /// Records `battery_low` and `weak_signal` events of a source's probe in one transaction, judged against the
  /// product of the probe's room at the event's time, and journals them.
  func recordProbeHealth(_ events: [AlertEvent]) throws -> CommittedEvents {
    guard !events.isEmpty else { return CommittedEvents() }
    let (alerts, journal) = try store.writeJournaled { tx -> [CommittedAlert] in
      try events.map { event in
        let room = products.room(
          for: event.key, lots: try tx.lots(inRoom: event.key.site, event.key.room, at: event.at))
        var judged = event
        judged.productID = room.profile.id
        return CommittedAlert(key: event.key, event: try tx.apply(judged, lots: room.lots(for: judged)))
      }
    }
    return CommittedEvents(alerts: alerts, journal: journal)
  }

  /// The `battery_low` and `weak_signal` alerts open now, per probe (to carry on judging after a restart).
  func openProbeHealthAlerts() throws -> [SensorKey: Set<AlertKind>] {
    var open: [SensorKey: Set<AlertKind>] = [:]
    for state in [AlertState.open, .acked] {
      var filter = AlertFilter()
      filter.state = state
      for alert in try store.alerts(filter) where alert.kind == .batteryLow || alert.kind == .weakSignal {
        open[SensorKey(site: alert.site, room: alert.room, sensor: alert.sensor), default: []].insert(alert.kind)
      }
    }
    return open
  }
}
