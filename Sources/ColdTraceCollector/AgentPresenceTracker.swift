import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// Follows agents' retained status messages (`coldtrace/v1/status/<site>/<agent>`) and raises `agent_offline` after
/// the grace period, resolving it when the agent says `online` again.
///
/// It also remembers which agents keep a durable outbox (their `online` status carries `"outbox":{...}`): only their
/// readings may be acknowledged to the broker before they are committed, since only they send again what the
/// collector's own acknowledgement did not cover. The set is kept in the database, for the first messages after a
/// restart, and only grows. The placements a status announces go to the pipeline, which stores them and judges the
/// probes' readings by them.
final class AgentPresenceTracker: Sendable {
  /// A status's writes, run on the writer thread (`receive`).
  typealias StatusWrites = @Sendable () -> CommittedEvents

  let rule: AgentPresenceRule
  let store: SQLiteStore
  let pipeline: IngestPipeline
  /// Registers the probes a status announces (`nil` in tests that need no registry).
  let registry: ProbeRegistry?
  private let agents = Mutex<[AgentKey: AgentPresenceRule.Presence]>([:])
  private let withOutbox: Mutex<Set<AgentKey>>
  /// Each agent's outbox as its latest status reported it (for `/metrics`).
  private let outboxReports = Mutex<[AgentKey: StatusMessage.Outbox]>([:])
  /// The offline limits and availability of the probes agents read through their `mqtt` driver.
  let mappedProbes = AgentMappedProbes()
  /// Judges those probes' batteries and links (`nil` in tests that need none).
  let health: ProbeHealthJudge?

  init(
    rule: AgentPresenceRule, pipeline: IngestPipeline, registry: ProbeRegistry? = nil, health: ProbeHealthJudge? = nil
  ) throws {
    self.health = health
    self.rule = rule
    self.registry = registry
    self.pipeline = pipeline
    let store = pipeline.store
    self.store = store
    self.withOutbox = Mutex(try store.agentsWithOutbox())
    // Alerts left open by a previous run stay open until the agent says online.
    var open = AlertFilter()
    open.state = .open
    let acked = { () throws -> [AlertRecord] in
      var filter = AlertFilter()
      filter.state = .acked
      return try store.alerts(filter)
    }
    for alert in try store.alerts(open) + acked() where alert.kind == .agentOffline {
      agents.withLock {
        $0[AgentKey(site: alert.site, agent: alert.sensor)] = .init(
          online: false, since: alert.openedAt, alerting: true)
      }
    }
  }

  /// Records a status message; returns `nil` if the topic or payload is not a status, `.some(nil)` for a collector's
  /// own status (nothing to store: no chore for the writer), else an agent status's writes, to run
  /// on the writer thread (`GroupCommitter.schedule`), which return what they committed for the fan-out (an
  /// `agent_reinstalled` line, the probes it registered). What the network thread needs for the next message is in
  /// memory when this returns: whether the agent keeps an outbox, the probes it announced (admitted from now on),
  /// whether it is online, its `mqtt` driver's probes. So no status makes the network thread wait for a transaction
  /// (the writer's, a batch of a flooding site), and every site's messages keep being read meanwhile.
  func receive(topic: String, payload: UnsafeRawBufferPointer, now: Timestamp) -> StatusWrites?? {
    let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
    guard levels.count == 5, levels[0] == "coldtrace", levels[1] == "v1", levels[2] == "status" else { return nil }
    let site = String(levels[3])
    guard site != Identifier.reservedSiteID else { return .some(nil) }  // collectors' own status
    guard let message = StatusMessage.decode(payload), case .agent(let agent) = message.sender,
      Identifier.isValid(agent, as: .agent), Identifier.isValid(site, as: .site)
    else { return nil }
    let id = AgentKey(site: site, agent: agent)
    let online = message.isOnline
    if let outbox = message.outbox { outboxReports.withLock { $0[id] = outbox } }
    // Its readings are batched from now on; the row (for the first messages after a restart) follows on the writer.
    let remember = message.outbox != nil && withOutbox.withLock { $0.insert(id).inserted }
    agents.withLock { agents in
      var presence = agents[id] ?? .init(online: online, since: now)
      if presence.online != online || agents[id] == nil {
        presence.online = online
        presence.since = now
      }
      agents[id] = presence
    }
    let announced = admitAnnouncedProbes(of: message, site: site, now: now)
    if let reports = message.mqttProbes { mappedProbes.receive(reports, from: id) }
    return { [self] in
      if remember {
        // If it cannot be stored, its readings after a restart are committed one by one until its status comes again,
        // which tries again (it is forgotten here, so the next status writes it).
        if (try? store.write { try $0.rememberOutbox(of: id) }) == nil {
          withOutbox.withLock { _ = $0.remove(id) }
        }
      }
      if let placements = message.placements?.filter({ Identifier.isValid($0.key, as: .sensor) }) {
        // If they cannot be stored, the probes keep the placements known before; the retained status comes again.
        try? pipeline.announcePlacements(placements, site: site)
      }
      let registered = announced.map { registry?.storeAnnounced($0, site: site, now: now) ?? CommittedEvents() }
      return (registered ?? CommittedEvents()) + recordIncarnation(of: message, id: id, now: now)
        + judgeMappedProbes(of: message, id: id)
    }
  }

  /// Admits the probes and inputs a status lists (`probes`, with their rooms) and the probes it places, in memory
  /// (`ProbeRegistry.admitAnnounced`); `nil` when it lists none or there is no registry.
  private func admitAnnouncedProbes(of message: StatusMessage, site: String, now: Timestamp) -> AnnouncedProbes? {
    guard let registry else { return nil }
    var announced: [String: String?] = [:]
    for sensor in (message.placements ?? [:]).keys where Identifier.isValid(sensor, as: .sensor) {
      announced[sensor] = .some(nil)
    }
    for (sensor, room) in message.probes ?? [:] { announced[sensor] = room }
    guard !announced.isEmpty else { return nil }
    return registry.admitAnnounced(announced, site: site, now: now)
  }

  /// Stores the install an agent's status names (`StatusMessage.incarnation`), journalling a change from the one
  /// stored before. If it cannot be stored, the retained status comes again with the next connection.
  private func recordIncarnation(of message: StatusMessage, id: AgentKey, now: Timestamp) -> CommittedEvents {
    guard let incarnation = message.incarnation,
      let (_, journal) = try? store.writeJournaled({ tx in
        try tx.recordAgentIncarnation(incarnation, site: id.site, agent: id.agent, at: now)
      })
    else { return CommittedEvents() }
    return CommittedEvents(journal: journal)
  }

  /// Each agent's outbox backlog and dropped samples, as its latest status with an `outbox` said (agents send one
  /// when they connect and whenever they drop samples, so `pending` is as of then).
  var reportedOutboxes: [AgentKey: StatusMessage.Outbox] { outboxReports.withLock { $0 } }

  /// Whether `agent` has announced a durable outbox.
  func keepsOutbox(_ agent: AgentKey) -> Bool { withOutbox.withLock { $0.contains(agent) } }

  /// Opens or resolves `agent_offline` alerts due at `now`, one transaction per agent. A failure stops the round:
  /// what was committed before it is returned with it.
  func check(now: Timestamp) -> (committed: CommittedEvents, failure: (any Error)?) {
    var committed = CommittedEvents()
    let snapshot = agents.withLock { $0 }
    for (id, before) in snapshot {
      var presence = before
      guard let event = rule.evaluate(site: id.site, agent: id.agent, presence: &presence, now: now) else { continue }
      do {
        let (recorded, journal) = try store.writeJournaled { tx in try tx.apply(event) }
        let raised = CommittedAlert(key: event.key, event: recorded)
        committed = committed + CommittedEvents(alerts: [raised], journal: journal)
      } catch let error as StoreError where event.type == .resolved {
        _ = error  // nothing open to resolve (resolved by hand or lost): the agent is simply back
      } catch {
        return (committed, error)
      }
      // Only the alert flag is ours to write back: a status that arrived meanwhile stays.
      agents.withLock { $0[id]?.alerting = presence.alerting }
    }
    return (committed, nil)
  }
}
