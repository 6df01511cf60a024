import ColdTraceCore
import ColdTraceStorage

extension IngestPipeline {
  /// Opens `offline` for every probe silent for longer than the rule allows, judged by the collector's clock `now`,
  /// one transaction per probe; a retired probe never (the shell retires it: the check reads it in the same
  /// transaction, and remembers it). A failure stops the round: what was committed before it is returned with it.
  /// `silentAfter` gives a probe's own limit in seconds, given its latest reading's time (a `[[source]]`'s
  /// `offline_after_minutes`, or less once its device announced itself offline), else `rule`'s. `links` are the
  /// site brokers' links (`SiteLink`): a site whose bridge is down is not judged (`uplink_down` stands in for its
  /// probes' alerts, `SiteUplinkRule`); once it is back, its probes' silence counts from then, so a probe whose
  /// readings still do not come goes `offline` a whole limit later, not at once for the outage.
  public func checkSilence(
    now: Timestamp, rule: SilenceRule, links: [String: SiteLink] = [:],
    silentAfter: (ProbeKey, Timestamp) -> Double? = { _, _ in nil }
  ) -> (committed: CommittedEvents, failure: (any Error)?) {
    committed.withLock { memory in
      var committed = CommittedEvents()
      do {
        try checkSilence(
          now: now, rule: rule, links: links, silentAfter: silentAfter, memory: &memory, into: &committed)
        return (committed, nil)
      } catch {
        return (committed, error)
      }
    }
  }

  private func checkSilence(
    now: Timestamp, rule general: SilenceRule, links: [String: SiteLink], silentAfter: (ProbeKey, Timestamp) -> Double?,
    memory: inout CommittedProbes,
    into committed: inout CommittedEvents
  ) throws {
    // Many probes of one site silent in the same round make one site-level alert (`OfflineGroupRule`).
    var due: [String: [ProbeKey]] = [:]
    var rules: [ProbeKey: SilenceRule] = [:]
    for (probe, before) in memory.probes where !before.retired {
      let rule =
        before.engine.lastTs.flatMap { silentAfter(probe, $0) }.map(SilenceRule.init(silentAfterSeconds:)) ?? general
      guard before.engine.offlineSince == nil, var last = before.engine.lastTs else { continue }
      switch links[probe.site] {
      case .down: continue
      case .upSince(let since): last = max(last, since)
      case nil: break
      }
      guard now.seconds(since: last) > rule.silentAfterSeconds else { continue }
      due[probe.site, default: []].append(probe)
      rules[probe] = rule
    }
    for (site, probes) in due where probes.count >= OfflineGroupRule.threshold {
      try raiseOfflineGroup(
        site: site, probes: probes, now: now, rule: general, rules: rules, memory: &memory, into: &committed)
    }
    for (_, probes) in due where probes.count < OfflineGroupRule.threshold {
      for probe in probes {
        try checkSilence(of: probe, now: now, rule: rules[probe] ?? general, memory: &memory, into: &committed)
      }
    }
    try resolveOfflineGroups(now: now, memory: memory, into: &committed)
  }

  /// The `offline` rule for one silent probe, in one transaction.
  private func checkSilence(
    of probe: ProbeKey, now: Timestamp, rule: SilenceRule, memory: inout CommittedProbes,
    into committed: inout CommittedEvents
  ) throws {
    guard var state = memory[probe]?.engine else { return }
    var retired = false
    let (raised, journal) = try store.writeJournaled { tx -> CommittedAlert? in
      guard let source = try tx.source(site: probe.site, sensor: probe.sensor) else { return nil }
      if try tx.retirement(ofSource: source.id) != nil {
        retired = true
        return nil
      }
      let key = SensorKey(site: probe.site, room: source.room, sensor: probe.sensor)
      let room = products.room(for: key, lots: try tx.lots(inRoom: key.site, key.room, at: now))
      guard let event = rule.check(now: now, key: key, productID: room.profile.id, state: &state) else { return nil }
      let recorded = try tx.apply(event, lots: room.lots(for: event))
      try tx.saveEngineState(state, source: source.id)
      return CommittedAlert(key: key, event: recorded)
    }
    committed = committed + CommittedEvents(alerts: raised.map { [$0] } ?? [], journal: journal)
    memory[probe]?.engine = state
    if retired { memory[probe]?.retired = true }
  }

  /// The `calibration_due` rule over every active probe with a calibration on record, at the collector's clock
  /// `now`, in one transaction: the alerts it opened, escalated or resolved, each on its probe's room.
  public func checkCalibrations(now: Timestamp, rule: CalibrationRule) throws -> CommittedEvents {
    let (raised, journal) = try store.writeJournaled { tx in
      try tx.activeCalibrations().compactMap { probe in
        try tx.checkCalibration(source: probe.source, key: probe.key, now: now, rule: rule).map {
          CommittedAlert(key: probe.key, event: $0)
        }
      }
    }
    return CommittedEvents(alerts: raised, journal: journal)
  }

  /// Announces again the acknowledged alerts still open after `afterSeconds` (see `WriteTransaction.renotifyDue`), on
  /// the topic of the room each was raised in.
  public func renotify(now: Timestamp, afterSeconds: Double) throws -> CommittedEvents {
    let (events, journal) = try store.writeJournaled { tx in try tx.renotifyDue(now: now, afterSeconds: afterSeconds) }
    let alerts = events.map { event in
      CommittedAlert(
        key: SensorKey(site: event.alert.site, room: event.alert.room, sensor: event.alert.sensor), event: event)
    }
    return CommittedEvents(alerts: alerts, journal: journal)
  }

  /// Announces, once, the open alerts a silence or maintenance window hid and that nothing covers any more at `now`
  /// (`WriteTransaction.releaseSilencedAlerts`): a silence that expired, or one the shell ended (the collector learns
  /// of it from the database, as of an acknowledgement).
  public func releaseSilenced(now: Timestamp) throws -> CommittedEvents {
    let (events, journal) = try store.writeJournaled { tx in try tx.releaseSilencedAlerts(now: now) }
    let alerts = events.map { event in
      CommittedAlert(
        key: SensorKey(site: event.alert.site, room: event.alert.room, sensor: event.alert.sensor), event: event)
    }
    return CommittedEvents(alerts: alerts, journal: journal)
  }
}
