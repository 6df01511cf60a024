import ColdTraceCore
import GRDB

/// A probe's alert as its group sees it: its record, the room or site alert it belongs to and the end of the group
/// wait it is in (docs/alert-rules.md, "Probes crossing together").
public struct GroupedAlert: Sendable, Equatable {
  public var alert: AlertRecord
  public var groupID: Int64?
  public var waitEnd: Timestamp?

  /// As the room's alert names it.
  public var member: CrossingGroupRule.Member {
    CrossingGroupRule.Member(
      sensor: alert.sensor, severity: alert.severity, limit: alert.limit, peak: alert.peak,
      productID: alert.product ?? "-", room: alert.room)
  }
}

/// The group waits and memberships of `CrossingGroupRule`, kept with the alerts so a restart resumes them. A wait is
/// the site's (all its rooms' crossings of one kind); a group is a room's alert or a site's (room `-`). Every change
/// happens in the ingest transaction that recorded the alert event causing it.
extension WriteTransaction {
  private static let groupedColumns = "\(AlertRows.columns), group_id, group_wait_ms"

  private static func grouped(_ row: Row) -> GroupedAlert {
    GroupedAlert(
      alert: AlertRows.record(row), groupID: row["group_id"],
      waitEnd: (row["group_wait_ms"] as Int64?).map(Timestamp.init(milliseconds:)))
  }

  /// The probe's open alert of `kind` with its group and wait.
  public func groupedAlert(_ key: SensorKey, kind: AlertKind) throws -> GroupedAlert? {
    try Row.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT \(Self.groupedColumns) FROM alerts
          WHERE site = ? AND sensor = ? AND kind = ? AND state != 'resolved' ORDER BY opened_ms DESC LIMIT 1
          """), arguments: [key.site, key.sensor, kind.rawValue]
    ).map(Self.grouped)
  }

  /// An alert by id, as it stands in this transaction.
  public func alert(id: Int64) throws -> AlertRecord? { try AlertRows.alert(db, id: id) }

  /// The room's open alert of `kind` (sensor `*`), if any.
  public func openGroupAlert(site: String, room: String, kind: AlertKind) throws -> AlertRecord? {
    try AlertRows.openAlert(db, key: CrossingGroupRule.key(site: site, room: room), kind: kind)
  }

  /// The alerts of the site, in all its rooms, waiting in a group wait (any state: a member may have resolved within
  /// it), oldest first; of one `kind`, or of all.
  public func waitingAlerts(site: String, kind: AlertKind? = nil) throws -> [GroupedAlert] {
    try Row.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT \(Self.groupedColumns) FROM alerts
          WHERE site = ?1 AND group_wait_ms IS NOT NULL AND (?2 IS NULL OR kind = ?2) ORDER BY id
          """), arguments: [site, kind?.rawValue]
    ).map(Self.grouped)
  }

  /// Puts the alert in a group wait ending at `end`: its outbox rows are held until the wait is decided.
  public func holdForGroupWait(alertID: Int64, until end: Timestamp) throws {
    try db.cachedStatement(sql: "UPDATE alerts SET group_wait_ms = ? WHERE id = ?")
      .execute(arguments: [end.milliseconds, alertID])
    try db.cachedStatement(sql: "UPDATE notifications SET state = 'held' WHERE alert_id = ? AND state = 'pending'")
      .execute(arguments: [alertID])
  }

  /// Ends the alert's wait as a lone crossing: its held rows go out as they were queued.
  public func releaseFromGroupWait(alertID: Int64) throws {
    try db.cachedStatement(sql: "UPDATE alerts SET group_wait_ms = NULL WHERE id = ?").execute(arguments: [alertID])
    try db.cachedStatement(sql: "UPDATE notifications SET state = 'pending' WHERE alert_id = ? AND state = 'held'")
      .execute(arguments: [alertID])
  }

  /// Makes the alert a member of the room's or site's alert `groupID`: its wait ends, and its held or pending rows
  /// are dropped for the group's (state `grouped`, done at `now`) on every channel the group's alert was queued for;
  /// on another (a `rooms` route that names the member's room, not the site's `-`), they go out as queued.
  public func joinGroup(alertID: Int64, groupID: Int64, now: Timestamp) throws {
    try db.cachedStatement(sql: "UPDATE alerts SET group_id = ?, group_wait_ms = NULL WHERE id = ?")
      .execute(arguments: [groupID, alertID])
    try groupNotifications(ofAlert: alertID, into: groupID, now: now)
    try releaseFromGroupWait(alertID: alertID)
  }

  /// Marks the alert's held and pending rows `grouped` (done at `now`) on every channel the group's alert `groupID`
  /// was queued for; the others stay as they are.
  public func groupNotifications(ofAlert alertID: Int64, into groupID: Int64, now: Timestamp) throws {
    try db.cachedStatement(
      sql: """
        UPDATE notifications SET state = 'grouped', done_ms = ?1
        WHERE alert_id = ?2 AND state IN ('held', 'pending')
          AND channel IN (SELECT channel FROM notifications WHERE alert_id = ?3)
        """
    ).execute(arguments: [now.milliseconds, alertID, groupID])
  }

  /// The members of the room's or site's alert `groupID`, oldest first.
  public func groupMembers(_ groupID: Int64) throws -> [GroupedAlert] {
    try Row.fetchAll(
      db.cachedStatement(sql: "SELECT \(Self.groupedColumns) FROM alerts WHERE group_id = ? ORDER BY id"),
      arguments: [groupID]
    ).map(Self.grouped)
  }

  /// Brings the room's or site's alert's message and peak up to date with its members, without an event (nothing to notify).
  public func updateGroupSummary(_ groupID: Int64, with event: AlertEvent, lots: [String] = []) throws {
    // A later member's lots join the group alert's, so each lot's report lists it.
    var merged = try alert(id: groupID)?.lots ?? []
    merged += lots.filter { !merged.contains($0) }
    try db.cachedStatement(sql: "UPDATE alerts SET message = ?, peak = COALESCE(?, peak), lots = ? WHERE id = ?")
      .execute(arguments: [event.message, event.peak, AlertRows.encodeLots(merged), groupID])
  }

  /// Resolves the room's or site's alert that `alertID` is a member of, once none of its members is open (the last one just
  /// resolved: by its readings, or by retiring its probe); `nil` when there is nothing to resolve.
  public func resolveGroupIfOver(afterMember alertID: Int64, at: Timestamp) throws -> RecordedEvent? {
    guard
      let groupID = try Int64.fetchOne(
        db.cachedStatement(sql: "SELECT group_id FROM alerts WHERE id = ?"), arguments: [alertID]),
      let group = try alert(id: groupID), group.state != .resolved
    else { return nil }
    let members = try groupMembers(groupID)
    guard members.allSatisfy({ $0.alert.state == .resolved }) else { return nil }
    return try apply(
      CrossingGroupRule.resolution(
        site: group.site, room: group.room, kind: group.kind, severity: group.severity,
        productID: group.product ?? "-", count: members.count, rooms: Set(members.map(\.alert.room)).count,
        at: max(at, group.openedAt)))
  }

  /// The collector's clock, for stamping outbox rows (the event's time without notification channels).
  public func outboxNow(or fallback: Timestamp) -> Timestamp { routing?.clock.now() ?? fallback }
}

extension SQLiteStore {
  /// Every site with an undecided group wait, and when its earliest one ends (read at start).
  public func groupWaitEnds() throws -> [(site: String, end: Timestamp)] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: "SELECT site, MIN(group_wait_ms) AS ends FROM alerts WHERE group_wait_ms IS NOT NULL GROUP BY site"
      ).map { ($0["site"], Timestamp(milliseconds: $0["ends"])) }
    }
  }
}
