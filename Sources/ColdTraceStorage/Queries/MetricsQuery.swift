import ColdTraceCore
import GRDB

/// What the database alone says for Prometheus: the state `/metrics` reads at scrape time and `coldtrace metrics`
/// prints for node-exporter's textfile collector. Every part is bounded by the facility's size (probes, agents,
/// alert kinds, quarantine reasons), never by its history: no lot ids, no per-reading rows.
public struct DatabaseMetrics: Sendable, Equatable {
  /// Open (unresolved, acknowledged or not) alerts per kind and severity.
  public struct OpenAlerts: Sendable, Equatable {
    public var kind: String
    public var severity: String
    public var count: Int

    public init(kind: String, severity: String, count: Int) {
      self.kind = kind
      self.severity = severity
      self.count = count
    }
  }

  /// An active probe, in the room it hangs in now, and the time of its newest stored reading.
  public struct LastReading: Sendable, Equatable {
    public var key: SensorKey
    public var at: Timestamp

    public init(key: SensorKey, at: Timestamp) {
      self.key = key
      self.at = at
    }
  }

  /// An agent's numbered samples the collector has not acknowledged: for each of its probes, the highest `seq`
  /// stored minus the acknowledgement watermark (stored samples waiting behind a gap, and the missing ones before
  /// them). A lower bound of what the agent's outbox still holds; it grows while a gap stays open.
  public struct Unacknowledged: Sendable, Equatable {
    public var agent: AgentKey
    public var samples: Int64

    public init(agent: AgentKey, samples: Int64) {
      self.agent = agent
      self.samples = samples
    }
  }

  public var openAlerts: [OpenAlerts] = []
  public var lastReadings: [LastReading] = []
  public var quarantinedByReason: [String: Int] = [:]
  public var unacknowledged: [Unacknowledged] = []
  /// An agent the database knows (its probes' agent, its install, a `clock_skew` of it) and whether its
  /// `clock_skew` is open (acknowledged or not).
  public struct AgentClock: Sendable, Equatable {
    public var agent: AgentKey
    public var skewed: Bool

    public init(agent: AgentKey, skewed: Bool) {
      self.agent = agent
      self.skewed = skewed
    }
  }

  /// By site and agent.
  public var agentClocks: [AgentClock] = []

  public init() {}
}

extension SQLiteStore {
  /// The metrics the database holds, at `now` (which room each probe hangs in). One read transaction of index
  /// lookups: a group by on open alerts (few rows), and per probe one `MAX(ts_ms)` and one `MAX(seq)` on the
  /// readings' indexes, whatever the size of its history.
  public func databaseMetrics(now: Timestamp) throws -> DatabaseMetrics {
    var metrics = DatabaseMetrics()
    try read { db in
      for row in try Row.fetchAll(db, sql: "SELECT reason, COUNT(*) AS n FROM quarantine GROUP BY reason") {
        metrics.quarantinedByReason[row["reason"]] = row["n"]
      }
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT kind, severity, COUNT(*) AS n FROM alerts WHERE state != 'resolved'
          GROUP BY kind, severity ORDER BY kind, severity
          """)
      {
        metrics.openAlerts.append(.init(kind: row["kind"], severity: row["severity"], count: row["n"]))
      }
      let tx = WriteTransaction(db: db)
      let newest = try db.cachedStatement(sql: "SELECT MAX(ts_ms) FROM readings WHERE source_id = ?")
      let highestSeq = try db.cachedStatement(
        sql: "SELECT MAX(seq) FROM readings WHERE source_id = ? AND seq >= 0")
      var unacknowledged: [AgentKey: Int64] = [:]
      for source in try Row.fetchAll(
        db,
        sql: """
          SELECT id, site, room, sensor, agent, acked_seq FROM sources s
          WHERE NOT EXISTS (SELECT 1 FROM probe_retirements r WHERE r.source_id = s.id)
          """)
      {
        let id: Int64 = source["id"]
        if let newestMilliseconds = try Int64.fetchOne(newest, arguments: [id]) {
          let room = try tx.room(ofSource: id, at: now) ?? source["room"]
          metrics.lastReadings.append(
            .init(
              key: SensorKey(site: source["site"], room: room, sensor: source["sensor"]),
              at: Timestamp(milliseconds: newestMilliseconds)))
        }
        guard let agent: String = source["agent"], let highest = try Int64.fetchOne(highestSeq, arguments: [id])
        else { continue }
        let watermark: Int64 = source["acked_seq"]
        unacknowledged[AgentKey(site: source["site"], agent: agent), default: 0] += max(0, highest - watermark)
      }
      metrics.lastReadings.sort {
        ($0.key.site, $0.key.room, $0.key.sensor) < ($1.key.site, $1.key.room, $1.key.sensor)
      }
      metrics.agentClocks = try Self.agentClocks(db)
      metrics.unacknowledged = unacknowledged.map { .init(agent: $0.key, samples: $0.value) }
        .sorted { ($0.agent.site, $0.agent.agent) < ($1.agent.site, $1.agent.agent) }
    }
    return metrics
  }

  /// Every agent known by its probes, its installs or a `clock_skew` alert, and whether that alert is open.
  private static func agentClocks(_ db: Database) throws -> [DatabaseMetrics.AgentClock] {
    var agents: [AgentKey: Bool] = [:]
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT site, agent FROM sources WHERE agent IS NOT NULL
        UNION SELECT site, agent FROM agent_incarnations
        UNION SELECT site, sensor FROM alerts WHERE kind = 'clock_skew'
        """)
    {
      agents[AgentKey(site: row[0], agent: row[1])] = false
    }
    for row in try Row.fetchAll(
      db, sql: "SELECT site, sensor FROM alerts WHERE kind = 'clock_skew' AND state != 'resolved'")
    {
      agents[AgentKey(site: row[0], agent: row[1])] = true
    }
    return agents.map { DatabaseMetrics.AgentClock(agent: $0.key, skewed: $0.value) }
      .sorted { ($0.agent.site, $0.agent.agent) < ($1.agent.site, $1.agent.agent) }
  }
}
