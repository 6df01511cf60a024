import ColdTraceCore
import ColdTraceSystem
import Foundation
import Logging
import Synchronization

/// The collector's timer rules, on a thread of their own: every `checkSeconds` it raises `offline` for silent probes
/// (a dead probe or agent alarms without waiting for a next reading), `agent_offline` for agents whose will stands,
/// decides the group waits of rooms that went quiet (`CrossingGroupRule`), announces the open alerts a silence hid
/// once it is over, announces again acknowledged alerts still open after
/// `renotifyAfterSeconds`, and every `calibrationCheckSeconds` raises, escalates or resolves `calibration_due`.
final class SilenceTimer: Sendable {
  let pipeline: IngestPipeline
  let presence: AgentPresenceTracker
  let fanOut: AlertFanOut
  let tally: SharedTally
  let settings: CollectorService.Settings
  let logger: Logger
  let clock: any ServiceClock
  /// The rooms' critical limits, republished on every round when they changed.
  let limits: RoomLimitsPublisher?
  /// The `[[source]]`s, whose probes may have an offline limit of their own.
  let sources: SourceRouter?
  /// The probe registry: reloaded every round (the shell's approvals and rejections), and its `site_limit` alerts
  /// resolved once their site is quiet.
  let registry: ProbeRegistry?
  /// The site brokers' links: `uplink_down` opened past its grace, resolved when the bridge is back.
  let bridges: SiteBridgeTracker?
  private let stopping = Atomic<Bool>(false)
  /// When the calibration rule last ran, in milliseconds of the collector's clock (`Int64.min`: never).
  private let lastCalibrationCheck = Atomic<Int64>(Int64.min)

  init(
    pipeline: IngestPipeline, presence: AgentPresenceTracker, fanOut: AlertFanOut, tally: SharedTally,
    settings: CollectorService.Settings, logger: Logger, clock: any ServiceClock, limits: RoomLimitsPublisher? = nil,
    sources: SourceRouter? = nil, registry: ProbeRegistry? = nil, bridges: SiteBridgeTracker? = nil
  ) {
    self.bridges = bridges
    self.limits = limits
    self.sources = sources
    self.registry = registry
    self.pipeline = pipeline
    self.presence = presence
    self.fanOut = fanOut
    self.tally = tally
    self.settings = settings
    self.logger = logger
    self.clock = clock
  }

  /// One round of every timer rule, judged at the collector's clock. Each rule's events are handed on as soon as they
  /// are committed, whatever the next rule does.
  func check() {
    let now = clock.now()
    do {
      try pipeline.refreshRetirements()
    } catch {
      log(error, "reading retired probes")
    }
    if let registry {
      do {
        try registry.refresh(now: now)
      } catch {
        log(error, "reading the probe registry")
      }
      let limits = registry.check(now: now)
      emit(limits.committed)
      if let failure = limits.failure { log(failure, "site limit check") }
    }
    // A site whose site broker lost its bridge is unseen, not silent: `uplink_down` stands in for its probes' alerts.
    let links = bridges?.siteLinks ?? [:]
    let silence = pipeline.checkSilence(now: now, rule: settings.silence, links: links) {
      [sources, presence] probe, last in
      // A `[[source]]`'s probe, or one an agent reads through its `mqtt` driver.
      let limits = [
        sources?.offlineAfterSeconds(of: probe, lastReading: last),
        presence.mappedProbes.offlineAfterSeconds(of: probe, lastReading: last),
      ].compactMap { $0 }
      return limits.min()
    }
    emit(silence.committed)
    if let failure = silence.failure { log(failure, "silence check") }
    let waits = pipeline.decideQuietGroupWaits(now: now)
    emit(waits.committed)
    if let failure = waits.failure { log(failure, "group wait check") }
    let presence = presence.check(now: now)
    emit(presence.committed)
    if let failure = presence.failure { log(failure, "agent presence check") }
    if let uplinks = bridges?.check(now: now) {
      emit(uplinks.committed)
      if let failure = uplinks.failure { log(failure, "site uplink check") }
    }
    do {
      emit(try pipeline.releaseSilenced(now: now))
    } catch {
      log(error, "announcing alerts after their silence")
    }
    if settings.renotifyAfterSeconds > 0 {
      do {
        emit(try pipeline.renotify(now: now, afterSeconds: settings.renotifyAfterSeconds))
      } catch {
        log(error, "re-notification")
      }
    }
    checkCalibrations(now: now)
    limits?.publishChanged(now: now)
    fanOut.catchUpJournalIfBehind()
  }

  /// The calibration rule, when `calibrationCheckSeconds` have passed since it last ran (a due date is a matter of
  /// days: checking it every round would cost a transaction for nothing).
  private func checkCalibrations(now: Timestamp) {
    let last = lastCalibrationCheck.load(ordering: .relaxed)
    let every = Int64(settings.calibrationCheckSeconds * 1000)
    guard last == Int64.min || now.milliseconds - last >= every else { return }
    lastCalibrationCheck.store(now.milliseconds, ordering: .relaxed)
    do {
      emit(try pipeline.checkCalibrations(now: now, rule: settings.calibration))
    } catch {
      log(error, "calibration check")
    }
  }

  private func emit(_ committed: CommittedEvents) {
    tally.add(CollectorTally(alertEvents: committed.alerts.count))
    fanOut.emit(committed)
  }

  private func log(_ error: any Error, _ what: String) {
    logger.error("\(what) failed: \(error); retrying in \(settings.silenceCheckSeconds) s")
  }

  /// Checks every `silenceCheckSeconds` until stopped, looking at the stop flag every tenth of a second; the room
  /// limits go out at once after a connection rather than at the next round.
  func start() {
    let thread = Thread { [self] in
      var waited = 0.0
      while !stopping.load(ordering: .sequentiallyConsistent) {
        clock.sleep(seconds: 0.1)
        waited += 0.1
        if let limits, limits.isDue { limits.publishChanged(now: clock.now()) }
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
