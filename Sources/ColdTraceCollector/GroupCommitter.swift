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

/// Commits readings, in groups, with one retry policy and one tally, and hands on what each commit produced
/// (acknowledgements to the acknowledgement loop, alert events and journal lines to the fan-out).
///
/// Two ways in, one way through:
/// - `enqueue`: readings the end-to-end acknowledgement covers wait in the `IngestQueue`, and a writer thread commits
///   them in groups of up to `batchLimit` (group commit). Their PUBACK may leave first: the agent keeps them until the
///   collector's acknowledgement says they are committed.
/// - `enqueueUnacknowledged` (`GroupCommitter+Sources`): a `[[source]]`'s readings take the same queue and writer;
///   nothing sends them again, so the queue never turns them away. At QoS 1 their PUBACK is held until the commit.
/// - `commitWaiting`: anything else is a group of one, committed on the caller's thread (the MQTT network thread)
///   before it returns, so its PUBACK leaves only after the commit.
///
/// The retry policy: a failure that can pass (disk full, database busy) is retried with back-off, without
/// acknowledging anything, until storage works again; meanwhile the queue fills and the network thread waits, so the
/// broker holds everything behind. While the collector is stopping, the network thread exits instead (status 1),
/// never acknowledging a message it did not keep; the writer keeps trying until `finish` gives up. A failure that
/// cannot pass belongs to one message: a group that fails so is committed again one reading at a time, and the one
/// that still fails is kept whole in quarantine (reason `ingest_failed`) so it cannot block every message after it.
final class GroupCommitter: Sendable {
  /// The most readings committed in one transaction: each transaction has fixed costs (engine states, watermarks
  /// and source rows saved, one `MAX(seq)` per probe, the commit's WAL frames), so a backlog drain commits large ones
  /// (benchmarks/README.md).
  static let batchLimit = 2048

  let pipeline: IngestPipeline
  let acknowledgements: AcknowledgementLoop
  let fanOut: AlertFanOut
  let tally: SharedTally
  let metrics: CollectorMetrics
  let logger: Logger
  let clock: any ServiceClock
  let queue = IngestQueue(batchLimit: GroupCommitter.batchLimit)
  /// Signalled once by the writer thread when it has committed everything and ended.
  private let writerDone = DispatchSemaphore(value: 0)
  private let stopping = Atomic<Bool>(false)
  let quarantineLog = Mutex(QuarantineLogLimiter())
  /// Per site and cause, when a reading left to its agent (deferred, over the rate) was last logged.
  let deferralLog = Mutex<[String: Timestamp]>([:])
  /// The most readings one site may have waiting for the writer.
  var siteQueueCapacity: Int { queue.siteCapacity }
  /// A writer round at least this long is logged with its phases (`SlowRoundLog`); `nil`: none is.
  let slowRound: Duration?

  init(
    pipeline: IngestPipeline, acknowledgements: AcknowledgementLoop, fanOut: AlertFanOut, tally: SharedTally,
    metrics: CollectorMetrics, logger: Logger, clock: any ServiceClock, slowRound: Duration? = nil
  ) {
    self.slowRound = slowRound
    self.metrics = metrics
    self.pipeline = pipeline
    self.acknowledgements = acknowledgements
    self.fanOut = fanOut
    self.tally = tally
    self.logger = logger
    self.clock = clock
  }

  /// Queues a reading for the writer thread, or turns it away when its site has its share waiting (its agent sends
  /// it again: `noteDeferred`); `.closed` once the queue is closed (then commit it with `commitWaiting`).
  func enqueue(_ item: IngestQueue.Item) -> IngestQueue.PutOutcome { queue.put(item) }

  /// Holds back the later readings of the probe of `reading`, which was not kept, until its agent sends it again.
  func holdBackAfter(_ reading: DecodedReading) { queue.turnAway(reading) }

  /// Commits one message as a group of one, before returning: a reading, or a payload to quarantine.
  func commitWaiting(
    topic: String, payload: UnsafeRawBufferPointer, decoded: Result<DecodedReading, PayloadRejection>,
    receivedAt: Timestamp
  ) {
    let received = ContinuousClock.now
    switch decoded {
    case .success(let reading):
      // After the writes of a status that came before it (its placements judge it).
      queue.waitForChores()
      // The payload is read only if the reading must go to quarantine, while this call still holds it.
      let group = Group(
        readings: [reading], topic: { _ in topic }, receivedAt: { _ in received },
        quarantine: { _, error in
          try self.pipeline.quarantineUnstorable(
            topic: topic, payload: payload, error: error, receivedAt: self.clock.now())
        })
      commit(group, by: .network)
    case .failure:
      let quarantined = retrying(until: Self.never, by: .network) {
        try pipeline.ingest(decoded, topic: topic, payload: payload, receivedAt: receivedAt)
      }
      if case .success(let committed) = quarantined {
        deliver(committed, topic: { _ in topic }, group: nil, by: .network)
      }
    }
  }

  /// Starts the writer thread: it commits whatever readings wait, a group at a time, until `finish`. A round slower
  /// than `slowRound` is logged with its phases (`SlowRoundLog`).
  func start() {
    let thread = Thread { [self] in
      var slowRounds = slowRound.map { SlowRoundLog(threshold: $0, lightReadings: queue.lightSiteLimit) }
      while true {
        let asked = ContinuousClock.now
        let schedule = slowRounds == nil ? nil : ThreadSchedule.current()
        let (chores, items) = queue.takeRound()
        guard !items.isEmpty || !chores.isEmpty else { break }
        // Before the readings queued after them (a status's rows before its agent's later readings).
        for chore in chores { chore() }
        queue.choresRan(chores.count)
        guard !items.isEmpty else { continue }
        let round =
          slowRounds == nil ? nil : WriterRound(asked: asked, items: items, store: pipeline.store, schedule: schedule)
        commit(Group(queued: items, pipeline: pipeline, clock: clock), by: .writer, round: round)
        // Stored or kept in quarantine, committed and synced: their held PUBACKs may leave.
        let syncing = ContinuousClock.now
        releaseDurably(items.compactMap(\.acknowledgement), by: .writer)
        if let round {
          round.sync = ContinuousClock.now - syncing
          if let line = slowRounds?.line(for: round, store: pipeline.store) { logger.warning("\(line)") }
        }
      }
      writerDone.signal()
    }
    thread.name = "coldtrace-writer"
    thread.start()
  }

  /// From now on a commit that cannot be made exits instead of waiting (see the type's doc).
  func beginStopping() { stopping.store(true, ordering: .sequentiallyConsistent) }

  /// Closes the queue and waits (up to 30 s) for the writer to commit what it accepted. Call once, after `start`.
  func finish() {
    queue.close()
    if writerDone.wait(timeout: .now() + 30) == .timedOut {
      logger.error("the writer did not finish committing within 30 s; stopping without it")
    }
  }

  /// One transaction for `group`, retried while the failure can pass; see the type's doc for the rest.
  private func commit(_ group: Group, by committer: Committer, round: WriterRound? = nil) {
    let committed = retrying(until: Self.cannotPass, by: committer) {
      let started = ContinuousClock.now
      let outcome = try pipeline.commitGroup(group.readings)
      metrics.commitDuration.observe(Self.seconds(since: started))
      return outcome
    }
    switch committed {
    case .success(let committed):
      round?.add(committed)
      let delivering = ContinuousClock.now
      deliver(committed, topic: group.topic, group: group, by: committer)
      round?.handOff += ContinuousClock.now - delivering
    case .failure(let error):
      guard group.readings.count == 1 else {
        logger.error("a batch of \(group.readings.count) readings failed (\(error)); committing them one at a time")
        for index in group.readings.indices {
          commit(group.alone(index), by: committer == .network ? .network : .writerAlone, round: round)
        }
        return
      }
      if error is SequenceReused {
        logger.warning("refused the reading from \(group.topic(0)): \(error); keeping it in quarantine (seq_reused)")
      } else {
        logger.error("cannot ingest the reading from \(group.topic(0)): \(error); keeping it in quarantine")
      }
      let quarantined = retrying(until: Self.never, by: committer) { try group.quarantine(0, error) }
      tally.add(CollectorTally(messages: 1, quarantined: 1))
      if case .success(let events) = quarantined { fanOut.emit(events) }
    }
  }

  /// Runs `body` (a commit) until it succeeds or fails in a way `isFinal` says will not pass, waiting out the others
  /// with back-off.
  func retrying<T>(
    until isFinal: (any Error) -> Bool, by committer: Committer, _ body: () throws -> T
  ) -> Result<T, any Error> {
    var outage = StorageOutage(logger: logger, clock: clock)
    while true {
      do {
        let result = try body()
        outage.ended()
        return .success(result)
      } catch  where isFinal(error) {
        return .failure(error)
      } catch {
        waitOut(error, &outage, by: committer)
      }
    }
  }

  /// Never gives up: for writes that must happen (a quarantine row).
  static func never(_: any Error) -> Bool { false }
  /// Gives up on a failure that would fail the same way every time (it belongs to the group, not to storage).
  private static func cannotPass(_ error: any Error) -> Bool { !SQLiteStore.isTransient(error) }

  /// Waits before the next try. On the network thread while stopping, exits instead: returning would acknowledge a
  /// message we did not keep, and the broker sends it again to the next run.
  private func waitOut(_ error: any Error, _ outage: inout StorageOutage, by committer: Committer) {
    if committer == .network && stopping.load(ordering: .sequentiallyConsistent) {
      logger.critical("cannot store message while stopping; exiting without acknowledging it: \(error)")
      _exit(1)
    }
    outage.failed(error)
    clock.sleep(seconds: outage.retryWaitSeconds)
  }

  private static func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = start.duration(to: .now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
  }

  /// Counts a committed group (and times its stored readings, when it is one), notes its acknowledgements and hands
  /// its alert events and journal lines on.
  private func deliver(
    _ committed: IngestPipeline.GroupOutcome, topic: (Int) -> String, group: Group?, by committer: Committer
  ) {
    let committedAt = clock.now()
    var counted = CollectorTally(batches: committer == .writer ? 1 : 0)
    for (index, outcome) in committed.outcomes.enumerated() {
      counted.messages += 1
      switch outcome {
      case .quarantined(let rejection):
        counted.quarantined += 1
        let now = clock.now()
        if let warning = quarantineLog.withLock({
          $0.warning(topic: topic(index), reason: rejection.reason.rawValue, detail: rejection.detail, now: now)
        }) {
          logger.warning("\(warning)")
        }
      case .stored(let fresh, let duplicates, let alerts):
        // Through the optional: `if let group` would copy the group (its closures and readings) once per reading.
        if let received = group?.receivedAt(index) {
          metrics.ingestLatency.observe(Self.seconds(since: received))
          if fresh > 0, let newest = group?.readings[index].samples.lazy.map(\.ts).max() {
            metrics.readingDelay.observe(Double(committedAt.milliseconds - newest.milliseconds) / 1000)
          }
        }
        counted.freshSamples += fresh
        counted.duplicateSamples += duplicates
        counted.alertEvents += alerts.count
      }
    }
    tally.add(counted)
    for probe in committed.refusedRegistrations {
      // Its readings are stored all the same; under `register` it is registered again from a reading after a restart.
      logger.error("cannot record the registration of \(probe.site)/\(probe.sensor)")
    }
    acknowledgements.note(committed.acknowledgements)
    fanOut.emit(committed.events)
  }
}

/// A group to commit: its readings, each message's topic (for logs), and how to keep message `index` whole in
/// quarantine should it turn out unstorable (returning the alert events that raised, for the fan-out). The raw payloads are touched only then: an inline message's stays the
/// handler's buffer, not a copy.
private struct Group {
  let readings: [DecodedReading]
  let topic: (Int) -> String
  /// When message `index` was received: its ingest latency runs from then to the commit.
  let receivedAt: (Int) -> ContinuousClock.Instant
  let quarantine: (_ index: Int, _ error: any Error) throws -> CommittedEvents

  init(
    readings: [DecodedReading], topic: @escaping (Int) -> String,
    receivedAt: @escaping (Int) -> ContinuousClock.Instant,
    quarantine: @escaping (_ index: Int, _ error: any Error) throws -> CommittedEvents
  ) {
    self.readings = readings
    self.topic = topic
    self.receivedAt = receivedAt
    self.quarantine = quarantine
  }

  /// The writer's group: readings the queue handed over, with their copied payloads.
  init(queued items: [IngestQueue.Item], pipeline: IngestPipeline, clock: any ServiceClock) {
    self.init(
      readings: items.map(\.reading), topic: { items[$0].topic }, receivedAt: { items[$0].receivedAt },
      quarantine: { index, error in
        try items[index].payload.withUnsafeBytes { payload in
          try pipeline.quarantineUnstorable(
            topic: items[index].topic, payload: payload, error: error, receivedAt: clock.now())
        }
      })
  }

  /// Message `index` of the group, alone.
  func alone(_ index: Int) -> Group {
    Group(
      readings: [readings[index]], topic: { _ in topic(index) }, receivedAt: { _ in receivedAt(index) },
      quarantine: { _, error in try quarantine(index, error) })
  }
}
