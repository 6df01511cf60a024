import Logging

/// Keeps the `mqtt` driver's `LastMappedSamples` across restarts without replacing its file for every batch from the
/// site broker (two fsyncs each, on an SD card, for every message of a chatty device).
///
/// The outbox already holds each probe's latest sample until the collector confirms it: at start the file is read and
/// each mapped probe's newest record still in the outbox is laid over it. So the file only has to be current when the
/// outbox forgets samples: it is replaced (if anything changed) before the outbox deletes a segment
/// (`Outbox.beforeForgetting`) and at a clean stop. Each probe's last sample is in the outbox or in the file at every
/// moment, so a crash anywhere keeps what the per-batch save kept: a retained or cached state the site broker hands
/// over again after a restart is still no new sample. Only a save that fails (a full disk, logged) loses that memory
/// for the samples the outbox then forgets, as before.
final class LastMappedSamplesStore {
  let directory: String
  let logger: Logger
  private(set) var samples: LastMappedSamples
  /// `samples` holds more than the file does.
  private var unsaved = false

  /// Reads the file in `directory` and lays `outbox`'s newest records over it (all but `reservedIDs`, the agent's own
  /// `[[sensor]]`s and `[[input]]`s), then has `outbox` save it before it forgets anything.
  init(directory: String, outbox: Outbox, reservedIDs: Set<String>, logger: Logger) {
    self.directory = directory
    self.logger = logger
    let saved = LastMappedSamples.load(directory: directory)
    var samples = saved
    samples.note(outbox.newestRecords.values.filter { !reservedIDs.contains($0.sensor) })
    self.samples = samples
    unsaved = samples != saved
    outbox.beforeForgetting = { [weak self] in self?.save() }
  }

  /// Notes records just appended to the outbox: they need no save while the outbox holds them.
  func note(_ records: [OutboxRecord]) {
    guard !records.isEmpty else { return }
    samples.note(records)
    unsaved = true
  }

  /// Replaces the file if the outbox holds samples it lacks.
  func save() {
    guard unsaved else { return }
    do {
      try samples.save(directory: directory)
      unsaved = false
    } catch {
      logger.warning("mqtt driver: \(error); a retained state may come back as a new sample after a restart")
    }
  }
}
