import ColdTraceCore
import ColdTraceMQTT
import Logging

/// Decides what leaves the outbox, and when: every probe's samples in `seq` order, a caught-up probe's live samples at
/// once, a backlog oldest first in `samples` batches within a bounded in-flight window, and everything again if the
/// collector stops confirming a probe.
///
/// Order over freshness: while a backlog drains, new samples queue behind it rather than overtake it. The collector's
/// alert engine works in event time and skips a sample older than one it has already judged, so a live sample sent
/// ahead of the backlog would hide every excursion of the outage from the alarms (the report would still show it). A
/// day of 30-second readings is under 30 batches: the live sample waits for about a second of replay.
///
/// Re-sends back off: each re-send of a probe whose confirmation has not moved since the last one doubles that probe's
/// wait, up to `maximumResendWaitSeconds` (or the timeout, if longer); progress starts it again at the timeout. Behind
/// a site broker whose uplink is down (`bridgeDown`), nothing is re-sent at all. Everything runs on the agent's
/// sampling thread.
final class OutboxSender {
  typealias Publish = (_ topic: String, _ payload: [UInt8]) throws -> Void

  let outbox: Outbox
  let site: String
  let agent: String
  let logger: Logger
  /// Re-send what the collector has not confirmed after this many seconds without progress.
  let acknowledgementTimeout: Double
  /// Backlog messages (batches) waiting for a PUBACK at once.
  let window = 32
  let batchSize = 100
  let readChunk = 1000

  private var cursor: Outbox.Cursor
  private var highestSent: [String: Int64] = [:]
  /// Per probe with samples sent and not confirmed: since when its confirmation has not moved. Per probe, not per
  /// agent: a collector that defers one probe's readings (its site over its share of the queue) while it confirms
  /// the others' must still get that probe's readings again.
  private var waitingSince: [String: Timestamp] = [:]
  /// Per probe: re-sends since its confirmation last moved (each doubles its wait).
  private var resendsWithoutProgress: [String: Int] = [:]
  /// The site broker's bridge to the central broker said `0` and no confirmation has come since (`noteBridge`).
  public private(set) var bridgeDown = false
  public private(set) var batchesSent = 0
  /// The sample a record is published as (`ClockKeeper.published`: stamped again or marked when it was taken with a
  /// clock that was not synchronised).
  var publishedSample: (OutboxRecord) -> Sample = { $0.sample }
  /// The agent's wall clock, put in each payload as `sent` (the collector's `clock_skew` judge); `nil`: left out.
  var sentClock: (() -> Timestamp)?

  init(outbox: Outbox, site: String, agent: String, acknowledgementTimeout: Double, logger: Logger) {
    self.outbox = outbox
    self.site = site
    self.agent = agent
    self.acknowledgementTimeout = acknowledgementTimeout
    self.logger = logger
    self.cursor = outbox.start
  }

  /// After every (re)connect: replay everything the collector has not confirmed, oldest first.
  func restart() {
    cursor = outbox.start
  }

  /// Makes a round's samples durable, then publishes them as single samples if connected and nothing older waits to
  /// be sent; otherwise `pump` sends them after the backlog, in order.
  func record(_ records: [OutboxRecord], connected: Bool, publish: Publish) throws {
    let caughtUp = cursor >= outbox.end
    try outbox.append(records)
    guard connected, caughtUp else { return }
    // One clock reading for the round's payloads: they leave together (`MessageTransport.publishingTogether`).
    let envelope = ReadingEncoder.Envelope(agent: agent, incarnation: outbox.incarnation, sent: sentClock?())
    for record in records {
      let key = SensorKey(site: site, room: record.room, sensor: record.sensor)
      let payload = ReadingEncoder.encode(
        envelope, sample: publishedSample(record), floor: outbox.floor(for: record.sensor))
      try publish(Topics.reading(key), Array(payload.utf8))
      noteSent(record)
    }
    cursor = outbox.end
  }

  /// Applies an acknowledgement from the collector. Watermarks that delete no segment reach the disk (two fsyncs)
  /// only once they cover `acknowledgementSaveSamples` samples more than the file does, and at `finish()`: a crash
  /// meanwhile re-sends at most that many samples, which the collector already stored (stored once). Counted in
  /// samples, not time, so a slow box stays at one fsync per sampling round: 10 probes every 60 s save every 100
  /// rounds (a save every minute cost them two more fsyncs every round), 10 probes every second every 100 s.
  func acknowledge(_ watermarks: [String: Int64], now: Timestamp) throws {
    let before = outbox.acknowledged
    if try outbox.acknowledge(watermarks, deferSaving: true) {
      for sensor in Array(waitingSince.keys) {
        let confirmed = outbox.acknowledged[sensor, default: 0]
        if confirmed > before[sensor, default: 0] { resendsWithoutProgress[sensor] = nil }
        if confirmed >= highestSent[sensor, default: 0] {
          waitingSince[sensor] = nil
        } else if confirmed > before[sensor, default: 0] {
          waitingSince[sensor] = now
        }
      }
      // Confirmations come through, so the collector is reachable on this path whatever a bridge says: an agent
      // connected to the central broker of a site that also runs a site broker sees that broker's bridge state too.
      if outbox.acknowledged != before { bridgeDown = false }
    }
    if outbox.unsavedAcknowledgements >= Self.acknowledgementSaveSamples {
      try outbox.saveAcknowledgedIfPending()
    }
  }

  static let acknowledgementSaveSamples = 1000

  /// The longest a probe waits between re-sends of the same unconfirmed samples (unless the timeout is longer).
  static let maximumResendWaitSeconds = 600.0

  /// The site broker's link to the central broker (`coldtrace/v1/bridge/<site>` on the broker the agent uses): while it
  /// is down, nothing re-sent could reach the collector, and every copy would queue in the site broker to arrive as a
  /// duplicate, so nothing is re-sent for up to `maximumResendWaitSeconds` (new samples still go out once: the site
  /// broker keeps them for the bridge); a `0` that stays longer may be stale, so the re-sends resume at that pace. When
  /// it is back, the bridge delivers what was queued: every probe's wait starts again, and only what then stays
  /// unconfirmed past its timeout is sent again.
  func noteBridge(up: Bool, now: Timestamp) {
    if up, bridgeDown {
      for sensor in Array(waitingSince.keys) { waitingSince[sensor] = now }
    }
    if !up, !bridgeDown {
      logger.notice("the site broker's bridge to the central broker is down: holding re-sends until it is back")
    } else if up, bridgeDown {
      logger.notice("the site broker's bridge to the central broker is back: re-sending only what it does not deliver")
    }
    bridgeDown = !up
  }

  /// How long a probe waits for its confirmation to move before its samples go again: the timeout, doubled at each
  /// re-send without progress, up to `maximumResendWaitSeconds`.
  func resendWait(for sensor: String) -> Double {
    let doublings = min(resendsWithoutProgress[sensor, default: 0], 20)
    let cap = max(acknowledgementTimeout, Self.maximumResendWaitSeconds)
    return min(acknowledgementTimeout * Double(1 << doublings), cap)
  }

  /// At a clean stop: saves the watermarks kept in memory, so the next start re-sends nothing confirmed.
  func finish() throws { try outbox.saveAcknowledgedIfPending() }

  /// Publishes backlog while connected and the in-flight window has room; re-sends after the acknowledgement timeout.
  /// Nothing is published while disconnected: libmosquitto would queue it in memory, without bound.
  func pump(now: Timestamp, connected: Bool, inFlight: () -> Int, publish: Publish) throws {
    guard connected else { return }
    let unconfirmed = highestSent.filter { $0.value > outbox.acknowledged[$0.key, default: 0] }
    for sensor in Array(waitingSince.keys) where unconfirmed[sensor] == nil { waitingSince[sensor] = nil }
    for sensor in unconfirmed.keys where waitingSince[sensor] == nil { waitingSince[sensor] = now }
    var stalled = waitingSince.filter { now.seconds(since: $0.value) > resendWait(for: $0.key) }
    if bridgeDown {
      // A bridge said down holds re-sends, but never longer than the longest wait: a stale retained `0` (a site
      // broker removed, its will left on the central broker) must not stop an agent's re-sends for good.
      let longest = max(acknowledgementTimeout, Self.maximumResendWaitSeconds)
      stalled = stalled.filter { now.seconds(since: $0.value) > longest }
    }
    if !stalled.isEmpty {
      let missing = stalled.keys.map { "\($0) after \(outbox.acknowledged[$0, default: 0])" }.sorted()
        .joined(separator: ", ")
      let waited = stalled.keys.map { Int(resendWait(for: $0)) }.max() ?? 0
      logger.warning("collector has not confirmed \(missing) for \(waited) s; re-sending from the outbox")
      restart()
      for sensor in Array(waitingSince.keys) {
        waitingSince[sensor] = now
        resendsWithoutProgress[sensor, default: 0] += 1
      }
    }
    while inFlight() < window && cursor < outbox.end {
      let (records, next) = try outbox.read(from: cursor, limit: readChunk)
      cursor = next
      guard !records.isEmpty else { break }
      var batches: [String: [OutboxRecord]] = [:]
      var order: [String] = []
      for record in records {
        if record.seq <= outbox.acknowledged[record.sensor, default: 0] { continue }
        if batches[record.sensor] == nil { order.append(record.sensor) }
        batches[record.sensor, default: []].append(record)
      }
      for sensor in order {
        let pending = batches[sensor]!
        for start in stride(from: 0, to: pending.count, by: batchSize) {
          let slice = pending[start..<min(start + batchSize, pending.count)]
          try publishBatch(Array(slice), publish: publish)
        }
      }
    }
  }

  /// When `pump` will re-send for want of a confirmation (just past a probe's wait: it re-sends once the wait is
  /// longer than `resendWait`), if something sent waits for one and the bridge is not down. The agent sleeps until
  /// then at the latest.
  var resendDue: Timestamp? {
    guard hasUnconfirmed else { return nil }
    let longest = max(acknowledgementTimeout, Self.maximumResendWaitSeconds)
    return waitingSince.map { $0.value.adding(seconds: (bridgeDown ? longest : resendWait(for: $0.key)) + 0.001) }.min()
  }

  /// Whether samples in the outbox are still to be sent (in order, behind the backlog) since the last (re)start.
  var hasBacklog: Bool { cursor < outbox.end }

  /// Whether samples were sent that the collector has not confirmed yet.
  var hasUnconfirmed: Bool {
    highestSent.contains { $0.value > outbox.acknowledged[$0.key, default: 0] }
  }

  private func publishBatch(_ records: [OutboxRecord], publish: Publish) throws {
    guard let first = records.first else { return }
    let key = SensorKey(site: site, room: first.room, sensor: first.sensor)
    let payload = ReadingEncoder.encodeBatch(
      agent: agent, samples: records.map(publishedSample), floor: outbox.floor(for: first.sensor),
      incarnation: outbox.incarnation, sent: sentClock?())
    try publish(Topics.reading(key), Array(payload.utf8))
    batchesSent += 1
    for record in records { noteSent(record) }
  }

  private func noteSent(_ record: OutboxRecord) {
    if record.seq > highestSent[record.sensor, default: 0] { highestSent[record.sensor] = record.seq }
  }
}
