import GRDB

/// Migration `v16-incarnations` (docs/durability.md, "Incarnations").
///
/// - `source_incarnations`: per probe, each agent install (`inc`) that numbered its samples, and the offset its
///   numbers are stored at (`seq_base`): a reading's `seq` n of that install is stored as `seq_base + n`, so a
///   reinstalled agent's new series never meets the old one in `readings_once_by_seq`. The first install a probe
///   sees continues the numbers stored before it (`seq_base` 0: an agent upgraded to incarnations renumbers nothing);
///   each later one starts above everything stored and acknowledged. The install with the highest `seq_base` is the
///   probe's current one: its watermark is `sources.acked_seq`, in stored numbers.
/// - `agent_incarnations`: each agent's install as its status last announced it, since when, and the one before.
///
/// No reading is rewritten: rows stored before keep their numbers (offset 0).
enum IncarnationSchema {
  static func migrate(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE source_incarnations (
          source_id INTEGER NOT NULL REFERENCES sources(id),
          incarnation TEXT NOT NULL,
          seq_base INTEGER NOT NULL,
          first_ms INTEGER NOT NULL,
          PRIMARY KEY (source_id, incarnation)
        ) WITHOUT ROWID;
        CREATE TABLE agent_incarnations (
          site TEXT NOT NULL,
          agent TEXT NOT NULL,
          incarnation TEXT NOT NULL,
          since_ms INTEGER NOT NULL,
          previous TEXT,
          PRIMARY KEY (site, agent)
        ) WITHOUT ROWID;
        """)
  }
}
