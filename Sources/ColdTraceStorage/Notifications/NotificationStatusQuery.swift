import ColdTraceCore
import GRDB

/// How one channel's outbox stands, for `coldtrace notify status`.
public struct NotificationChannelStatus: Sendable, Equatable {
  public var channel: String
  /// Not yet sent (including those failing).
  public var pending = 0
  public var delivered = 0
  /// Pending rows that have failed at least once.
  public var failing = 0
  public var superseded = 0
  public var givenUp = 0
  /// Waiting for their room's crossing group to be decided (`group_wait_seconds`): sent as they are if the probe
  /// crossed alone, else grouped.
  public var held = 0
  /// Folded into a room or site alert's message: never sent on their own.
  public var grouped = 0
  public var lastError: String?
  public var lastErrorAt: Timestamp?
  /// When the oldest pending row was queued.
  public var oldestPending: Timestamp?

  public init(channel: String) { self.channel = channel }
}

extension SQLiteStore {
  /// Every channel with rows in the outbox, by name.
  public func notificationStatus() throws -> [NotificationChannelStatus] {
    try read { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT channel,
            SUM(state = 'pending') AS pending, SUM(state = 'delivered') AS delivered,
            SUM(state = 'pending' AND attempts > 0) AS failing, SUM(state = 'superseded') AS superseded,
            SUM(state = 'given_up') AS given_up, SUM(state = 'held') AS held, SUM(state = 'grouped') AS grouped,
            MIN(CASE WHEN state = 'pending' THEN queued_ms END) AS oldest,
            MAX(last_error_ms) AS last_error_ms
          FROM notifications GROUP BY channel ORDER BY channel
          """)
      return try rows.map { row in
        var status = NotificationChannelStatus(channel: row["channel"])
        status.pending = row["pending"]
        status.delivered = row["delivered"]
        status.failing = row["failing"]
        status.superseded = row["superseded"]
        status.givenUp = row["given_up"]
        status.held = row["held"]
        status.grouped = row["grouped"]
        status.oldestPending = (row["oldest"] as Int64?).map(Timestamp.init(milliseconds:))
        if let at: Int64 = row["last_error_ms"] {
          status.lastErrorAt = Timestamp(milliseconds: at)
          status.lastError = try String.fetchOne(
            db, sql: "SELECT last_error FROM notifications WHERE channel = ? AND last_error_ms = ? LIMIT 1",
            arguments: [status.channel, at])
        }
        return status
      }
    }
  }

  /// Every row of one channel, oldest first (for tests and diagnosis).
  public func notifications(channel: String) throws -> [NotificationRow] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT \(NotificationRow.columns) FROM notifications WHERE channel = ? ORDER BY id",
        arguments: [channel]
      ).map(NotificationRow.init)
    }
  }
}
