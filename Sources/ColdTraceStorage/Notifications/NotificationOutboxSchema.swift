import GRDB

/// The durable notification outbox (docs/alert-rules.md, "What happens to an alert event"): one row per alert event
/// and channel, inserted by the transaction that records the event, so an alarm queued is an alarm on disk.
enum NotificationOutboxSchema {
  static func migrate(_ db: Database) throws {
    try db.execute(
      sql: """
        -- state: pending (not yet sent), delivered, superseded (its alert's resolution was delivered first),
        -- given_up (still undelivered at give_up_ms). escalation = 1: the row goes to the escalation contacts.
        CREATE TABLE notifications (
          id INTEGER PRIMARY KEY,
          channel TEXT NOT NULL,
          alert_id INTEGER NOT NULL,
          event_id INTEGER NOT NULL,
          event TEXT NOT NULL,
          site TEXT NOT NULL,
          room TEXT NOT NULL,
          severity TEXT NOT NULL,
          escalation INTEGER NOT NULL DEFAULT 0,
          line TEXT NOT NULL,
          queued_ms INTEGER NOT NULL,
          due_ms INTEGER NOT NULL,
          give_up_ms INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          state TEXT NOT NULL DEFAULT 'pending',
          last_error TEXT,
          last_error_ms INTEGER,
          done_ms INTEGER
        );
        CREATE INDEX notifications_pending ON notifications(channel, due_ms) WHERE state = 'pending';
        CREATE INDEX notifications_by_alert ON notifications(alert_id, channel);
        -- An alert is escalated at most once per channel.
        CREATE UNIQUE INDEX notifications_escalation ON notifications(channel, alert_id) WHERE escalation = 1;
        """)
  }
}
