import ColdTraceCore
import ColdTraceMQTT

extension GroupCommitter {
  /// Runs `chore` (writes the network thread must not wait for) on the writer thread, before the readings queued
  /// after this call; at once, here, once the writer is stopping.
  func schedule(_ chore: @escaping IngestQueue.Chore) {
    if !queue.schedule(chore) { chore() }
  }

  /// Queues a reading nobody sends again (a `[[source]]`'s) for the writer, waiting while its site has a batch
  /// waiting; once the queue is closed, commits it at once instead. `acknowledgement`, its held PUBACK, is released
  /// once it is committed.
  func enqueueUnacknowledged(
    topic: String, payload: UnsafeRawBufferPointer, reading: DecodedReading, receivedAt: Timestamp,
    acknowledgement: AcknowledgementHold? = nil
  ) {
    var item = IngestQueue.Item(topic: topic, payload: Array(payload), reading: reading, resendable: false)
    item.acknowledgement = acknowledgement
    // Never `.deferred`: the queue turns away only readings an agent sends again.
    guard queue.put(item) == .closed else { return }
    commitWaiting(topic: topic, payload: payload, decoded: .success(reading), receivedAt: receivedAt)
    releaseDurably([acknowledgement].compactMap { $0 }, by: .network)
  }

  /// Makes every commit so far durable against a power cut (one `fdatasync` of the write-ahead log), then lets
  /// `holds` go: a third-party publisher's PUBACK is the only acknowledgement it gets and it keeps nothing, so the
  /// PUBACK waits for the sync as an agent's acknowledgement does. One sync covers a whole group.
  func releaseDurably(_ holds: [AcknowledgementHold], by committer: Committer) {
    guard !holds.isEmpty else { return }
    _ = retrying(until: Self.never, by: committer) { try pipeline.store.syncWriteAheadLog() }
    for hold in holds { hold.release() }
  }
}

/// A `[[source]]` message to keep in quarantine whose PUBACK is held (`SourceRouter.quarantine`).
struct HeldQuarantine: Sendable {
  var topic: String
  var payload: [UInt8]
  var rejection: PayloadRejection
  var receivedAt: Timestamp
  var acknowledgement: AcknowledgementHold
}

extension GroupCommitter {
  /// Keeps `held` in quarantine in one transaction, on the network thread, then releases their PUBACKs: a burst of
  /// unusable third-party messages costs a transaction per burst, not per message.
  func commitQuarantines(_ held: [HeldQuarantine]) {
    let kept = retrying(until: Self.never, by: .network) {
      try pipeline.store.write { tx in
        for message in held {
          try message.payload.withUnsafeBytes { payload in
            try tx.quarantine(
              topic: message.topic, payload: payload, rejection: message.rejection, at: message.receivedAt)
          }
        }
      }
    }
    guard case .success = kept else { return }
    tally.add(CollectorTally(messages: held.count, quarantined: held.count))
    releaseDurably(held.map(\.acknowledgement), by: .network)
    for message in held {
      let rejection = message.rejection
      if let warning = quarantineLog.withLock({
        $0.warning(
          topic: message.topic, reason: rejection.reason.rawValue, detail: rejection.detail, now: message.receivedAt)
      }) {
        logger.warning("\(warning)")
      }
    }
  }
}
