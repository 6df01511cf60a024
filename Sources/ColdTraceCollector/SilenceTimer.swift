import ColdTraceCore
import ColdTraceSystem
import Foundation
import Logging
import Synchronization

/// The collector's timer rules, on a thread of their own: every `checkSeconds` it raises `offline` for silent probes
/// (a dead probe or agent alarms without waiting for a next reading), `agent_offline` for agents whose will stands,
/// and announces again acknowledged alerts still open after `renotifyAfterSeconds`.
final class SilenceTimer: Sendable {
  let pipeline: IngestPipeline
  let presence: AgentPresenceTracker
  let fanOut: AlertFanOut
  let tally: SharedTally
  let settings: CollectorService.Settings
  let logger: Logger
  let clock: any ServiceClock
  private let stopping = Atomic<Bool>(false)

  init(
    pipeline: IngestPipeline, presence: AgentPresenceTracker, fanOut: AlertFanOut, tally: SharedTally,
    settings: CollectorService.Settings, logger: Logger, clock: any ServiceClock
  ) {
    self.pipeline = pipeline
    self.presence = presence
    self.fanOut = fanOut
    self.tally = tally
    self.settings = settings
    self.logger = logger
    self.clock = clock
  }

  /// One round of every timer rule, judged at the collector's clock.
  func check() {
    do {
      let now = clock.now()
      var committed = try pipeline.checkSilence(now: now, rule: settings.silence) + presence.check(now: now)
      if settings.renotifyAfterSeconds > 0 {
        committed = committed + (try pipeline.renotify(now: now, afterSeconds: settings.renotifyAfterSeconds))
      }
      tally.add(CollectorTally(alertEvents: committed.alerts.count))
      fanOut.emit(committed)
    } catch {
      logger.error("silence check failed: \(error); retrying in \(settings.silenceCheckSeconds) s")
    }
    fanOut.catchUpJournalIfBehind()
  }

  /// Checks every `silenceCheckSeconds` until stopped, looking at the stop flag every tenth of a second.
  func start() {
    let thread = Thread { [self] in
      var waited = 0.0
      while !stopping.load(ordering: .sequentiallyConsistent) {
        clock.sleep(seconds: 0.1)
        waited += 0.1
        guard waited >= settings.silenceCheckSeconds else { continue }
        waited = 0
        check()
      }
    }
    thread.name = "coldtrace-silence"
    thread.start()
  }

  func stop() { stopping.store(true, ordering: .sequentiallyConsistent) }
}
