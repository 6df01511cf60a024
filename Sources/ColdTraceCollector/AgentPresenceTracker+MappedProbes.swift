import ColdTraceCore

extension AgentPresenceTracker {
  /// The `mqtt_probes` of an agent's status: their offline limits and availability for the `offline` rule, their
  /// batteries and links judged (`battery_low`, `weak_signal`) in the rooms the status's `probes` gives them.
  /// (Their limits and availability are taken in `receive`, on the network thread; this runs on the writer.)
  func judgeMappedProbes(of message: StatusMessage, id: AgentKey) -> CommittedEvents {
    guard let reports = message.mqttProbes, let health else { return CommittedEvents() }
    var committed = CommittedEvents()
    for sensor in reports.keys.sorted() {
      guard let report = reports[sensor], let at = report.healthAt, let room = message.probes?[sensor] else { continue }
      committed =
        committed
        + health.judge(
          report.health, key: SensorKey(site: id.site, room: room, sensor: sensor), rule: report.limits, at: at,
          from: "agent \(id.agent)")
    }
    return committed
  }
}
