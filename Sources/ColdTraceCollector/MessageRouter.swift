import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Logging
import Synchronization

/// The collector's message handler, on the MQTT network thread: agents' statuses go to the presence tracker (their
/// rows are written by the writer thread, so a status never waits for a transaction here); readings are decoded and
/// either queued for group commit or committed at once (`GroupCommitter`).
///
/// Queued: a reading the end-to-end acknowledgement covers (a `seq` on every sample, from an agent that announced a
/// durable outbox), whose PUBACK may leave before it is committed; or, while its site has its share of the queue
/// waiting, deferred (not kept, not acknowledged: its agent sends it again). At once: anything else (a publisher
/// without an outbox, a payload to quarantine), committed before this returns, so its PUBACK leaves only after the
/// commit (libmosquitto writes it when the handler returns). Third-party sources go to `SourceRouter`.
///
/// Before either, the probe registry admits the reading (`ProbeRegistry`): a probe it does not take, or a site over
/// its rate, is kept in quarantine at once and goes no further.
final class MessageRouter: Sendable {
  let presence: AgentPresenceTracker
  let committer: GroupCommitter
  let registry: ProbeRegistry
  /// Judges agents' clocks from the `sent` time of their payloads (`nil` in tests that need none).
  let clockSkew: ClockSkewTracker?
  let logger: Logger
  let clock: any ServiceClock
  /// The `[[source]]`s' topics (third-party publishers), if any.
  let sources: SourceRouter?
  /// The site brokers' link states (`nil` in tests that need none).
  let bridges: SiteBridgeTracker?
  /// The sensors of reading topics seen before (used by the network thread only).
  private let topics = Mutex(ReadingTopicCache())
  /// Handler calls that held the network thread too long (`nil`: not timed).
  private let slowHandlers: Mutex<SlowHandlerLog>?
  private static let statusPrefix = Topics.root + "/status/"
  private static let ownPrefix = Topics.root + "/"

  init(
    presence: AgentPresenceTracker, committer: GroupCommitter, registry: ProbeRegistry, logger: Logger,
    clock: any ServiceClock, sources: SourceRouter? = nil, clockSkew: ClockSkewTracker? = nil,
    bridges: SiteBridgeTracker? = nil, slowHandler: Duration? = nil
  ) {
    slowHandlers = slowHandler.map { Mutex(SlowHandlerLog(threshold: $0)) }
    self.sources = sources
    self.bridges = bridges
    self.clockSkew = clockSkew
    self.presence = presence
    self.registry = registry
    self.committer = committer
    self.logger = logger
    self.clock = clock
  }

  /// Handles one message (see the type's doc); a call that held the network thread `slowHandler` or longer is
  /// logged (`SlowHandlerLog`).
  func route(_ message: ReceivedMessage) {
    guard slowHandlers != nil else { return handle(message) }
    let started = ContinuousClock.now
    handle(message)
    let ended = ContinuousClock.now
    if let line = slowHandlers?.withLock({ $0.line(topic: message.topic, took: ended - started, ended: ended) }) {
      logger.warning("\(line)")
    }
  }

  private func handle(_ message: ReceivedMessage) {
    let receivedAt = clock.now()
    if message.topic.hasPrefix(Self.statusPrefix) {
      guard let received = presence.receive(topic: message.topic, payload: message.payload, now: receivedAt) else {
        logger.warning("ignored a malformed status message on \(message.topic)")
        return
      }
      guard let writes = received else { return }  // a collector's own status: nothing to store
      // Its rows on the writer thread, before the readings queued after it: this thread reads on meanwhile.
      committer.schedule { [committer, logger] in
        let events = writes()
        for line in events.journal { logger.notice("journal: \(line.line)") }
        committer.fanOut.emit(events)
      }
      return
    }
    if let bridges, message.topic.hasPrefix(SiteBridgeTracker.prefix) {
      if !bridges.receive(topic: message.topic, payload: message.payload, now: receivedAt) {
        logger.warning("ignored a message on \(message.topic) that is not a bridge state (1 or 0)")
      }
      return
    }
    if let sources, !message.topic.hasPrefix(Self.ownPrefix) {
      sources.route(message, receivedAt: receivedAt) { reading, slot in
        admit(reading, message, receivedAt: receivedAt, configured: true, slot: &slot)
      }
      return
    }
    // A probe with a reading deferred: its later ones are turned away from the topic, `seq` and agent alone,
    // undecoded, when their agent keeps an outbox (it sends them again; a sender without one is decoded and stored).
    if committer.mayHoldBack, let key = topics.withLock({ try? $0.sensorKey(from: message.topic) }),
      let agent = SequencePeek.agent(message.payload), presence.keepsOutbox(AgentKey(site: key.site, agent: agent)),
      committer.turnsAwayUndecoded(
        ProbeKey(site: key.site, sensor: key.sensor), payload: message.payload, receivedAt: receivedAt)
    {
      return
    }
    let decoded = topics.withLock { topics in
      ReadingDecoder.decode(topic: message.topic, payload: message.payload, now: receivedAt, topics: &topics)
    }
    judgeClock(decoded, message, receivedAt: receivedAt)
    var slot: ProbeRegistry.Slot?
    if case .success(let reading) = decoded, !admit(reading, message, receivedAt: receivedAt, slot: &slot) { return }
    if case .success(let reading) = decoded, isCoveredByAcknowledgement(reading) {
      switch committer.enqueue(.init(topic: message.topic, payload: Array(message.payload), reading: reading)) {
      case .queued: return
      case .deferred:
        committer.noteDeferred(reading, receivedAt: receivedAt)
        return
      case .closed: break
      }
    }
    committer.commitWaiting(
      topic: message.topic, payload: message.payload, decoded: decoded, receivedAt: receivedAt)
  }

  /// Asks the registry about `reading`: `true` to go on with it (registering its probe first if the site's policy
  /// says so, or if a `[[source]]` of the config mapped it: `configured`), `false` when it was kept in quarantine.
  /// `slot`: where the registry found the probe last time, if the caller keeps that (`ProbeRegistry.Slot`).
  private func admit(
    _ reading: DecodedReading, _ message: ReceivedMessage, receivedAt: Timestamp, configured: Bool = false,
    slot: inout ProbeRegistry.Slot?
  ) -> Bool {
    switch registry.admit(reading.key, now: receivedAt, configured: configured, slot: &slot) {
    case .admitted:
      return true
    case .registerFirst:
      // No transaction here: the group that stores the reading stores the registration too.
      registry.registerOnFirstReading(reading.key, now: receivedAt)
      return true
    case .refuse(let reason, let pending, let silent, let tripped):
      if reason == .siteRateLimit && isCoveredByAcknowledgement(reading) {
        // Over the rate, from an agent that keeps it: not kept (a transaction each would make the limit the
        // bottleneck of every site), not acknowledged, so the agent sends it again.
        committer.noteOverRate(reading, receivedAt: receivedAt)
      } else {
        committer.quarantineRefused(
          reading, topic: message.topic, payload: message.payload, reason: reason, pending: pending,
          silent: silent, receivedAt: receivedAt)
      }
      if let tripped {
        do {
          committer.fanOut.emit(try registry.openAlert(site: reading.key.site, limit: tripped, now: receivedAt))
        } catch {
          logger.error("cannot open the site_limit alert of \(reading.key.site): \(error)")
        }
      }
      return false
    }
  }

  /// Hands the agent's `sent` time, if the payload has one, to the `clock_skew` judge: from the decoded reading, or
  /// from the envelope of one refused for a `ts` too far ahead (a clock hours fast).
  private func judgeClock(
    _ decoded: Result<DecodedReading, PayloadRejection>, _ message: ReceivedMessage, receivedAt: Timestamp
  ) {
    guard let clockSkew else { return }
    let sender: (agent: String, sent: Timestamp)?
    let site: String?
    switch decoded {
    case .success(let reading):
      sender = reading.agent.flatMap { agent in reading.sent.map { (agent, $0) } }
      site = reading.key.site
    case .failure(let rejection) where rejection.reason == .futureTimestamp:
      sender = ReadingDecoder.sender(of: message.payload)
      site = try? ReadingTopic.sensorKey(from: message.topic).site
    case .failure:
      return
    }
    guard let sender, let site else { return }
    do {
      let events = try clockSkew.observe(site: site, agent: sender.agent, sent: sender.sent, received: receivedAt)
      for line in events.journal { logger.notice("journal: \(line.line)") }
      committer.fanOut.emit(events)
    } catch {
      logger.error("cannot record the clock_skew alert of agent \(sender.agent): \(error)")
    }
  }

  /// Numbered throughout, from an agent that keeps a durable outbox: it sends again whatever is not acknowledged.
  private func isCoveredByAcknowledgement(_ reading: DecodedReading) -> Bool {
    guard let agent = reading.agent, reading.samples.allSatisfy({ $0.seq != nil }) else { return false }
    return presence.keepsOutbox(AgentKey(site: reading.key.site, agent: agent))
  }
}
