import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Logging
import Synchronization

/// The collector's message handler, on the MQTT network thread: agents' statuses go to the presence tracker; readings
/// are decoded and either queued for group commit or committed at once (`GroupCommitter`).
///
/// Queued: a reading the end-to-end acknowledgement covers (a `seq` on every sample, from an agent that announced a
/// durable outbox), whose PUBACK may leave before it is committed. At once: anything else (a third-party source, a
/// publisher without an outbox, a payload to quarantine), committed before this returns, so its PUBACK leaves only
/// after the commit (libmosquitto writes it when the handler returns).
final class MessageRouter: Sendable {
  let presence: AgentPresenceTracker
  let committer: GroupCommitter
  let logger: Logger
  let clock: any ServiceClock
  /// The `[[source]]`s' topics (third-party publishers), if any.
  let sources: SourceRouter?
  /// The sensors of reading topics seen before (used by the network thread only).
  private let topics = Mutex(ReadingTopicCache())
  private static let statusPrefix = Topics.root + "/status/"
  private static let ownPrefix = Topics.root + "/"

  init(
    presence: AgentPresenceTracker, committer: GroupCommitter, logger: Logger, clock: any ServiceClock,
    sources: SourceRouter? = nil
  ) {
    self.sources = sources
    self.presence = presence
    self.committer = committer
    self.logger = logger
    self.clock = clock
  }

  func route(_ message: ReceivedMessage) {
    let receivedAt = clock.now()
    if message.topic.hasPrefix(Self.statusPrefix) {
      guard let events = presence.receive(topic: message.topic, payload: message.payload, now: receivedAt) else {
        logger.warning("ignored a malformed status message on \(message.topic)")
        return
      }
      for line in events.journal { logger.notice("journal: \(line.line)") }
      committer.fanOut.emit(events)
      return
    }
    if let sources, !message.topic.hasPrefix(Self.ownPrefix) {
      sources.route(message, receivedAt: receivedAt)
      return
    }
    let decoded = topics.withLock { topics in
      ReadingDecoder.decode(topic: message.topic, payload: message.payload, now: receivedAt, topics: &topics)
    }
    if case .success(let reading) = decoded, isCoveredByAcknowledgement(reading),
      committer.enqueue(.init(topic: message.topic, payload: Array(message.payload), reading: reading))
    {
      return
    }
    committer.commitWaiting(
      topic: message.topic, payload: message.payload, decoded: decoded, receivedAt: receivedAt)
  }

  /// Numbered throughout, from an agent that keeps a durable outbox: it sends again whatever is not acknowledged.
  private func isCoveredByAcknowledgement(_ reading: DecodedReading) -> Bool {
    guard let agent = reading.agent, reading.samples.allSatisfy({ $0.seq != nil }) else { return false }
    return presence.keepsOutbox(AgentKey(site: reading.key.site, agent: agent))
  }
}
