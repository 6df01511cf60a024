import ColdTraceCore
import GRDB

extension SQLiteStore {
  /// Every agent that has announced a durable outbox in its status, so the collector batches its readings from the
  /// first message after a restart (before the retained statuses arrive again).
  public func agentsWithOutbox() throws -> Set<AgentKey> {
    try read { db in
      Set(
        try Row.fetchAll(db, sql: "SELECT site, agent FROM agent_outboxes").map {
          AgentKey(site: $0[0], agent: $0[1])
        })
    }
  }
}

extension WriteTransaction {
  /// Remembers that `agent` keeps a durable outbox (it said so in its status).
  public func rememberOutbox(of agent: AgentKey) throws {
    try db.cachedStatement(sql: "INSERT OR IGNORE INTO agent_outboxes (site, agent) VALUES (?, ?)")
      .execute(arguments: [agent.site, agent.agent])
  }
}
