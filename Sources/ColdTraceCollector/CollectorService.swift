import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import ColdTraceSystem
import Logging

/// `coldtrace collect`: subscribes to every site's readings with a persistent QoS 1 session, commits them, journals
/// and publishes the alert events they cause, and acknowledges what is committed to each agent.
///
/// The parts, each in its own file: `MessageRouter` (the MQTT handler: statuses, readings queued or committed at
/// once), `GroupCommitter` (every commit: writer thread, retry policy, tally), `AlertFanOut` (journal file, alert
/// topic), `NotificationHook` (one per channel: the durable outbox's delivery), `AcknowledgementLoop` (durable,
/// coalesced acks to agents) and `SilenceTimer` (offline, agent_offline, renotify). No reading is lost on SIGKILL:
/// docs/durability.md says why. With `metricsListen`, `MetricsResponder` serves `/metrics` on a thread of its own
/// (`CollectorService+Metrics`).
public final class CollectorService: Sendable {
  public static let version = "0.1.0"
  /// The most QoS 1 messages the broker sends ahead of the collector's PUBACKs (MQTT 5; under 3.1.1 the broker's
  /// `max_inflight_messages`). Third-party QoS 1 readings are acknowledged only once their group is committed, so
  /// this bounds such a group: their rate is about this many per commit (benchmarks/README.md, "Third-party ingest").
  static let receiveMaximum: UInt16 = 1024

  let settings: Settings
  let pipeline: IngestPipeline
  let logger: Logger
  let clock: any ServiceClock
  let makeTransport: MessageTransportFactory
  private let connection = BrokerConnection()
  private let tally = SharedTally()
  private let hooks: [NotificationHook]
  private let fanOut: AlertFanOut
  private let acknowledgements: AcknowledgementLoop
  private let committer: GroupCommitter
  private let router: MessageRouter
  /// The probes the collector takes, and each site's limits.
  let registry: ProbeRegistry
  private let silence: SilenceTimer
  /// Live counters and histograms, and the connection state, for `/metrics`.
  public let metrics = CollectorMetrics()
  private let responder: MetricsResponder?
  private let limits: RoomLimitsPublisher

  public init(
    settings: Settings, pipeline: IngestPipeline, journal: AlertJournal, logger: Logger,
    clock: any ServiceClock = SystemClock(), transport: @escaping MessageTransportFactory = MosquittoClient.factory
  ) throws {
    self.settings = settings
    self.pipeline = pipeline
    self.logger = logger
    self.clock = clock
    self.makeTransport = transport
    if !settings.notifications.isEmpty {
      pipeline.store.useNotificationRouting(
        NotificationRouting(routes: settings.notifications.map(\.route), clock: clock))
    }
    hooks = settings.notifications.map {
      NotificationHook(settings: $0, store: pipeline.store, logger: logger, clock: clock)
    }
    let registry = try ProbeRegistry(
      store: pipeline.store, config: settings.siteLimits, now: clock.now(), unstored: pipeline.registrations)
    self.registry = registry
    let health = try ProbeHealthJudge(pipeline: pipeline, logger: logger)
    let presence = try AgentPresenceTracker(
      rule: settings.agentPresence, pipeline: pipeline, registry: registry, health: health)
    fanOut = AlertFanOut(
      appender: JournalAppender(journal: journal, store: pipeline.store), connection: connection, logger: logger)
    acknowledgements = AcknowledgementLoop(store: pipeline.store, connection: connection, logger: logger, clock: clock)
    committer = GroupCommitter(
      pipeline: pipeline, acknowledgements: acknowledgements, fanOut: fanOut, tally: tally, metrics: metrics,
      logger: logger, clock: clock, slowRound: settings.slowRound)
    let sources =
      settings.sources.isEmpty
      ? nil
      : try SourceRouter(
        sources: settings.sources, pipeline: pipeline, committer: committer, logger: logger, health: health,
        emit: { [fanOut] in fanOut.emit($0) })
    router = MessageRouter(
      presence: presence, committer: committer, registry: registry, logger: logger, clock: clock, sources: sources,
      clockSkew: try ClockSkewTracker(rule: settings.clockSkew, store: pipeline.store),
      bridges: try SiteBridgeTracker(store: pipeline.store, logger: logger, rule: settings.siteUplink),
      slowHandler: settings.slowRound)
    limits = RoomLimitsPublisher(pipeline: pipeline, connection: connection, logger: logger)
    silence = SilenceTimer(
      pipeline: pipeline, presence: presence, fanOut: fanOut, tally: tally, settings: settings, logger: logger,
      clock: clock, limits: limits, sources: sources, registry: registry, bridges: router.bridges)
    responder = try settings.metricsListen.map { [metrics, tally, hooks, router] address in
      try Self.metricsResponder(
        at: address, metrics: metrics, tally: tally, hooks: hooks, presence: presence, registry: registry,
        bridges: router.bridges, databasePath: pipeline.store.path, logger: logger)
    }
  }

  /// The port `/metrics` listens on, if it is served.
  public var metricsPort: Int? { responder?.port }

  public var totals: CollectorTally { tally.current }

  /// Writes journal lines a previous run committed but did not append, then connects and starts consuming.
  public func start() throws {
    try start(timers: true)
  }

  /// `start()`; without `timers`, the acknowledgement loop and the silence timer do not run by themselves (tests
  /// drive them with `acknowledgeNow` and `checkTimersNow` on a manual clock).
  func start(timers: Bool) throws {
    // Commits a killed collector left in the write-ahead log unsynced are read back from the page cache: make them
    // durable before the journal, a notification or an acknowledgement repeats them, so a power cut cannot take back
    // what this run has already told anyone.
    try pipeline.store.syncWriteAheadLog()
    try fanOut.catchUpJournal()
    let statusTopic = Topics.collectorStatus(id: settings.collectorID)
    var options = ClientOptions(clientID: "coldtrace-collector-\(settings.collectorID)", broker: settings.broker)
    options.protocolVersion = settings.protocolVersion
    options.cleanSession = false
    options.sessionExpirySeconds = UInt32.max
    options.tls = settings.tls
    options.will = .init(topic: statusTopic, payload: Array(statusLine("offline").utf8))
    options.receiveMaximum = Self.receiveMaximum
    let transport = try makeTransport(
      options, { [router] message in router.route(message) },
      { [weak self] event in self?.log(event) })
    try transport.subscribe(Topics.readingFilter, qos: .atLeastOnce)
    try transport.subscribe(Topics.statusFilter, qos: .atLeastOnce)
    try transport.subscribe(Topics.bridgeFilter, qos: .atLeastOnce)
    for (filter, qos) in router.sources?.filters ?? [] { try transport.subscribe(filter, qos: qos) }
    for filter in router.sources?.availabilityFilters ?? [] { try transport.subscribe(filter, qos: .atLeastOnce) }
    // A third-party QoS 1 message's PUBACK waits for its commit: once the network thread has read all the broker
    // sent, the writer commits what it has instead of waiting for a fuller batch, and the quarantined ones are kept.
    transport.whileAcknowledgementsHeld { [committer, router] in
      committer.queue.hurry()
      router.sources?.commitHeldQuarantines()
    }
    connection.set(transport)
    committer.start()
    transport.start()
    if timers {
      acknowledgements.start()
      silence.start()
    }
    for hook in hooks { hook.start() }
    if let responder, let address = settings.metricsListen {
      responder.start()
      logger.info("serving /metrics on \(address.host):\(responder.port)")
    }
    logger.info(
      "collector started",
      metadata: [
        "broker": "\(settings.broker)", "db": "\(pipeline.store.path)", "journal": "\(fanOut.appender.journal.path)",
      ])
  }

  /// Publishes `offline`, disconnects cleanly, lets the writer commit what it accepted, and stops.
  public func stop() {
    committer.beginStopping()
    acknowledgements.stop()
    silence.stop()
    for hook in hooks { hook.stop() }
    responder?.stop()
    guard let transport = connection.current else { return }
    _ = try? transport.publish(
      topic: Topics.collectorStatus(id: settings.collectorID), payload: Array(statusLine("offline").utf8),
      retain: true)
    transport.stop()
    connection.set(nil)
    // Nothing arrives any more: let the writer commit what it accepted, then make all of it durable, so a power cut
    // right after a clean stop loses nothing (the last commits since the acknowledgement loop's sync included).
    committer.finish()
    do {
      try registry.storeUnstoredRegistrations()
      try pipeline.store.syncWriteAheadLog()
    } catch {
      logger.error("at stop: \(error)")
    }
    let totals = self.totals
    logger.info(
      "collector stopped",
      metadata: [
        "messages": "\(totals.messages)", "stored": "\(totals.freshSamples)",
        "duplicates": "\(totals.duplicateSamples)", "quarantined": "\(totals.quarantined)",
        "batches": "\(totals.batches)", "deferred": "\(totals.deferred)",
      ])
  }

  /// One round of the acknowledgement loop, now.
  func acknowledgeNow() { acknowledgements.flush() }

  /// One round of the timer rules (offline, agent_offline, renotify, room limits), now.
  func checkTimersNow() { silence.check() }

  /// Logs a connection event; on connect, publishes the retained `online` status.
  private func log(_ event: ConnectionEvent) {
    switch event {
    case .connected(let sessionPresent):
      metrics.setConnected(true)
      logger.info("connected to broker", metadata: ["session_present": "\(sessionPresent)"])
      connection.publish(
        topic: Topics.collectorStatus(id: settings.collectorID), payload: Array(statusLine("online").utf8),
        retain: true)
      limits.connected()
    case .refused(let reason):
      metrics.setConnected(false)
      logger.error("broker refused the connection: \(reason)")
    case .subscribed(let filter): logger.info("subscribed to \(filter)")
    case .subscriptionRefused(let filter, let reason) where filter == Topics.bridgeFilter:
      // An ACL from before site brokers: everything else works; the sites' uplinks are not shown.
      logger.error("broker refused the subscription to \(filter): \(reason); site brokers' uplinks are not followed")
    case .subscriptionRefused(let filter, let reason):
      logger.critical("broker refused the subscription to \(filter): \(reason); no readings will arrive")
    case .disconnected(let reason):
      metrics.setConnected(false)
      logger.warning("disconnected from broker: \(reason)")
    case .failed(let reason, let retryIn):
      metrics.setConnected(false)
      logger.warning("\(reason); retrying in \(retryIn) s")
    }
  }

  private func statusLine(_ state: String) -> String {
    StatusMessage(state: state, sender: .collector(settings.collectorID), version: Self.version, ts: clock.now())
      .encode()
  }
}
