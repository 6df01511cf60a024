import ColdTraceCore
import ColdTraceStorage

extension IngestPipeline {
  /// Marks `probes` of `site`, all silent at `now`, offline in their own state and opens one site-level `offline`
  /// alert naming them (`OfflineGroupRule`), or, while one is open already, adds them to it silently. One
  /// transaction. Each probe is judged by its own rule in `rules` (a `[[source]]`'s limit), else by `rule`.
  func raiseOfflineGroup(
    site: String, probes: [ProbeKey], now: Timestamp, rule: SilenceRule, rules: [ProbeKey: SilenceRule] = [:],
    memory: inout CommittedProbes, into committed: inout CommittedEvents
  ) throws {
    var states: [ProbeKey: SensorRuleState] = [:]
    var retired: [ProbeKey] = []
    let (raised, journal) = try store.writeJournaled { tx -> CommittedAlert? in
      var silent: [String] = []
      for probe in probes {
        guard let source = try tx.source(site: probe.site, sensor: probe.sensor), var state = memory[probe]?.engine
        else { continue }
        if try tx.retirement(ofSource: source.id) != nil {
          retired.append(probe)
          continue
        }
        let key = SensorKey(site: probe.site, room: source.room, sensor: probe.sensor)
        let probeRule = rules[probe] ?? rule
        guard probeRule.check(now: now, key: key, productID: "-", state: &state) != nil else { continue }
        try tx.saveEngineState(state, source: source.id)
        states[probe] = state
        silent.append(probe.sensor)
      }
      let group = OfflineGroupRule.key(site: site)
      guard !silent.isEmpty, try !tx.hasOpenAlert(group, kind: .offline) else { return nil }
      let event = OfflineGroupRule.opening(
        site: site, sensors: silent, silentAfterSeconds: rule.silentAfterSeconds, now: now)
      return CommittedAlert(key: group, event: try tx.apply(event))
    }
    committed = committed + CommittedEvents(alerts: raised.map { [$0] } ?? [], journal: journal)
    for (probe, state) in states { memory[probe]?.engine = state }
    for probe in retired { memory[probe]?.retired = true }
  }

  /// Resolves each site-level `offline` alert whose site has no silent probe left.
  func resolveOfflineGroups(now: Timestamp, memory: CommittedProbes, into committed: inout CommittedEvents) throws {
    var silentSites = Set<String>()
    for (probe, state) in memory.probes where !state.retired && state.engine.offlineSince != nil {
      silentSites.insert(probe.site)
    }
    var open = AlertFilter()
    open.state = .open
    open.sensor = "*"
    var acked = open
    acked.state = .acked
    let groups = try store.alerts(open) + store.alerts(acked)
    for alert in groups where alert.kind == .offline && alert.room == "-" && !silentSites.contains(alert.site) {
      let event = OfflineGroupRule.resolution(site: alert.site, now: now)
      let (recorded, journal) = try store.writeJournaled { tx in try tx.apply(event) }
      committed =
        committed + CommittedEvents(alerts: [CommittedAlert(key: event.key, event: recorded)], journal: journal)
    }
  }
}
