import ColdTraceCore

extension AgentPresenceTracker {
  /// The `mqtt_probes` of an agent's status: their offline limits and availability for the `offline` rule, their
  /// batteries and links judged (`battery_low`, `weak_signal`) in the rooms the status's `probes` gives them.
  func receiveMappedProbes(of message: StatusMessage, id: AgentKey) -> CommittedEvents {
    guard let reports = message.mqttProbes else { return CommittedEvents() }
    mappedProbes.receive(reports, from: id)
    guard let health else { return CommittedEvents() }
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
