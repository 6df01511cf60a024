import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation

/// One round of the writer thread, timed: readings taken from the per-site queues, committed, synced where a held
/// PUBACK needs it, and handed on (journal lines, alert topic). Filled on the writer thread only.
final class WriterRound {
  /// One site's part of the round.
  struct Share {
    var site: String
    var readings = 0
    var samples = 0
    /// When the MQTT handler queued the site's oldest reading of the round.
    var oldest: ContinuousClock.Instant
    /// That reading's topic and first `seq`, to find it in a publisher's own log.
    var firstTopic: String
    var firstSequence: Int64?
  }

  /// When the writer asked the queue for readings, and when it had them.
  let asked: ContinuousClock.Instant
  let taken: ContinuousClock.Instant
  let shares: [Share]
  /// The WAL syncs and checkpoints made so far when the round began (any thread's).
  let syncsBefore: WALSyncTally.Reading
  let checkpointsBefore: WALCheckpointer.Tally?
  /// The writer thread's time on a CPU and waiting for one when it asked for readings (`nil` where the kernel does not
  /// say): the waiting includes the wait for a CPU once a reading woke it.
  let scheduleBefore: ThreadSchedule?
  /// The wait for the probes' committed state and the transaction's phases, over every commit of the round (one,
  /// unless a group failed and was committed again a reading at a time).
  var lockWait: Duration = .zero
  var write = WritePhases()
  /// Journal lines written and alert events published (`GroupCommitter.deliver`).
  var handOff: Duration = .zero
  /// The WAL sync before held PUBACKs are released (a third-party QoS 1 source's).
  var sync: Duration = .zero

  init(
    asked: ContinuousClock.Instant, items: [IngestQueue.Item], store: SQLiteStore, schedule: ThreadSchedule? = nil
  ) {
    self.asked = asked
    scheduleBefore = schedule
    taken = .now
    var shares: [Share] = []
    var slotOfSite: [String: Int] = [:]
    for item in items {
      let site = item.reading.key.site
      let slot =
        slotOfSite[site]
        ?? {
          slotOfSite[site] = shares.count
          shares.append(
            Share(
              site: site, oldest: item.receivedAt, firstTopic: item.topic,
              firstSequence: item.reading.samples.first?.seq))
          return shares.count - 1
        }()
      shares[slot].readings += 1
      shares[slot].samples += item.reading.samples.count
      shares[slot].oldest = min(shares[slot].oldest, item.receivedAt)
    }
    self.shares = shares
    syncsBefore = store.walSyncs
    checkpointsBefore = store.checkpointer?.tally
  }

  /// Adds one commit's phases.
  func add(_ outcome: IngestPipeline.GroupOutcome) {
    lockWait += outcome.lockWait
    write = write + outcome.phases
  }
}

/// Logs a writer round that took too long, one line with its phases and what it held, so that a stalled alarm can be
/// traced to its cause (`COLDTRACE_SLOW_ROUND_MS`, docs/operations.md). A round is slow when a *light* site's reading
/// in it (a site with at most `lightReadings` readings in the round: an alarm of a quiet site, not a backlog) waited
/// at least `threshold` from its arrival to its alert lines; or when the round itself took that long. The first kind
/// is logged up to `burst` lines per `intervalSeconds`, the second at most once per interval; what is not logged is
/// counted in the next line. The line names the round before it too: what a light site's reading waited behind.
struct SlowRoundLog {
  let threshold: Duration
  let lightReadings: Int
  var intervalSeconds = 10.0
  var burst = 20
  private var windowStart = ContinuousClock.now
  private var loggedInWindow = 0
  private var lastLongRound: ContinuousClock.Instant?
  private var suppressed = 0
  /// The round before, in a few words (`summary`).
  private var previous = "none"

  init(threshold: Duration, lightReadings: Int) {
    self.threshold = threshold
    self.lightReadings = lightReadings
  }

  /// The line to log for `round`, which has just ended (`ended`), or `nil`.
  mutating func line(for round: WriterRound, store: SQLiteStore, ended: ContinuousClock.Instant = .now) -> String? {
    defer { previous = Self.summary(of: round, ended: ended) }
    let lightWaited = round.shares.filter { $0.readings <= lightReadings }.map { ended - $0.oldest }.max()
    let waitedTooLong = lightWaited.map { $0 >= threshold } ?? false
    let tookTooLong = ended - round.taken >= threshold
    guard waitedTooLong || tookTooLong else { return nil }
    if ended - windowStart >= .seconds(intervalSeconds) {
      windowStart = ended
      loggedInWindow = 0
    }
    if waitedTooLong {
      guard loggedInWindow < burst else {
        suppressed += 1
        return nil
      }
    } else if let last = lastLongRound, ended - last < .seconds(intervalSeconds) {
      suppressed += 1
      return nil
    } else {
      lastLongRound = ended
    }
    loggedInWindow += 1
    defer { suppressed = 0 }
    return describe(round, store: store, ended: ended, lightWaited: lightWaited)
  }

  private func describe(
    _ round: WriterRound, store: SQLiteStore, ended: ContinuousClock.Instant, lightWaited: Duration?
  ) -> String {
    let syncs = store.walSyncs
    let accounted =
      round.lockWait + round.write.connection + round.write.body + round.write.commit + round.handOff + round.sync
    var text =
      lightWaited.map { "slow writer round: a light site's reading waited \(Self.ms($0)) ms to its alert lines; " }
      ?? "slow writer round: "
    text += "the round took \(Self.ms(ended - round.taken)) ms (the writer waited \(Self.ms(round.taken - round.asked))"
    text += " ms for readings): state lock \(Self.ms(round.lockWait)), connection \(Self.ms(round.write.connection))"
    text += ", sql \(Self.ms(round.write.body)), commit \(Self.ms(round.write.commit)), sync \(Self.ms(round.sync))"
    text += ", hand-off \(Self.ms(round.handOff)), other \(Self.ms(ended - round.taken - accounted)) ms; "
    text += "WAL syncs ended meanwhile \(syncs.syncs - round.syncsBefore.syncs)"
    text += " (\(Self.ms(.nanoseconds(syncs.nanoseconds - round.syncsBefore.nanoseconds))) ms)"
    if let before = round.checkpointsBefore, let now = store.checkpointer?.tally {
      text += ", checkpoints passive +\(now.passive - before.passive) restart +\(now.restarting - before.restarting)"
      text += " (log \(store.checkpointer?.framesInLog ?? 0) frames)"
    }
    if let before = round.scheduleBefore, let now = ThreadSchedule.current() {
      // Since it asked for readings: the rest of that time it slept (no reading yet) or was blocked (disk, locks).
      text +=
        "; since it asked for readings the writer thread was on a CPU \(Self.ms(.nanoseconds(now.runningNanoseconds - before.runningNanoseconds)))"
      text += " ms, waiting for one \(Self.ms(.nanoseconds(now.waitingNanoseconds - before.waitingNanoseconds))) ms"
    }
    text += "; in it: "
    text += round.shares.map { share in
      var part = "\(share.site) \(share.readings) readings (\(share.samples) samples), oldest waited"
      part += " \(Self.ms(ended - share.oldest)) ms"
      if share.readings <= lightReadings {
        // Unix µs of its arrival, to set against the publisher's own send time.
        let received = Date().timeIntervalSince1970 - Self.seconds(ContinuousClock.now - share.oldest)
        part += " (\(share.firstTopic) seq \(share.firstSequence.map(String.init) ?? "-")"
        part += " received_us \(Int64(received * 1_000_000)))"
      }
      return part
    }.joined(separator: ", ")
    text += "; the round before: \(previous)"
    if suppressed > 0 { text += "; \(suppressed) slow rounds not logged since the last line" }
    return text
  }

  private static func summary(of round: WriterRound, ended: ContinuousClock.Instant) -> String {
    let sites = round.shares.map { "\($0.site) \($0.readings)" }.joined(separator: ", ")
    return "\(sites) in \(ms(ended - round.taken)) ms (sql \(ms(round.write.body)), commit \(ms(round.write.commit)))"
  }

  static func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
  }

  static func ms(_ duration: Duration) -> String { String(format: "%.1f", seconds(duration) * 1000) }
}

/// Logs an MQTT handler call (`MessageRouter.route`) that held the network thread at least `threshold`: while it
/// runs, no site's message is read from the broker. At most `burst` lines per `intervalSeconds`; the rest are counted
/// in the next line.
struct SlowHandlerLog {
  let threshold: Duration
  var intervalSeconds = 10.0
  var burst = 20
  private var windowStart = ContinuousClock.now
  private var loggedInWindow = 0
  private var suppressed = 0

  init(threshold: Duration) { self.threshold = threshold }

  /// The line to log for a handler call on `topic` that took `took` and ended at `ended`, or `nil`.
  mutating func line(topic: String, took: Duration, ended: ContinuousClock.Instant = .now) -> String? {
    guard took >= threshold else { return nil }
    if ended - windowStart >= .seconds(intervalSeconds) {
      windowStart = ended
      loggedInWindow = 0
    }
    guard loggedInWindow < burst else {
      suppressed += 1
      return nil
    }
    loggedInWindow += 1
    defer { suppressed = 0 }
    let more = suppressed > 0 ? "; \(suppressed) slow handler calls not logged since the last line" : ""
    return "slow MQTT handler: the message on \(topic) held the network thread \(SlowRoundLog.ms(took)) ms\(more)"
  }
}
