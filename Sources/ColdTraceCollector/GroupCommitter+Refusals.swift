import ColdTraceCore
import ColdTraceStorage

extension GroupCommitter {
  /// Keeps a reading the probe registry refused (`unknown_probe`, `site_probe_limit`, `site_rate_limit`) in
  /// quarantine, counting its probe in `pending_probes` when `pending`, before returning (its PUBACK leaves after):
  /// one small transaction, no rule runs. Logged at most once per site and reason per interval (a flood of invented
  /// ids would otherwise log a line per id), not at all when `silent`.
  func quarantineRefused(
    _ reading: DecodedReading, topic: String, payload: UnsafeRawBufferPointer, reason: RejectionReason,
    pending: Bool, silent: Bool, receivedAt: Timestamp
  ) {
    let rejection = PayloadRejection(reason, Self.detail(of: reason, for: reading.key))
    let kept = retrying(until: Self.never, by: .network) {
      try pipeline.store.write { tx in
        try tx.quarantine(topic: topic, payload: payload, rejection: rejection, at: receivedAt)
        if pending { try tx.notePendingProbe(reading.key, reason: reason, at: receivedAt) }
      }
    }
    guard case .success = kept else { return }
    tally.add(CollectorTally(messages: 1, quarantined: 1))
    guard !silent else { return }
    let site = "coldtrace/v1/reading/\(reading.key.site)/+/+"
    if let warning = quarantineLog.withLock({
      $0.warning(topic: site, reason: reason.rawValue, detail: rejection.detail, now: receivedAt)
    }) {
      logger.warning("\(warning)")
    }
  }

  private static func detail(of reason: RejectionReason, for key: SensorKey) -> String {
    let probe = "\(key.site)/\(key.sensor)"
    return switch reason {
    case .siteRateLimit: "site \(key.site) is over its max_readings_per_second (reading of \(probe))"
    case .siteProbeLimit:
      "\(probe) is not registered and site \(key.site) has max_probes registered; coldtrace probe approve \(probe)"
    default: "\(probe) is not a registered probe; coldtrace probe approve \(probe)"
    }
  }
}

extension GroupCommitter {
  /// Counts a reading the queue turned away because its site had its share waiting (`IngestQueue.put`), and tells
  /// the operator at most once a minute per site. Nothing is kept: no acknowledgement covers it, so its agent sends
  /// it again.
  func noteDeferred(_ reading: DecodedReading, receivedAt: Timestamp) {
    tally.add(CollectorTally(messages: 1, deferred: 1))
    logOncePerMinute(
      "share " + reading.key.site, at: receivedAt,
      "site \(reading.key.site) has its share of readings waiting for the writer (at most \(siteQueueCapacity)): its "
        + "readings are deferred, not acknowledged (its agents send them again), while the other sites are served")
  }

  /// Whether some probe has a reading deferred (the check is worth making before decoding a message).
  var mayHoldBack: Bool { queue.mayHoldBack }

  /// Turns away a message of `probe`, whose earlier reading was deferred, from its payload's first `seq` and `floor`
  /// alone (`SequencePeek`), before any decode; counted and logged as a deferral. `false`: decode it as usual (the
  /// probe has nothing deferred, the message is its agent's re-send, or its numbers cannot be read so).
  func turnsAwayUndecoded(_ probe: ProbeKey, payload: UnsafeRawBufferPointer, receivedAt: Timestamp) -> Bool {
    guard let numbers = SequencePeek.firstSequenceAndFloor(payload),
      queue.holdsBack(probe, firstSequence: numbers.seq, floor: numbers.floor)
    else { return false }
    tally.add(CollectorTally(messages: 1, deferred: 1))
    logOncePerMinute(
      "share " + probe.site, at: receivedAt,
      "site \(probe.site) has readings deferred: its probes' later readings are deferred too, not acknowledged (its "
        + "agents send them again), while the other sites are served")
    return true
  }

  /// Counts a reading over its site's `max_readings_per_second` from an agent that keeps an outbox: not kept in
  /// quarantine (its agent sends it again, since no acknowledgement covers it), so a flood over the rate costs no
  /// transaction per message; its probe's later readings are deferred until it comes again (`DeferredProbes`). The site's `site_limit` alert and its refusal count (`/metrics`) go on as for any
  /// refusal.
  func noteOverRate(_ reading: DecodedReading, receivedAt: Timestamp) {
    tally.add(CollectorTally(messages: 1, deferred: 1))
    // Its probe's later readings wait for it, as for a deferred one: none overtakes it.
    holdBackAfter(reading)
    logOncePerMinute(
      "rate " + reading.key.site, at: receivedAt,
      "site \(reading.key.site) is over its max_readings_per_second: its agents' readings over the rate are not "
        + "kept and not acknowledged (the agents send them again)")
  }

  private func logOncePerMinute(_ key: String, at now: Timestamp, _ warning: @autoclosure () -> String) {
    let due = deferralLog.withLock { logged in
      if let last = logged[key], now.seconds(since: last) < 60 { return false }
      logged[key] = now
      return true
    }
    if due { logger.warning("\(warning())") }
  }
}
