import ColdTraceCore
import GRDB

/// A probe's agent install and the offset its numbers are stored at (`IncarnationSchema`).
public struct ProbeIncarnation: Sendable, Equatable {
  public var name: String
  public var base: Int64

  public init(name: String, base: Int64) {
    self.name = name
    self.base = base
  }
}

extension WriteTransaction {
  /// The offset `incarnation`'s numbers are stored at for `source`, if it has numbered samples of it.
  public func incarnationBase(source: Int64, incarnation: String) throws -> Int64? {
    try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT seq_base FROM source_incarnations WHERE source_id = ? AND incarnation = ?"),
      arguments: [source, incarnation])
  }

  /// The lowest offset above `base` among `source`'s installs: where the series after the one at `base` starts.
  public func nextIncarnationBase(source: Int64, above base: Int64) throws -> Int64? {
    try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT MIN(seq_base) FROM source_incarnations WHERE source_id = ? AND seq_base > ?"),
      arguments: [source, base])
  }

  /// Whether any install has numbered samples of `source`.
  public func hasIncarnations(source: Int64) throws -> Bool {
    try Bool.fetchOne(
      db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM source_incarnations WHERE source_id = ?)"),
      arguments: [source]) ?? false
  }

  /// Records that `incarnation` numbers `source`'s samples from now on, stored at offset `base`.
  public func startIncarnation(_ incarnation: String, source: Int64, base: Int64, at: Timestamp) throws {
    try db.cachedStatement(
      sql: "INSERT INTO source_incarnations (source_id, incarnation, seq_base, first_ms) VALUES (?, ?, ?, ?)"
    ).execute(arguments: [source, incarnation, base, at.milliseconds])
  }

  /// When the open (or acknowledged) alert of `kind` for the probe of `key` opened, if there is one.
  public func openAlertOpenedAt(_ key: SensorKey, kind: AlertKind) throws -> Timestamp? {
    try AlertRows.openAlert(db, key: key, kind: kind)?.openedAt
  }

  /// Records the install an agent's status announced. When it differs from the one recorded before, the change is
  /// journalled (`agent_reinstalled`, with `from` and `to`) and the line returned; the first announcement is only
  /// recorded.
  @discardableResult
  public func recordAgentIncarnation(_ incarnation: String, site: String, agent: String, at: Timestamp) throws
    -> String?
  {
    let known = try String.fetchOne(
      db.cachedStatement(sql: "SELECT incarnation FROM agent_incarnations WHERE site = ? AND agent = ?"),
      arguments: [site, agent])
    guard known != incarnation else { return nil }
    try db.cachedStatement(
      sql: "INSERT OR REPLACE INTO agent_incarnations (site, agent, incarnation, since_ms, previous) "
        + "VALUES (?, ?, ?, ?, ?)"
    ).execute(arguments: [site, agent, incarnation, at.milliseconds, known])
    guard let known else { return nil }
    return try appendJournalLine(event: "agent_reinstalled", alertID: nil, lotID: nil, at: at) { eventID in
      JournalFields.line(event: "agent_reinstalled", eventID: eventID, at: at) { json in
        json.string("site", site)
        json.string("agent", agent)
        json.string("from", known)
        json.string("to", incarnation)
        json.string(
          "message", "agent \(agent) reinstalled: incarnation \(known) → \(incarnation); its numbers start a new series"
        )
      }
    }.line
  }
}

extension SQLiteStore {
  /// Every probe's current install (the one with the highest offset), to resume after a restart.
  public func currentIncarnations() throws -> [ProbeKey: ProbeIncarnation] {
    try read { db in
      var current: [ProbeKey: ProbeIncarnation] = [:]
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT s.site, s.sensor, i.incarnation, i.seq_base FROM source_incarnations i JOIN sources s ON s.id = i.source_id
          WHERE i.seq_base = (SELECT MAX(seq_base) FROM source_incarnations WHERE source_id = i.source_id)
          """)
      for row in rows {
        current[ProbeKey(site: row["site"], sensor: row["sensor"])] = ProbeIncarnation(
          name: row["incarnation"], base: row["seq_base"])
      }
      return current
    }
  }

  /// The probes with an alert of `kind` open or acknowledged (not resolved).
  public func probesWithOpenAlert(of kind: AlertKind) throws -> Set<ProbeKey> {
    try read { db in
      Set(
        try Row.fetchAll(
          db, sql: "SELECT DISTINCT site, sensor FROM alerts WHERE kind = ? AND state != 'resolved'",
          arguments: [kind.rawValue]
        ).map { ProbeKey(site: $0["site"], sensor: $0["sensor"]) })
    }
  }

  /// Each agent's install as its status last announced it: since when, and the one before (`nil`: none recorded).
  public func agentIncarnations() throws -> [AgentIncarnation] {
    try read { db in try StatusListing.agentIncarnations(on: db) }
  }
}

/// An agent's install as recorded (`agent_incarnations`).
public struct AgentIncarnation: Sendable, Equatable {
  public var site: String
  public var agent: String
  public var incarnation: String
  /// When the collector first heard of this install.
  public var since: Timestamp
  /// The install before it, when the collector knew one.
  public var previous: String?
}
