import ColdTraceCore
import ColdTraceStorage

/// Incarnations (docs/durability.md, "Incarnations"): which series a reading's numbers belong to, and what becomes
/// of a payload that numbers again from below without saying so.
extension IngestPipeline {
  /// The offset `reading`'s numbers are stored at, and whether they are the probe's current series (whose watermark
  /// the agent is told). A reading without `inc` is in the series stored as sent (offset 0). An install seen for the
  /// first time becomes the probe's current one: at offset 0 if it is the probe's first (an upgraded agent continues
  /// its numbers), else above every number stored or acknowledged, with the watermark restarted there. A former
  /// install's readings are stored at its own offset and move no watermark.
  func sequenceSeries(
    of reading: DecodedReading, probe: Int, source: Int64, in batch: inout IngestBatch, tx: WriteTransaction,
    newSamples: NewSampleWriter
  ) throws -> (base: Int64, isCurrent: Bool) {
    let current = batch[probe: probe].now.incarnation
    guard let name = reading.incarnation else { return (0, (current?.base ?? 0) == 0) }
    if let current, current.name == name { return (current.base, true) }
    if let former = try tx.incarnationBase(source: source, incarnation: name) {
      try checkFormerSeriesFits(reading, base: former, source: source, tx: tx)
      return (former, false)
    }
    var base: Int64 = 0
    let isFirst = try current == nil && !tx.hasIncarnations(source: source)
    if !isFirst {
      let highest = try batch[probe: probe].highestSequence ?? newSamples.highestSequence(source: source)
      base = max(highest, batch[probe: probe].now.tracker.watermark) + 1
    }
    try tx.startIncarnation(name, source: source, base: base, at: reading.samples[0].ts)
    batch[probe: probe].now.incarnation = ProbeIncarnation(name: name, base: base)
    if base > 0 { batch.restartWatermark(probe, at: base) }
    return (base, true)
  }

  /// Refuses (`SequenceReused`, so `seq_reused` in quarantine) a former install's samples whose numbers would be
  /// stored among the next install's from its seq 1 on (`next` + 1…): two boxes run under one agent id, or an old
  /// box came back. Stored, they would take numbers the newer install is still to send. (A later install's seq 0, if
  /// a publisher sends one, meets the former's next number: the usual content check refuses whichever comes second.)
  private func checkFormerSeriesFits(
    _ reading: DecodedReading, base: Int64, source: Int64, tx: WriteTransaction
  ) throws {
    guard let highest = reading.samples.last?.seq, let next = try tx.nextIncarnationBase(source: source, above: base),
      base + highest > next
    else { return }
    throw SequenceReused(
      seq: highest,
      description: "seq \(highest) of incarnation \(reading.incarnation ?? "-"), a former install of agent "
        + "\(reading.agent ?? "-"), reaches the numbers of the install after it: are two boxes running as one agent?")
  }

  /// Keeps a payload refused for `SequenceReused` in quarantine (`seq_reused`) and opens its probe's `seq_reset`
  /// warning unless one is open, in one transaction.
  func quarantineReusedSequence(
    _ reused: SequenceReused, topic: String, payload: UnsafeRawBufferPointer, receivedAt: Timestamp
  ) throws -> CommittedEvents {
    let key = try? ReadingTopic.sensorKey(from: topic)
    defer {
      if let key {
        committed.withLock { memory in
          let probe = ProbeKey(site: key.site, sensor: key.sensor)
          var state = memory[probe] ?? CommittedProbe()
          state.sequenceResetOpen = true
          memory[probe] = state
        }
      }
    }
    let (alerts, journal) = try store.writeJournaled { tx -> [CommittedAlert] in
      try tx.quarantine(
        topic: topic, payload: payload, rejection: PayloadRejection(.seqReused, reused.description), at: receivedAt)
      guard let key, try !tx.hasOpenAlert(key, kind: .seqReset) else { return [] }
      let event = SequenceResetRule.opening(key: key, seq: reused.seq, now: receivedAt)
      return [CommittedAlert(key: key, event: try tx.apply(event))]
    }
    return CommittedEvents(alerts: alerts, journal: journal)
  }
}

extension IngestPipeline {
  /// Resolves the probe's `seq_reset` warning once a sample of it is stored as new again (`fresh`, in event-time
  /// order): its publisher numbers above every stored sample, or a new install. One flag test on the usual path.
  func resolveSequenceReset(
    after fresh: [Sample], of reading: DecodedReading, at index: Int, in batch: inout IngestBatch, tx: WriteTransaction
  ) throws -> [CommittedAlert] {
    let probe = batch.probe(ofReading: index)
    guard batch[probe: probe].now.sequenceResetOpen, let last = fresh.last else { return [] }
    batch[probe: probe].now.sequenceResetOpen = false
    guard let opened = try tx.openAlertOpenedAt(reading.key, kind: .seqReset) else { return [] }
    // Opened on the collector's clock, when the reused numbers arrived: never resolved before that.
    let event = SequenceResetRule.resolution(key: reading.key, at: max(last.ts, opened))
    return [CommittedAlert(key: reading.key, event: try tx.apply(event))]
  }
}

extension Sample {
  /// The sample with its `seq` moved by `offset` (an incarnation's offset in storage).
  func offsetting(by offset: Int64) -> Sample {
    var moved = self
    moved.seq = seq.map { $0 + offset }
    return moved
  }
}
