import GRDB

/// Migration `v21-alert-groups` (docs/alert-rules.md, "Probes crossing together"): which probe alerts belong to a
/// room's or a site's alert (`group_id`), and which still wait for their site's group wait to be decided. A site
/// alert is an alert like a room's (room `-`), so site-level grouping needed no migration of its own.
enum AlertGroupSchema {
  static func migrate(_ db: Database) throws {
    try db.execute(
      sql: """
        -- group_id: the room-level alert (sensor '*') a probe's alert is a member of. group_wait_ms: the event time
        -- the group wait this alert is in ends (NULL once decided). A member's outbox rows are 'held' while it
        -- waits, then 'pending' again (a lone member: notified as always) or 'grouped' (its room's alert is sent
        -- instead; never delivered).
        ALTER TABLE alerts ADD COLUMN group_id INTEGER;
        ALTER TABLE alerts ADD COLUMN group_wait_ms INTEGER;
        CREATE INDEX alerts_by_group ON alerts(group_id) WHERE group_id IS NOT NULL;
        CREATE INDEX alerts_group_wait ON alerts(site, room, kind) WHERE group_wait_ms IS NOT NULL;
        """)
  }
}
