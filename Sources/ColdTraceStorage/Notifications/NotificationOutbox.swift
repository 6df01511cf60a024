import ColdTraceCore
import ColdTraceSystem
import GRDB

/// The notification channels a collector routes alert events to, and the clock that stamps queued rows (the
/// collector's: an event replayed from an agent's backlog is queued now, and given up 24 h from now, not from the
/// reading's time).
public struct NotificationRouting: Sendable {
  public var routes: [NotificationRoute]
  public var clock: any ServiceClock

  public init(routes: [NotificationRoute], clock: any ServiceClock) {
    self.routes = routes
    self.clock = clock
  }
}

/// One row of the outbox: an alert event (or an escalation) waiting for, or done with, one channel.
public struct NotificationRow: Sendable, Equatable {
  public var id: Int64
  public var channel: String
  public var alertID: Int64
  /// The journal event id (an escalation carries its alert's latest event id).
  public var eventID: Int64
  public var event: String
  public var site: String
  public var room: String
  public var severity: Severity
  /// Goes to the channel's escalation contacts, not its usual ones.
  public var escalation: Bool
  /// The JSON line the program gets on its standard input.
  public var line: String
  public var queuedAt: Timestamp
  public var dueAt: Timestamp
  public var attempts: Int
  public var state: String

  static let columns =
    "id, channel, alert_id, event_id, event, site, room, severity, escalation, line, queued_ms, due_ms, attempts, state"

  init(_ row: Row) {
    id = row["id"]
    channel = row["channel"]
    alertID = row["alert_id"]
    eventID = row["event_id"]
    event = row["event"]
    site = row["site"]
    room = row["room"]
    severity = Severity(rawValue: row["severity"]) ?? .warning
    escalation = row["escalation"]
    line = row["line"]
    queuedAt = Timestamp(milliseconds: row["queued_ms"])
    dueAt = Timestamp(milliseconds: row["due_ms"])
    attempts = row["attempts"]
    state = row["state"]
  }
}

extension WriteTransaction {
  /// Queues `recorded` for every channel whose filters take its alert: due now, or at the end of the channel's quiet
  /// hours for a warning.
  func queueNotifications(_ recorded: RecordedEvent, event: String) throws {
    guard let routing else { return }
    let now = routing.clock.now()
    for route in routing.routes where route.matches(recorded.alert) {
      try insertNotification(
        route: route, alert: recorded.alert, eventID: recorded.eventID, event: event, line: recorded.line,
        escalation: false, now: now)
    }
  }

  private func insertNotification(
    route: NotificationRoute, alert: AlertRecord, eventID: Int64, event: String, line: String, escalation: Bool,
    now: Timestamp
  ) throws {
    // Given up `giveUpSeconds` after it is first due, so a warning held back by quiet hours gets its full time.
    let due = escalation ? now : route.due(severity: alert.severity, queuedAt: now)
    try db.cachedStatement(
      sql: """
        INSERT INTO notifications (channel, alert_id, event_id, event, site, room, severity, escalation, line,
          queued_ms, due_ms, give_up_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      route.channel, alert.id, eventID, event, alert.site, alert.room, alert.severity.rawValue, escalation, line,
      now.milliseconds, due.milliseconds, due.milliseconds + Int64(route.giveUpSeconds * 1000),
    ])
  }

  /// Queues an `escalation` row for every alert this channel was told of that is still open and unacknowledged
  /// `escalateAfterSeconds` after it opened, once per alert; returns how many. A member of a room's alert was not
  /// told of (its rows `held` or `grouped`): its room's alert is escalated instead.
  public func queueEscalations(route: NotificationRoute, now: Timestamp) throws -> Int {
    guard let after = route.escalateAfterSeconds else { return 0 }
    let cutoff = now.milliseconds - Int64(after * 1000)
    let due = try Row.fetchAll(
      db,
      sql: """
        SELECT \(AlertRows.columns), (SELECT MAX(n.event_id) FROM notifications n
          WHERE n.alert_id = alerts.id AND n.channel = ?) AS last_event
        FROM alerts
        WHERE state = 'open' AND silence_pending = 0 AND opened_ms <= ?
          AND EXISTS (SELECT 1 FROM notifications n WHERE n.alert_id = alerts.id AND n.channel = ? AND n.escalation = 0
            AND n.state NOT IN ('held', 'grouped'))
          AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.alert_id = alerts.id AND n.channel = ?
            AND n.escalation = 1)
        ORDER BY id
        """, arguments: [route.channel, cutoff, route.channel, route.channel])
    for row in due {
      let alert = AlertRows.record(row)
      let eventID: Int64 = row["last_event"]
      try insertNotification(
        route: route, alert: alert, eventID: eventID, event: "escalation",
        line: alert.jsonLine(event: "escalation", eventID: eventID, at: now), escalation: true, now: now)
    }
    return due.count
  }

  /// Gives up the channel's rows past their give-up time, and supersedes the rows made moot: older rows of an alert
  /// whose resolution this channel delivered, and escalations of alerts no longer open. Returns the rows given up.
  public func expireNotifications(channel: String, now: Timestamp) throws -> [NotificationRow] {
    let expired = try Row.fetchAll(
      db,
      sql: "SELECT \(NotificationRow.columns) FROM notifications WHERE channel = ? AND state = 'pending' "
        + "AND give_up_ms <= ? ORDER BY id", arguments: [channel, now.milliseconds]
    ).map(NotificationRow.init)
    try db.execute(
      sql: "UPDATE notifications SET state = 'given_up', done_ms = ? WHERE channel = ? AND state = 'pending' "
        + "AND give_up_ms <= ?", arguments: [now.milliseconds, channel, now.milliseconds])
    try db.execute(
      sql: """
        UPDATE notifications SET state = 'superseded', done_ms = ?
        WHERE channel = ? AND state = 'pending' AND (
          EXISTS (SELECT 1 FROM notifications r WHERE r.channel = notifications.channel
            AND r.alert_id = notifications.alert_id AND r.event = 'resolved' AND r.state = 'delivered'
            AND r.id > notifications.id)
          OR (escalation = 1 AND EXISTS (SELECT 1 FROM alerts a WHERE a.id = notifications.alert_id
            AND a.state != 'open')))
        """, arguments: [now.milliseconds, channel])
    return expired
  }

  /// The next run of the channel's program: the rows of the room (and audience) whose oldest due row comes first,
  /// once that row has waited `groupSeconds` since it was queued, so the events of one power cut go out together.
  /// Rows of that room waiting for a retry go along (the program runs for the room anyway, and an alarm is not
  /// overtaken by its own resolution); warnings waiting for the end of quiet hours do not. Empty when nothing is due.
  public func nextNotificationBatch(channel: String, now: Timestamp, groupSeconds: Double) throws -> [NotificationRow] {
    let candidates = try Row.fetchAll(
      db,
      sql: "SELECT \(NotificationRow.columns) FROM notifications WHERE channel = ? AND state = 'pending' "
        + "AND (due_ms <= ? OR attempts > 0) ORDER BY id", arguments: [channel, now.milliseconds]
    ).map(NotificationRow.init)
    let window = Int64(groupSeconds * 1000)
    var seen = Set<String>()
    for row in candidates where row.dueAt <= now {
      let group = "\(row.site)/\(row.room)/\(row.escalation)"
      guard seen.insert(group).inserted else { continue }
      guard row.queuedAt.milliseconds + window <= now.milliseconds else { continue }
      return candidates.filter { "\($0.site)/\($0.room)/\($0.escalation)" == group }
    }
    return []
  }

  /// Records a successful run for `ids`, then supersedes what the delivered resolutions made moot.
  public func markNotificationsDelivered(_ ids: [Int64], channel: String, at now: Timestamp) throws {
    for id in ids {
      try db.execute(
        sql: "UPDATE notifications SET state = 'delivered', attempts = attempts + 1, done_ms = ? WHERE id = ?",
        arguments: [now.milliseconds, id])
    }
    _ = try expireNotifications(channel: channel, now: now)
  }

  /// Records a failed run for `ids`: one more attempt, the error, and when to try again.
  public func markNotificationsFailed(_ ids: [Int64], error: String, at now: Timestamp, retryAt: Timestamp) throws {
    for id in ids {
      try db.execute(
        sql: "UPDATE notifications SET attempts = attempts + 1, last_error = ?, last_error_ms = ?, due_ms = ? "
          + "WHERE id = ?", arguments: [String(error.prefix(500)), now.milliseconds, retryAt.milliseconds, id])
    }
  }
}
