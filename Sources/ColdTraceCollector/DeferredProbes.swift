import ColdTraceCore

/// The probes whose readings the writer's queue turned away because their site had more than its share waiting
/// (`IngestQueue.put`), each with the first `seq` turned away. The reading is not lost: its agent keeps it in its
/// outbox until an acknowledgement covers it, and none does, so the agent sends it again (after its
/// `ack_timeout_seconds`, or at once after a reconnect), oldest first. Until then every later reading of the probe is
/// turned away too, so none overtakes it and the rules still judge the probe in order.
///
/// A deferral ends when a reading of the probe starts at or below that number (the agent's re-send), when the
/// reading's `floor` is above it (the agent's outbox dropped it for space and will never send it), or after
/// `expirySeconds` (an agent that never sends it again must not be turned away for ever). Pure: `IngestQueue` holds
/// it under its lock.
struct DeferredProbes {
  let expirySeconds: Double
  private var deferred: [ProbeKey: (from: Int64, since: ContinuousClock.Instant)] = [:]

  init(expirySeconds: Double = 300) { self.expirySeconds = expirySeconds }

  /// How many probes have a reading deferred.
  var count: Int { deferred.count }

  /// Whether `reading` must wait for an earlier reading of its probe that was turned away.
  func holdsBack(_ reading: DecodedReading, now: ContinuousClock.Instant) -> Bool {
    // The usual case, nothing deferred, costs no lookup.
    guard !deferred.isEmpty else { return false }
    return holdsBack(
      Self.probe(of: reading), firstSequence: reading.samples.first?.seq ?? .min, floor: reading.floor, now: now)
  }

  /// Whether a reading of `probe` whose first sample is numbered `first` (and whose outbox `floor` is `floor`) must
  /// wait for an earlier reading of the probe that was turned away.
  func holdsBack(_ probe: ProbeKey, firstSequence first: Int64, floor: Int64?, now: ContinuousClock.Instant) -> Bool {
    guard let entry = deferred[probe] else { return false }
    if entry.since.duration(to: now) > .seconds(expirySeconds) { return false }
    if first <= entry.from { return false }
    if let floor, floor > entry.from { return false }
    return true
  }

  /// Records that `reading` was turned away.
  mutating func turnAway(_ reading: DecodedReading, now: ContinuousClock.Instant) {
    let probe = Self.probe(of: reading)
    let first = reading.samples.first?.seq ?? .min
    if let entry = deferred[probe], entry.since.duration(to: now) <= .seconds(expirySeconds) {
      deferred[probe] = (min(entry.from, first), entry.since)
    } else {
      deferred[probe] = (first, now)
    }
  }

  /// Records that a reading of the probe of `reading` was queued: its deferral, if any, is over.
  mutating func queued(_ reading: DecodedReading) {
    guard !deferred.isEmpty else { return }
    deferred[Self.probe(of: reading)] = nil
  }

  private static func probe(of reading: DecodedReading) -> ProbeKey {
    ProbeKey(site: reading.key.site, sensor: reading.key.sensor)
  }
}
