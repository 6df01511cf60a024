import GRDB

/// The SQLite schema, as ordered migrations. Times are integer milliseconds since the epoch (UTC).
enum Schema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      // One row per probe; readings refer to it by integer id to keep them small.
      try db.execute(
        sql: """
          CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL,
            sensor TEXT NOT NULL,
            room TEXT NOT NULL,
            agent TEXT,
            UNIQUE (site, sensor)
          );
          CREATE TABLE readings (
            source_id INTEGER NOT NULL REFERENCES sources(id),
            seq INTEGER,
            ts_ms INTEGER NOT NULL,
            temp_c REAL,
            rh_pct REAL,
            error TEXT,
            received_ms INTEGER NOT NULL
          );
          -- A (site, sensor, seq) is stored once; without seq the key is (site, sensor, ts) (docs/protocol.md).
          CREATE UNIQUE INDEX readings_once_by_seq ON readings(source_id, seq) WHERE seq IS NOT NULL;
          CREATE UNIQUE INDEX readings_once_by_ts ON readings(source_id, ts_ms) WHERE seq IS NULL;
          CREATE INDEX readings_by_time ON readings(source_id, ts_ms);

          CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            received_ms INTEGER NOT NULL,
            topic TEXT NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL,
            payload BLOB NOT NULL
          );
          CREATE INDEX quarantine_by_reason ON quarantine(reason);

          CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            state TEXT NOT NULL,
            site TEXT NOT NULL,
            room TEXT NOT NULL,
            sensor TEXT NOT NULL,
            product TEXT,
            lots TEXT NOT NULL DEFAULT '[]',
            opened_ms INTEGER NOT NULL,
            resolved_ms INTEGER,
            acked_ms INTEGER,
            acked_by TEXT,
            note TEXT,
            limit_value REAL,
            peak REAL,
            message TEXT NOT NULL
          );
          -- One alert per (site, room, sensor, kind) is open at a time (docs/protocol.md).
          CREATE UNIQUE INDEX alerts_one_open ON alerts(site, room, sensor, kind) WHERE state != 'resolved';
          CREATE INDEX alerts_by_opened ON alerts(opened_ms);

          -- Every change of every alert, as the JSON line the journal file carries.
          CREATE TABLE alert_events (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            event TEXT NOT NULL,
            at_ms INTEGER NOT NULL,
            line TEXT NOT NULL
          );

          -- The alert engine's state per probe, committed with the reading that changed it.
          CREATE TABLE engine_state (
            source_id INTEGER PRIMARY KEY REFERENCES sources(id),
            state BLOB NOT NULL
          );
          """)
    }
    migrator.registerMigration("v2-acknowledgement") { db in
      // The acknowledgement watermark per probe (see WatermarkTracker), committed with the readings that move it.
      try db.execute(sql: "ALTER TABLE sources ADD COLUMN acked_seq INTEGER NOT NULL DEFAULT 0")
      // A probe's open alert is found by (site, sensor, kind), whatever room it moved to.
      try db.execute(
        sql: "CREATE INDEX alerts_open_by_probe ON alerts(site, sensor, kind) WHERE state != 'resolved'")
    }
    migrator.registerMigration("v3-lots") { db in
      try db.execute(
        sql: """
          CREATE TABLE lots (
            id TEXT PRIMARY KEY,
            product TEXT NOT NULL,
            market TEXT,
            created_ms INTEGER NOT NULL,
            closed_ms INTEGER
          );
          -- Where each lot was, and when: a reading applies to every lot in its room at its timestamp.
          CREATE TABLE lot_placements (
            lot_id TEXT NOT NULL REFERENCES lots(id),
            site TEXT NOT NULL,
            room TEXT NOT NULL,
            from_ms INTEGER NOT NULL,
            to_ms INTEGER
          );
          CREATE INDEX lot_placements_by_room ON lot_placements(site, room, from_ms);
          CREATE INDEX lot_placements_by_lot ON lot_placements(lot_id, from_ms);
          """)
    }
    migrator.registerMigration("v4-renotification") { db in
      // When an acknowledged alert that is still open was last announced again.
      try db.execute(sql: "ALTER TABLE alerts ADD COLUMN renotified_ms INTEGER")
    }
    migrator.registerMigration("v5-lot-rules") { db in
      try db.execute(
        sql: """
          -- The per-lot rules' state (excursion budgets, cold-treatment clock), committed with the reading that
          -- changed it.
          CREATE TABLE lot_rule_state (
            lot_id TEXT PRIMARY KEY REFERENCES lots(id),
            state BLOB NOT NULL
          );
          -- The journal gains lines that are no alert event (lot added, moved, closed; treatment completed): alert_id
          -- becomes optional and lot_id names the lot of such a line. Same ids, same lines, same chain.
          CREATE TABLE journal_v5 (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER REFERENCES alerts(id),
            lot_id TEXT,
            event TEXT NOT NULL,
            at_ms INTEGER NOT NULL,
            line TEXT NOT NULL
          );
          INSERT INTO journal_v5 (id, alert_id, event, at_ms, line)
            SELECT id, alert_id, event, at_ms, line FROM alert_events;
          DROP TABLE alert_events;
          ALTER TABLE journal_v5 RENAME TO alert_events;
          CREATE INDEX alert_events_by_lot ON alert_events(lot_id) WHERE lot_id IS NOT NULL;
          """)
    }
    migrator.registerMigration("v6-read-indexes") { db in
      // `coldtrace alerts --since`: alerts still open or resolved since then, without reading the whole history.
      try db.execute(sql: "CREATE INDEX alerts_by_resolved ON alerts(resolved_ms)")
    }
    migrator.registerMigration("v7-compact-readings") { db in
      try CompactReadings.migrate(db)
    }
    migrator.registerMigration("v8-agent-outboxes") { db in
      // Agents whose status announced a durable outbox: only their readings may be acknowledged to the broker before
      // they are committed (group commit), because only they send again what the collector did not acknowledge.
      try db.execute(
        sql: "CREATE TABLE agent_outboxes (site TEXT NOT NULL, agent TEXT NOT NULL, PRIMARY KEY (site, agent)) "
          + "WITHOUT ROWID")
    }
    migrator.registerMigration("v9-probe-placements") { db in
      // Where each probe is mounted, as its agent announced it (docs/alert-rules.md, "Probe placement"); keyed by
      // probe, so an announcement before the probe's first reading is kept. A probe without a row is in the air.
      try db.execute(
        sql: "CREATE TABLE probe_placements (site TEXT NOT NULL, sensor TEXT NOT NULL, placement TEXT NOT NULL, "
          + "PRIMARY KEY (site, sensor)) WITHOUT ROWID")
    }
    migrator.registerMigration("v10-room-signals") { db in
      // A room signal (docs/protocol.md, "Reading payload") is stored as a reading of its input: `defrost` and
      // `door_open` are 1 or 0 in an input's rows and NULL in a probe's (no table rewrite: SQLite adds the columns).
      try db.execute(sql: "ALTER TABLE readings ADD COLUMN defrost INTEGER")
      try db.execute(sql: "ALTER TABLE readings ADD COLUMN door_open INTEGER")
      // Each defrost and door opening as the collector understood it (from an input, the schedule or an evaporator
      // probe), for reports and status; `end_ms` is NULL while it lasts.
      try db.execute(
        sql: """
          CREATE TABLE room_spans (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL,
            room TEXT NOT NULL,
            signal TEXT NOT NULL,
            source TEXT NOT NULL,
            sensor TEXT,
            start_ms INTEGER NOT NULL,
            end_ms INTEGER
          );
          CREATE INDEX room_spans_by_room ON room_spans(site, room, start_ms);
          """)
    }
    migrator.registerMigration("v11-silences") { db in
      try db.execute(
        sql: """
          -- Operators' silences (docs/alert-rules.md, "Silences and maintenance windows"): a scope (a site, a room or
          -- one probe: room and sensor null when not given) and a time span; ended_ms when someone ended it early.
          CREATE TABLE silences (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL,
            room TEXT,
            sensor TEXT,
            from_ms INTEGER NOT NULL,
            until_ms INTEGER NOT NULL,
            reason TEXT NOT NULL,
            created_by TEXT NOT NULL,
            ended_ms INTEGER,
            ended_by TEXT
          );
          CREATE INDEX silences_by_site ON silences(site, until_ms);
          -- Which silence or window covered an alert's latest event, and whether that event still waits to be
          -- announced (the alert is open and its silence has not ended yet).
          ALTER TABLE alerts ADD COLUMN silenced TEXT;
          ALTER TABLE alerts ADD COLUMN silence_pending INTEGER NOT NULL DEFAULT 0;
          CREATE INDEX alerts_silence_pending ON alerts(id) WHERE silence_pending = 1;
          """)
    }
    migrator.registerMigration("v12-probe-lifecycle") { db in
      try ProbeLifecycleSchema.migrate(db)
    }
    migrator.registerMigration("v13-room-conditions") { db in
      // Each room's defrost and door state as the collector understood it (docs/alert-rules.md, "Defrost and
      // doors"): recent spans, the inputs' newest times and the scheduled defrosts recorded, as JSON; saved with the
      // samples that change it, loaded at start.
      try db.execute(
        sql: "CREATE TABLE room_conditions (site TEXT NOT NULL, room TEXT NOT NULL, state BLOB NOT NULL, "
          + "PRIMARY KEY (site, room)) WITHOUT ROWID")
    }
    migrator.registerMigration("v14-late-readings") { db in
      // Readings stored after a newer reading of the same probe had been judged: the live rules passed over them
      // (docs/alert-rules.md, "Late readings"), and the lot report says so. Rare: a row per such reading only.
      try db.execute(
        sql: "CREATE TABLE late_readings (source_id INTEGER NOT NULL REFERENCES sources(id), ts_ms INTEGER NOT NULL, "
          + "seq INTEGER NOT NULL, PRIMARY KEY (source_id, ts_ms, seq)) WITHOUT ROWID")
    }
    migrator.registerMigration("v15-notifications") { db in
      try NotificationOutboxSchema.migrate(db)
    }
    migrator.registerMigration("v16-incarnations") { db in
      try IncarnationSchema.migrate(db)
    }
    migrator.registerMigration("v18-probe-registry") { db in
      try ProbeRegistrySchema.migrate(db)
    }
    migrator.registerMigration("v19-time-quality") { db in
      // A sample's `time_quality` (docs/protocol.md, "Reading payload"): 1 corrected, 2 unsynced
      // (`TimeQuality.storedCode`), NULL for a trusted time, which every row before has (no table rewrite).
      try db.execute(sql: "ALTER TABLE readings ADD COLUMN time_quality INTEGER")
    }
    migrator.registerMigration("v20-leg-imports") { db in
      try LegImportSchema.migrate(db)
    }
    migrator.registerMigration("v21-alert-groups") { db in
      try AlertGroupSchema.migrate(db)
    }
    migrator.registerMigration("v22-site-bridges") { db in
      try SiteBridgeSchema.migrate(db)
    }
    return migrator
  }
}
