import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import Logging
import Synchronization

/// Tells each agent what is committed: a thread that, a few times a second, makes the commits behind the due
/// acknowledgements durable (one fsync of the write-ahead log) and publishes them on `coldtrace/v1/ack/<site>/<agent>`
/// (`AcknowledgementPublisher` coalesces them). Logs each sequence gap once.
final class AcknowledgementLoop: Sendable {
  let store: SQLiteStore
  let connection: BrokerConnection
  let logger: Logger
  let clock: any ServiceClock
  let intervalSeconds: Double
  private let publisher = AcknowledgementPublisher()
  private let reportedGaps = Mutex<[ProbeKey: Int64]>([:])
  private let stopping = Atomic<Bool>(false)

  init(
    store: SQLiteStore, connection: BrokerConnection, logger: Logger, clock: any ServiceClock,
    intervalSeconds: Double = 0.25
  ) {
    self.store = store
    self.connection = connection
    self.logger = logger
    self.clock = clock
    self.intervalSeconds = intervalSeconds
  }

  /// Notes committed acknowledgements for the next round, and logs the gaps they report.
  func note(_ committed: [Acknowledgement]) {
    guard !committed.isEmpty else { return }
    publisher.note(committed)
    for acknowledgement in committed { reportGap(acknowledgement) }
  }

  /// One round: makes what is due durable and publishes it (what cannot be made durable stays due).
  func flush() {
    do {
      try publisher.flush(makeDurable: store.syncWriteAheadLog) { topic, payload in
        connection.publish(topic: topic, payload: payload)
      }
    } catch {
      logger.error("cannot make readings durable, so not acknowledging them yet: \(error)")
    }
  }

  func start() {
    let thread = Thread { [self] in
      while !stopping.load(ordering: .sequentiallyConsistent) {
        clock.sleep(seconds: intervalSeconds)
        flush()
      }
    }
    thread.name = "coldtrace-acks"
    thread.start()
  }

  func stop() { stopping.store(true, ordering: .sequentiallyConsistent) }

  /// Logs a sequence gap once per missing range start: samples above it are stored but not acknowledged until the
  /// agent re-sends what is missing.
  private func reportGap(_ acknowledgement: Acknowledgement) {
    let probe = ProbeKey(site: acknowledgement.site, sensor: acknowledgement.sensor)
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
        "gap in \(probe.site)/\(probe.sensor) from agent \(acknowledgement.agent): seq \(gap.lowerBound) missing, "
        + "stored up to \(gap.upperBound); acknowledging \(acknowledgement.watermark) until the agent re-sends"
      logger.info("\(message)")
    }
  }
}
