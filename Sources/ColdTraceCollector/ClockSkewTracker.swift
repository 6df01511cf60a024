import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// Judges each agent's clock against the collector's (`ClockSkewRule`): every reading payload that carries the
/// agent's `sent` time is one observation, taken on the network thread before the reading is admitted or stored (a
/// clock far enough ahead has its samples refused as `future_timestamp`, and still counts). One lock and a dictionary
/// lookup per message; the database is written only when `clock_skew` opens or resolves.
final class ClockSkewTracker: Sendable {
  let rule: ClockSkewRule
  let store: SQLiteStore
  private let agents: Mutex<[AgentKey: ClockSkewRule.State]>

  /// Loads the `clock_skew` alerts a previous run left open: they stay open until the agent's clock agrees again.
  init(rule: ClockSkewRule, store: SQLiteStore) throws {
    self.rule = rule
    self.store = store
    var open = AlertFilter()
    open.state = .open
    var acked = AlertFilter()
    acked.state = .acked
    var agents: [AgentKey: ClockSkewRule.State] = [:]
    for alert in try store.alerts(open) + store.alerts(acked) where alert.kind == .clockSkew {
      agents[AgentKey(site: alert.site, agent: alert.sensor)] = ClockSkewRule.State(alerting: true)
    }
    self.agents = Mutex(agents)
  }

  /// One message of `agent` of `site`, sent at `sent` by its clock and received at `received` by the collector's;
  /// returns what it committed (an opened or resolved `clock_skew`), for the fan-out.
  func observe(site: String, agent: String, sent: Timestamp, received: Timestamp) throws -> CommittedEvents {
    let id = AgentKey(site: site, agent: agent)
    let event = agents.withLock { agents in
      rule.observe(site: site, agent: agent, sent: sent, received: received, state: &agents[id, default: .init()])
    }
    guard let event else { return CommittedEvents() }
    do {
      let (recorded, journal) = try store.writeJournaled { tx in try tx.apply(event) }
      return CommittedEvents(alerts: [CommittedAlert(key: event.key, event: recorded)], journal: journal)
    } catch is StoreError where event.type == .resolved {
      return CommittedEvents()  // resolved by hand meanwhile: nothing open to resolve
    } catch {
      // Not recorded: judge it again from the next message.
      agents.withLock { $0[id]?.alerting = event.type != .opened }
      throw error
    }
  }

  /// The agents whose `clock_skew` is open, for `/metrics` and tests.
  var skewedAgents: Set<AgentKey> {
    agents.withLock { Set($0.filter(\.value.alerting).keys) }
  }
}
