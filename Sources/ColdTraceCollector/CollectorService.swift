import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// `coldtrace collect`: subscribes to every site's readings with a persistent QoS 1 session, commits them, journals
/// and publishes the alert events they cause, and acknowledges what is committed to each agent.
///
/// No loss on SIGKILL. Agents' readings are committed in batches by a writer thread (group commit); their PUBACK may
/// leave before the commit, because an agent keeps every sample until the collector's own acknowledgement
/// (`coldtrace/v1/ack/...`, sent only for committed and fsynced readings) covers it, and sends it again otherwise.
/// That holds only for agents that keep such an outbox: those whose status announced one (`"outbox":{...}`).
/// Other messages (third-party sources, publishers that number samples but announced no outbox, payloads to
/// quarantine) are committed on the MQTT
/// network thread before its handler returns; libmosquitto writes the PUBACK after that, so a message not committed
/// is redelivered by the broker from the persistent session. Duplicates are expected and stored once.
public final class CollectorService: Sendable {
  public struct Settings: Sendable {
    public var collectorID: String
    public var broker: BrokerAddress
    public var tls: ClientOptions.TLS?
    public var protocolVersion: ClientOptions.ProtocolVersion = .v5
    /// A sensor silent this long raises `offline`; checked every `silenceCheckSeconds` against the collector's clock.
    public var silence = SilenceRule(silentAfterSeconds: 600)
    public var silenceCheckSeconds: Double = 15
    /// An agent whose status stays `offline` (its will) this long raises `agent_offline`.
    public var agentPresence = AgentPresenceRule(graceSeconds: 120)
    /// An acknowledged alert still open this long is announced again (0: never).
    public var renotifyAfterSeconds: Double = 3600
    /// The operator's notification program, if any.
    public var notification: NotificationHook.Settings?
    public init(collectorID: String, broker: BrokerAddress) {
      self.collectorID = collectorID
      self.broker = broker
    }
  }

  public static let version = "0.1.0"

  let settings: Settings
  let pipeline: IngestPipeline
  let journal: AlertJournal
  let logger: Logger
  let clock: @Sendable () -> Timestamp
  private let client = Mutex<MosquittoClient?>(nil)
  private let stopping = Atomic<Bool>(false)
  private let tally = Mutex(Tally())
  private let acknowledgements = AcknowledgementPublisher()
  private let reportedGaps = Mutex<[String: Int64]>([:])
  private let hook: NotificationHook?
  private let presence: AgentPresenceTracker
  /// Readings waiting for the writer thread, and whether it has finished after the queue closed.
  private let queue = IngestQueue(batchLimit: CollectorService.batchLimit)
  private let writerDone = Mutex(false)
  private let quarantineLog = Mutex(QuarantineLogLimiter())
  /// The sensors of reading topics seen before (used by the network thread only).
  private let topics = Mutex(ReadingTopicCache())
  private static let statusPrefix = Topics.root + "/status/"
  /// The most readings committed in one transaction. A backlog drain fills transactions of 600–900 readings (what
  /// arrives while the previous one commits); 512 capped them, and each transaction has fixed costs (engine states,
  /// watermarks and source rows saved, one `MAX(seq)` per probe, the commit's WAL frames).
  static let batchLimit = 2048

  /// Running totals since start, for logs and tests.
  public struct Tally: Sendable, Equatable {
    public var messages = 0
    public var freshSamples = 0
    public var duplicateSamples = 0
    public var quarantined = 0
    public var alertEvents = 0
    /// Transactions the writer thread committed (group commits of agents' readings).
    public var batches = 0

    mutating func add(_ other: Tally) {
      messages += other.messages
      freshSamples += other.freshSamples
      duplicateSamples += other.duplicateSamples
      quarantined += other.quarantined
      alertEvents += other.alertEvents
      batches += other.batches
    }
  }

  public init(
    settings: Settings, pipeline: IngestPipeline, journal: AlertJournal, logger: Logger,
    clock: @escaping @Sendable () -> Timestamp = WallClock.now
  ) throws {
    self.settings = settings
    self.pipeline = pipeline
    self.journal = journal
    self.logger = logger
    self.clock = clock
    self.hook = settings.notification.map { NotificationHook(settings: $0, logger: logger) }
    self.presence = try AgentPresenceTracker(rule: settings.agentPresence, store: pipeline.store)
  }

  public var totals: Tally { tally.withLock { $0 } }

  /// Writes journal lines a previous run committed but did not append, then connects and starts consuming.
  public func start() throws {
    let appended = try journal.catchUp(from: pipeline.store)
    if !appended.isEmpty {
      logger.notice("alert journal caught up", metadata: ["lines": "\(appended.count)", "path": "\(journal.path)"])
    }
    let statusTopic = Topics.collectorStatus(id: settings.collectorID)
    var options = ClientOptions(clientID: "coldtrace-collector-\(settings.collectorID)", broker: settings.broker)
    options.protocolVersion = settings.protocolVersion
    options.cleanSession = false
    options.sessionExpirySeconds = UInt32.max
    options.tls = settings.tls
    options.will = .init(topic: statusTopic, payload: Array(statusLine("offline").utf8))
    let logger = self.logger
    let client = try MosquittoClient(
      options: options,
      onMessage: { [weak self] message in self?.handle(message) },
      onEvent: { [weak self] event in
        switch event {
        case .connected(let sessionPresent):
          logger.info("connected to broker", metadata: ["session_present": "\(sessionPresent)"])
          guard let self else { return }
          _ = try? self.client.withLock { client in
            try client?.publish(topic: statusTopic, payload: Array(self.statusLine("online").utf8), retain: true)
          }
        case .refused(let reason): logger.error("broker refused the connection: \(reason)")
        case .subscribed(let filter): logger.info("subscribed to \(filter)")
        case .subscriptionRefused(let filter, let reason):
          logger.critical("broker refused the subscription to \(filter): \(reason); no readings will arrive")
        case .disconnected(let reason): logger.warning("disconnected from broker: \(reason)")
        case .failed(let reason, let retryIn): logger.warning("\(reason); retrying in \(retryIn) s")
        }
      })
    try client.subscribe(Topics.readingFilter, qos: .atLeastOnce)
    try client.subscribe(Topics.statusFilter, qos: .atLeastOnce)
    self.client.withLock { $0 = client }
    startWriting()
    client.start()
    startAcknowledging()
    startSilenceChecks()
    hook?.start()
    logger.info(
      "collector started",
      metadata: ["broker": "\(settings.broker)", "db": "\(pipeline.store.path)", "journal": "\(journal.path)"])
  }

  /// Publishes `offline`, disconnects cleanly and stops.
  public func stop() {
    stopping.store(true, ordering: .sequentiallyConsistent)
    hook?.stop()
    guard let client = client.withLock({ $0 }) else { return }
    let topic = Topics.collectorStatus(id: settings.collectorID)
    _ = try? client.publish(topic: topic, payload: Array(statusLine("offline").utf8), retain: true)
    client.stop()
    self.client.withLock { $0 = nil }
    // Nothing arrives any more: let the writer commit what it accepted.
    queue.close()
    for _ in 0..<600 where !writerDone.withLock({ $0 }) { usleep(50_000) }
    let totals = self.totals
    logger.info(
      "collector stopped",
      metadata: [
        "messages": "\(totals.messages)", "stored": "\(totals.freshSamples)",
        "duplicates": "\(totals.duplicateSamples)", "quarantined": "\(totals.quarantined)",
        "batches": "\(totals.batches)",
      ])
  }

  /// Runs on the MQTT network thread.
  ///
  /// A reading the end-to-end acknowledgement covers (a `seq` on every sample, from an agent that announced a
  /// durable outbox) goes to the writer thread, which commits readings in batches: its PUBACK may leave first, because
  /// the agent keeps it until the collector's acknowledgement says it is committed. Anything else (a third-party
  /// source, a publisher without an outbox, a payload to quarantine) is committed here before returning, so its
  /// PUBACK leaves only after the commit.
  func handle(_ message: ReceivedMessage) {
    if message.topic.hasPrefix(Self.statusPrefix) {
      if !presence.receive(topic: message.topic, payload: message.payload, now: clock()) {
        logger.warning("ignored a malformed status message on \(message.topic)")
      }
      return
    }
    let receivedAt = clock()
    let decoded = topics.withLock { topics in
      ReadingDecoder.decode(topic: message.topic, payload: message.payload, now: receivedAt, topics: &topics)
    }
    if case .success(let reading) = decoded, let agent = reading.agent,
      reading.samples.allSatisfy({ $0.seq != nil }),
      presence.keepsOutbox(AgentKey(site: reading.key.site, agent: agent))
    {
      let item = IngestQueue.Item(
        topic: message.topic, payload: Array(message.payload), reading: reading)
      if queue.put(item) { return }
    }
    commitRetrying(topic: message.topic, payload: message.payload, what: "reading from \(message.topic)") {
      record(
        try pipeline.ingest(decoded, topic: message.topic, payload: message.payload, receivedAt: receivedAt),
        topic: message.topic)
    }
  }

  /// The writer thread: commits whatever readings wait, up to `batchLimit` a transaction, until the queue closes.
  private func startWriting() {
    let thread = Thread { [self] in
      while true {
        let items = queue.take()
        guard !items.isEmpty else { break }
        do {
          emit(account(try commitBatch(items)))
        } catch {
          // Not transient: one of them is to blame. Commit them one at a time, so only that one is quarantined.
          logger.error("a batch of \(items.count) readings failed (\(error)); committing them one at a time")
          for item in items {
            item.payload.withUnsafeBytes { payload in
              commitRetrying(topic: item.topic, payload: payload, what: "reading from \(item.topic)") {
                record(try pipeline.commitGroup([item.reading]), topic: item.topic)
              }
            }
          }
        }
      }
      writerDone.withLock { $0 = true }
    }
    thread.name = "coldtrace-writer"
    thread.start()
  }

  /// One transaction for `items`, retried with back-off while the failure can pass (disk full, database busy);
  /// meanwhile the queue fills and the network thread waits, so the broker holds everything behind. Throws only a
  /// failure that cannot pass.
  private func commitBatch(_ items: [IngestQueue.Item]) throws -> IngestPipeline.GroupOutcome {
    var outage = StorageOutage(logger: logger, clock: clock)
    while true {
      do {
        let outcomes = try pipeline.commitGroup(items.map(\.reading))
        outage.ended()
        return outcomes
      } catch  where SQLiteStore.isTransient(error) {
        outage.failed(error)
        usleep(outage.retryWaitMicroseconds)
      }
    }
  }

  /// Runs `body` (a commit) until it succeeds. A failure that can pass (the disk is full, the database is locked or
  /// unreadable for a moment) is retried with back-off, without acknowledging. Any other failure belongs to this
  /// message alone; it is kept whole in quarantine (reason `ingest_failed`) so it cannot block every message after it.
  private func commitRetrying(
    topic: String, payload: UnsafeRawBufferPointer, what: String, _ body: () throws -> Void
  ) {
    var outage = StorageOutage(logger: logger, clock: clock)
    while true {
      do {
        do {
          try body()
        } catch  where !SQLiteStore.isTransient(error) {
          logger.error("cannot ingest the \(what): \(error); keeping it in quarantine")
          try pipeline.quarantineUnstorable(topic: topic, payload: payload, error: error, receivedAt: clock())
          tally.withLock {
            $0.messages += 1
            $0.quarantined += 1
          }
        }
        outage.ended()
        return
      } catch {
        if stopping.load(ordering: .sequentiallyConsistent) {
          // Returning would acknowledge a message we did not keep; the broker redelivers it to our session instead.
          logger.critical("cannot store message while stopping; exiting without acknowledging it: \(error)")
          _exit(1)
        }
        outage.failed(error)
        usleep(outage.retryWaitMicroseconds)
      }
    }
  }

  /// Counts, logs and acknowledges one committed message, then journals and publishes its alert events.
  private func record(_ committed: IngestPipeline.GroupOutcome, topic: String) {
    let alertLines = committed.outcomes.flatMap { account($0, topic: topic) }
    note(committed.acknowledgements)
    emit(alertLines)
  }

  /// Counts a committed batch and notes its acknowledgements (one per sensor, as the batch left it); returns its
  /// alert events, to emit at once (one journal catch-up per batch).
  private func account(_ group: IngestPipeline.GroupOutcome) -> [AlertLine] {
    var batch = Tally(batches: 1)
    var alertLines: [AlertLine] = []
    for outcome in group.outcomes {
      guard case .stored(let fresh, let duplicates, let lines) = outcome else { continue }
      batch.messages += 1
      batch.freshSamples += fresh
      batch.duplicateSamples += duplicates
      batch.alertEvents += lines.count
      alertLines += lines
    }
    tally.withLock { $0.add(batch) }
    note(group.acknowledgements)
    return alertLines
  }

  /// Hands committed acknowledgements to the publisher and logs the gaps they report.
  private func note(_ committed: [Acknowledgement]) {
    guard !committed.isEmpty else { return }
    acknowledgements.note(committed)
    for acknowledgement in committed { reportGap(acknowledgement) }
  }

  /// Counts and logs one committed outcome of a message committed alone; returns its alert events, for the caller
  /// to emit.
  private func account(_ outcome: IngestOutcome, topic: String) -> [AlertLine] {
    switch outcome {
    case .quarantined(let rejection):
      tally.withLock {
        $0.messages += 1
        $0.quarantined += 1
      }
      let now = clock()
      if let warning = quarantineLog.withLock({
        $0.warning(topic: topic, reason: rejection.reason.rawValue, detail: rejection.detail, now: now)
      }) {
        logger.warning("\(warning)")
      }
      return []
    case .stored(let fresh, let duplicates, let alertLines):
      tally.withLock {
        $0.messages += 1
        $0.freshSamples += fresh
        $0.duplicateSamples += duplicates
        $0.alertEvents += alertLines.count
      }
      return alertLines
    }
  }

  /// Journals and publishes committed alert events.
  private func emit(_ alertLines: [AlertLine]) {
    guard !alertLines.isEmpty else { return }
    do {
      try journal.catchUp(from: pipeline.store, wait: false)
    } catch {
      logger.error("alert journal: \(error) (the database has the events; the next start writes them)")
    }
    let client = self.client.withLock { $0 }
    for alert in alertLines {
      logger.notice("alert: \(alert.line)")
      _ = try? client?.publish(topic: alert.topic, payload: Array(alert.line.utf8))
      hook?.notify(room: String(alert.topic.dropFirst(Topics.root.count + "/alert/".count)), line: alert.line)
    }
  }

  /// Checks for silent sensors on a timer, so a dead probe or agent alarms without waiting for a next reading.
  private func startSilenceChecks() {
    let thread = Thread { [self] in
      var waited = 0.0
      while !stopping.load(ordering: .sequentiallyConsistent) {
        usleep(100_000)
        waited += 0.1
        guard waited >= settings.silenceCheckSeconds else { continue }
        waited = 0
        do {
          var lines = try pipeline.checkSilence(now: clock(), rule: settings.silence) + presence.check(now: clock())
          if settings.renotifyAfterSeconds > 0 {
            lines += try pipeline.renotify(now: clock(), afterSeconds: settings.renotifyAfterSeconds)
          }
          tally.withLock { $0.alertEvents += lines.count }
          emit(lines)
        } catch {
          logger.error("silence check failed: \(error); retrying in \(settings.silenceCheckSeconds) s")
        }
        do {
          // Journal lines that are no alert event (a completed cold treatment) reach the file on this beat too.
          try journal.catchUp(from: pipeline.store, wait: false)
        } catch {
          logger.error("alert journal: \(error) (the database has the lines; the next catch-up writes them)")
        }
      }
    }
    thread.name = "coldtrace-silence"
    thread.start()
  }

  /// Logs a sequence gap once per missing range start: samples above it are stored but not acknowledged until the
  /// agent re-sends what is missing.
  private func reportGap(_ acknowledgement: Acknowledgement) {
    let probe = "\(acknowledgement.site)/\(acknowledgement.sensor)"
    guard let gap = acknowledgement.gap else {
      reportedGaps.withLock { _ = $0.removeValue(forKey: probe) }
      return
    }
    let isNew = reportedGaps.withLock { reported in
      defer { reported[probe] = gap.lowerBound }
      return reported[probe] != gap.lowerBound
    }
    if isNew {
      let message =
        "gap in \(probe) from agent \(acknowledgement.agent): seq \(gap.lowerBound) missing, stored up to "
        + "\(gap.upperBound); acknowledging \(acknowledgement.watermark) until the agent re-sends"
      logger.info("\(message)")
    }
  }

  /// Sends due acknowledgements every quarter second until stopped.
  private func startAcknowledging() {
    let thread = Thread { [self] in
      while !stopping.load(ordering: .sequentiallyConsistent) {
        usleep(250_000)
        let client = self.client.withLock { $0 }
        do {
          try acknowledgements.flush(makeDurable: pipeline.store.syncWriteAheadLog) { topic, payload in
            _ = try? client?.publish(topic: topic, payload: payload)
          }
        } catch {
          logger.error("cannot make readings durable, so not acknowledging them yet: \(error)")
        }
      }
    }
    thread.name = "coldtrace-acks"
    thread.start()
  }

  private func statusLine(_ state: String) -> String {
    "{\"state\":\(JSONText.quoted(state)),\"collector\":\(JSONText.quoted(settings.collectorID)),"
      + "\"version\":\"\(Self.version)\",\"ts\":\(JSONText.quoted(clock().rfc3339))}"
  }
}
