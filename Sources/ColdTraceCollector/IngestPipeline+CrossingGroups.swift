import ColdTraceCore
import ColdTraceStorage

/// Probes of one room crossing the same limit together: one room-level alert (`CrossingGroupRule`). Each probe's own
/// alert is recorded as always; its notification waits for the room's group wait, decided in event time by the first
/// sample of the room past the wait's end, in the transaction of that sample (or by the timer once the room went
/// quiet). The waits and memberships live in the alerts table, so a restart resumes them.
extension IngestPipeline {
  /// Records one alert event of a probe hanging in the batch's `room`: a crossing the rule groups goes through the
  /// room's group wait or open alert; any other event is applied as always.
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

  /// Decides the batch room's group waits that ended before `ts` (a sample's time), first thing for each sample.
  func decideGroupWaits(ofRoom room: Int, before ts: Timestamp, in batch: inout IngestBatch, tx: WriteTransaction)
    throws -> [CommittedAlert]
  {
    guard let end = batch.groupWait(ofRoom: room), end < ts else { return [] }
    let names = batch.names(ofRoom: room)
    let (decided, remaining) = try decideGroupWaits(site: names.site, room: names.room, before: ts, tx: tx)
    batch.setGroupWait(remaining, ofRoom: room)
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

  /// Decides the room's group waits on the timer, for rooms no sample has decided within the group wait of the
  /// collector's clock since the timer first saw the wait (the room went quiet after its crossings: its agent may
  /// have lost power with it), so a quiet room's alarm is held about one wait, not longer.
  func decideQuietGroupWaits(now: Timestamp, memory: inout CommittedProbes, into committed: inout CommittedEvents)
    throws
  {
    for room in memory.groupWaitsNoticed.keys where memory.groupWaits[room] == nil {
      memory.groupWaitsNoticed[room] = nil
    }
    for (room, end) in memory.groupWaits {
      guard let noticed = memory.groupWaitsNoticed[room], noticed.end == end else {
        memory.groupWaitsNoticed[room] = (end, now)
        continue
      }
      guard now.seconds(since: noticed.at) >= crossingGroups.waitSeconds else { continue }
      let ((decided, remaining), journal) = try store.writeJournaled { tx in
        try decideGroupWaits(site: room.site, room: room.room, before: Timestamp(milliseconds: .max), tx: tx)
      }
      committed = committed + CommittedEvents(alerts: decided, journal: journal)
      memory.groupWaits[room] = remaining
    }
  }

  /// Decides every wait of the room that ended before `ts`: `minimumProbes` members or more open the room's alert,
  /// fewer are notified on their own. Returns the events and the end of the earliest wait left.
  private func decideGroupWaits(site: String, room: String, before ts: Timestamp, tx: WriteTransaction) throws
    -> (decided: [CommittedAlert], remaining: Timestamp?)
  {
    let waiting = try tx.waitingAlerts(site: site, room: room)
    var decided: [CommittedAlert] = []
    var remaining: Timestamp?
    for kind in AlertKind.allCases {
      let members = waiting.filter { $0.alert.kind == kind }
      guard let end = members.compactMap(\.waitEnd).min() else { continue }
      guard end < ts else {
        remaining = min(remaining ?? end, end)
        continue
      }
      decided += try decideGroupWait(members, site: site, room: room, kind: kind, tx: tx)
    }
    return (decided, remaining)
  }

  private func decideGroupWait(
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
    // Every member resolved within the wait: the room's alert is over as soon as it opens.
    let last = members.compactMap(\.alert.resolvedAt).max() ?? first
    if let member = members.first, let resolution = try tx.resolveGroupIfOver(afterMember: member.alert.id, at: last) {
      decided.append(CommittedAlert(key: opening.key, event: resolution))
    }
    return decided
  }

  /// A probe's crossing: joins the room's open alert (silently), or the room's group wait of its kind (starting one).
  private func recordCrossing(
    _ event: AlertEvent, lots: [String], room: Int, in batch: inout IngestBatch, tx: WriteTransaction
  ) throws -> [CommittedAlert] {
    let key = event.key
    if let group = try tx.openGroupAlert(site: key.site, room: key.room, kind: event.kind) {
      let member = try tx.apply(event, lots: lots, notify: false)
      try tx.joinGroup(alertID: member.alert.id, groupID: group.id, now: tx.outboxNow(or: event.at))
      return [CommittedAlert(key: key, event: member)] + (try refreshGroup(group, at: event.at, lots: lots, tx: tx))
    }
    // Waits that ended before this sample were decided before it: one still waiting takes this crossing.
    let waiting = try tx.waitingAlerts(site: key.site, room: key.room, kind: event.kind)
    let end = waiting.compactMap(\.waitEnd).min() ?? crossingGroups.waitEnd(startedAt: event.at)
    let member = try tx.apply(event, lots: lots)
    try tx.holdForGroupWait(alertID: member.alert.id, until: end)
    batch.setGroupWait(min(batch.groupWait(ofRoom: room) ?? end, end), ofRoom: room)
    return [CommittedAlert(key: key, event: member)]
  }

  /// A probe's escalation or resolution: held with its crossing while it waits; for a member of a room's alert,
  /// recorded silently, escalating the room's alert or resolving it with its last member.
  private func recordMemberChange(_ event: AlertEvent, lots: [String], tx: WriteTransaction) throws
    -> [CommittedAlert]
  {
    let grouped = try tx.groupedAlert(event.key, kind: event.kind)
    if let end = grouped?.waitEnd {
      let recorded = try tx.apply(event, lots: lots)
      try tx.holdForGroupWait(alertID: recorded.alert.id, until: end)
      return [CommittedAlert(key: event.key, event: recorded)]
    }
    guard let groupID = grouped?.groupID else {
      return [CommittedAlert(key: event.key, event: try tx.apply(event, lots: lots))]
    }
    let recorded = try tx.apply(event, lots: lots, notify: false)
    let changed = [CommittedAlert(key: event.key, event: recorded)]
    guard event.type == .resolved else {
      guard let group = try tx.alert(id: groupID), group.state != .resolved else { return changed }
      return changed + (try refreshGroup(group, at: event.at, lots: [], tx: tx))
    }
    guard let resolution = try tx.resolveGroupIfOver(afterMember: recorded.alert.id, at: event.at) else {
      return changed
    }
    let key = CrossingGroupRule.key(site: resolution.alert.site, room: resolution.alert.room)
    return changed + [CommittedAlert(key: key, event: resolution)]
  }

  /// Names the room alert's members again in its message; escalates it (notified) when a member is now worse.
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
