import ColdTraceCore
import ColdTraceStorage

/// Probes crossing the same limit together: one room-level alert, or one site-level alert when they are in two or
/// more rooms of the site (`CrossingGroupRule`). Each probe's own alert is recorded as always; its notification waits
/// for the site's group wait, decided in event time by the first sample of the site past the wait's end, in the
/// transaction of that sample (or by the timer once the site went quiet). The waits and memberships live in the
/// alerts table, so a restart resumes them.
extension IngestPipeline {
  /// Records one alert event of a probe hanging in the batch's `room`: a crossing the rule groups goes through the
  /// site's group wait or the room's or site's open alert; any other event is applied as always.
  func record(
    _ event: AlertEvent, lots: [String], room: Int, in batch: inout IngestBatch, tx: WriteTransaction
  ) throws -> [CommittedAlert] {
    switch event.type {
    case .opened where crossingGroups.isEnabled && CrossingGroupRule.isCrossing(event):
      return try recordCrossing(event, lots: lots, room: room, in: &batch, tx: tx)
    // A member's change finds its group even once grouping is turned off (a room alert still open resolves).
    case .escalated where CrossingGroupRule.isCrossing(event), .resolved where CrossingGroupRule.isCrossing(event):
      return try recordMemberChange(event, lots: lots, tx: tx)
    case .opened, .escalated, .resolved:
      return [CommittedAlert(key: event.key, event: try tx.apply(event, lots: lots))]
    }
  }

  /// Decides the group waits of the batch room's site that ended before `ts` (a sample's time), first thing for each
  /// sample.
  func decideGroupWaits(ofRoom room: Int, before ts: Timestamp, in batch: inout IngestBatch, tx: WriteTransaction)
    throws -> [CommittedAlert]
  {
    guard let end = batch.groupWait(ofRoom: room), end < ts else { return [] }
    let site = batch.names(ofRoom: room).site
    let (decided, remaining) = try decideGroupWaits(site: site, before: ts, tx: tx)
    batch.setGroupWait(remaining, ofSite: site)
    return decided
  }

  /// The timer's round of `decideQuietGroupWaits(now:memory:into:)`; what committed before a failure is returned with
  /// it.
  public func decideQuietGroupWaits(now: Timestamp) -> (committed: CommittedEvents, failure: (any Error)?) {
    committed.withLock { memory in
      var committed = CommittedEvents()
      guard !memory.groupWaits.isEmpty else { return (committed, nil) }
      do {
        try decideQuietGroupWaits(now: now, memory: &memory, into: &committed)
        return (committed, nil)
      } catch {
        return (committed, error)
      }
    }
  }

  /// Decides the sites' group waits on the timer, for sites no sample has decided within the group wait of the
  /// collector's clock since the timer first saw the wait (the site went quiet after its crossings: its agent may
  /// have lost power with it), so a quiet site's alarm is held about one wait, not longer.
  func decideQuietGroupWaits(now: Timestamp, memory: inout CommittedProbes, into committed: inout CommittedEvents)
    throws
  {
    for site in memory.groupWaitsNoticed.keys where memory.groupWaits[site] == nil {
      memory.groupWaitsNoticed[site] = nil
    }
    for (site, end) in memory.groupWaits {
      guard let noticed = memory.groupWaitsNoticed[site], noticed.end == end else {
        memory.groupWaitsNoticed[site] = (end, now)
        continue
      }
      guard now.seconds(since: noticed.at) >= crossingGroups.waitSeconds else { continue }
      let ((decided, remaining), journal) = try store.writeJournaled { tx in
        try decideGroupWaits(site: site, before: Timestamp(milliseconds: .max), tx: tx)
      }
      committed = committed + CommittedEvents(alerts: decided, journal: journal)
      memory.groupWaits[site] = remaining
    }
  }

  /// Decides every wait of the site that ended before `ts`: `minimumProbes` members or more open one alert, the
  /// room's when they all crossed in one room, else the site's; fewer are notified on their own. Returns the events
  /// and the end of the earliest wait left.
  private func decideGroupWaits(site: String, before ts: Timestamp, tx: WriteTransaction) throws
    -> (decided: [CommittedAlert], remaining: Timestamp?)
  {
    let waiting = try tx.waitingAlerts(site: site)
    var decided: [CommittedAlert] = []
    var remaining: Timestamp?
    for kind in AlertKind.allCases {
      let members = waiting.filter { $0.alert.kind == kind }
      guard let end = members.compactMap(\.waitEnd).min() else { continue }
      guard end < ts else {
        remaining = min(remaining ?? end, end)
        continue
      }
      decided += try decideGroupWait(members, site: site, kind: kind, tx: tx)
    }
    return (decided, remaining)
  }

  /// Decides one wait of the site: members heard in two or more rooms open the site's alert; otherwise each room's
  /// members are decided on their own. A member a silence covers (over its room, say) takes no part in a site
  /// alert, which only a silence over the whole site holds back: its room decides it as before.
  private func decideGroupWait(_ members: [GroupedAlert], site: String, kind: AlertKind, tx: WriteTransaction)
    throws -> [CommittedAlert]
  {
    let heard = members.filter { $0.alert.silenced == nil }
    guard Set(heard.map(\.alert.room)).count >= 2 else {
      return try decideByRoom(members, site: site, kind: kind, tx: tx)
    }
    let silenced = members.filter { $0.alert.silenced != nil }
    return try openGroup(heard, site: site, room: CrossingGroupRule.siteRoom, kind: kind, tx: tx)
      + decideByRoom(silenced, site: site, kind: kind, tx: tx)
  }

  private func decideByRoom(_ members: [GroupedAlert], site: String, kind: AlertKind, tx: WriteTransaction) throws
    -> [CommittedAlert]
  {
    var decided: [CommittedAlert] = []
    for room in Set(members.map(\.alert.room)).sorted() {
      decided += try openGroup(members.filter { $0.alert.room == room }, site: site, room: room, kind: kind, tx: tx)
    }
    return decided
  }

  /// Opens the alert of `room` (a room, or the site's `-`) for `members`, when they are `minimumProbes` probes or
  /// more; else notifies each on its own.
  private func openGroup(
    _ members: [GroupedAlert], site: String, room: String, kind: AlertKind, tx: WriteTransaction
  ) throws -> [CommittedAlert] {
    // Probes, not alerts: one probe flapping across its limit within the wait is still one probe, notified alone.
    var probes: [String: CrossingGroupRule.Member] = [:]
    for member in members.map(\.member) where (probes[member.sensor]?.severity ?? .warning) <= member.severity {
      probes[member.sensor] = member
    }
    guard probes.count >= crossingGroups.minimumProbes else {
      for member in members { try tx.releaseFromGroupWait(alertID: member.alert.id) }
      return []
    }
    let first = members.map(\.alert.openedAt).min() ?? Timestamp(milliseconds: 0)
    let opening = CrossingGroupRule.opening(
      site: site, room: room, kind: kind, members: probes.values.sorted { $0.sensor < $1.sensor }, at: first)
    var lots: [String] = []
    for lot in members.flatMap(\.alert.lots) where !lots.contains(lot) { lots.append(lot) }
    let group = try tx.apply(opening, lots: lots)
    var decided = [CommittedAlert(key: opening.key, event: group)]
    let now = tx.outboxNow(or: first)
    for member in members { try tx.joinGroup(alertID: member.alert.id, groupID: group.alert.id, now: now) }
    // Every member resolved within the wait: the group's alert is over as soon as it opens.
    let last = members.compactMap(\.alert.resolvedAt).max() ?? first
    if let member = members.first, let resolution = try tx.resolveGroupIfOver(afterMember: member.alert.id, at: last) {
      decided.append(CommittedAlert(key: opening.key, event: resolution))
    }
    return decided
  }

  /// A probe's crossing: joins its room's open alert, else its site's (silently), or the site's group wait of its
  /// kind (starting one).
  private func recordCrossing(
    _ event: AlertEvent, lots: [String], room: Int, in batch: inout IngestBatch, tx: WriteTransaction
  ) throws -> [CommittedAlert] {
    let key = event.key
    if let group = try tx.openGroupAlert(site: key.site, room: key.room, kind: event.kind)
      ?? tx.openGroupAlert(site: key.site, room: CrossingGroupRule.siteRoom, kind: event.kind)
    {
      let member = try recordSilently(event, lots: lots, group: group, tx: tx)
      try tx.joinGroup(alertID: member.alert.id, groupID: group.id, now: tx.outboxNow(or: event.at))
      return [CommittedAlert(key: key, event: member)] + (try refreshGroup(group, at: event.at, lots: lots, tx: tx))
    }
    // Waits that ended before this sample were decided before it: one still waiting takes this crossing.
    let waiting = try tx.waitingAlerts(site: key.site, kind: event.kind)
    let end = waiting.compactMap(\.waitEnd).min() ?? crossingGroups.waitEnd(startedAt: event.at)
    let member = try tx.apply(event, lots: lots)
    try tx.holdForGroupWait(alertID: member.alert.id, until: end)
    batch.setGroupWait(min(batch.groupWait(ofRoom: room) ?? end, end), ofSite: key.site)
    return [CommittedAlert(key: key, event: member)]
  }

  /// Records a member's event without a message of its own: a room alert's member queues nothing; a site alert's
  /// queues as always and its rows are grouped at once on the channels the site alert was queued for, so a channel
  /// that hears of the member's room only (a `rooms` route) still hears of it.
  private func recordSilently(_ event: AlertEvent, lots: [String], group: AlertRecord, tx: WriteTransaction) throws
    -> RecordedEvent
  {
    guard group.room == CrossingGroupRule.siteRoom else { return try tx.apply(event, lots: lots, notify: false) }
    let recorded = try tx.apply(event, lots: lots)
    try tx.groupNotifications(ofAlert: recorded.alert.id, into: group.id, now: tx.outboxNow(or: event.at))
    return recorded
  }

  /// A probe's escalation or resolution: held with its crossing while it waits; for a member of a room's or site's
  /// alert, recorded silently, escalating the group's alert or resolving it with its last member.
  private func recordMemberChange(_ event: AlertEvent, lots: [String], tx: WriteTransaction) throws
    -> [CommittedAlert]
  {
    let grouped = try tx.groupedAlert(event.key, kind: event.kind)
    if let end = grouped?.waitEnd {
      let recorded = try tx.apply(event, lots: lots)
      try tx.holdForGroupWait(alertID: recorded.alert.id, until: end)
      return [CommittedAlert(key: event.key, event: recorded)]
    }
    guard let groupID = grouped?.groupID, let group = try tx.alert(id: groupID) else {
      return [CommittedAlert(key: event.key, event: try tx.apply(event, lots: lots))]
    }
    let recorded = try recordSilently(event, lots: lots, group: group, tx: tx)
    let changed = [CommittedAlert(key: event.key, event: recorded)]
    guard event.type == .resolved else {
      guard group.state != .resolved else { return changed }
      return changed + (try refreshGroup(group, at: event.at, lots: [], tx: tx))
    }
    guard let resolution = try tx.resolveGroupIfOver(afterMember: recorded.alert.id, at: event.at) else {
      return changed
    }
    let key = CrossingGroupRule.key(site: resolution.alert.site, room: resolution.alert.room)
    return changed + [CommittedAlert(key: key, event: resolution)]
  }

  /// Names the group alert's members again in its message; escalates it (notified) when a member is now worse.
  private func refreshGroup(_ group: AlertRecord, at: Timestamp, lots: [String], tx: WriteTransaction) throws
    -> [CommittedAlert]
  {
    let members = try tx.groupMembers(group.id).map(\.member)
    let (event, escalates) = CrossingGroupRule.update(
      site: group.site, room: group.room, kind: group.kind, members: members, groupSeverity: group.severity, at: at)
    guard escalates else {
      try tx.updateGroupSummary(group.id, with: event, lots: lots)
      return []
    }
    return [CommittedAlert(key: event.key, event: try tx.apply(event, lots: lots))]
  }
}
