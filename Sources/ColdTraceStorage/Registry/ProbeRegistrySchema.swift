import GRDB

/// Migration `v18-probe-registry` (docs/protocol.md, "The probe registry").
///
/// - `probe_registry`: the probes the collector knows, per site and sensor id: `registered` (its readings are stored)
///   or `rejected` (an operator refused it: its readings are quarantined silently), how (`existing`, `announced`,
///   `auto`, `approved`, `rejected`), by whom, when, and the room it was registered in.
/// - `pending_probes`: ids of unknown or refused probes whose readings were quarantined, with the first and last time
///   one arrived, the room its last topic named and how many messages came (`coldtrace probe pending`). The collector
///   tracks a bounded number per site; the quarantine table keeps every message anyway.
///
/// Every probe with a `sources` row before the upgrade stays registered (`existing`): nothing that worked stops.
enum ProbeRegistrySchema {
  static func migrate(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE probe_registry (
          site TEXT NOT NULL,
          sensor TEXT NOT NULL,
          state TEXT NOT NULL,
          origin TEXT NOT NULL,
          room TEXT,
          by_name TEXT,
          at_ms INTEGER NOT NULL,
          change_no INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (site, sensor)
        ) WITHOUT ROWID;
        CREATE INDEX probe_registry_change ON probe_registry (change_no);
        CREATE TABLE pending_probes (
          site TEXT NOT NULL,
          sensor TEXT NOT NULL,
          room TEXT NOT NULL,
          reason TEXT NOT NULL,
          first_ms INTEGER NOT NULL,
          last_ms INTEGER NOT NULL,
          messages INTEGER NOT NULL,
          PRIMARY KEY (site, sensor)
        ) WITHOUT ROWID;
        INSERT INTO probe_registry (site, sensor, state, origin, room, by_name, at_ms)
          SELECT site, sensor, 'registered', 'existing', room, NULL, CAST(strftime('%s', 'now') AS INTEGER) * 1000
          FROM sources;
        """)
  }
}
