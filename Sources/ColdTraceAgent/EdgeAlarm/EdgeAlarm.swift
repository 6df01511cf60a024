import ColdTraceCore
import ColdTraceSystem
import Logging

/// The edge alarm of a running agent (docs/alert-rules.md, "The edge alarm"): it keeps the limits the collector
/// publishes for the agent's rooms (`EdgeLimitsFile`), judges every round's readings (`EdgeAlarmJudge`), and when the
/// broker has been out of reach for `afterSeconds` of real time, drives the output while a probe is past a critical
/// limit. The output is cleared when every probe is back inside, or when the link returns: the collector then speaks
/// for the rooms again.
///
/// It runs on the sampling thread; the limits arrive through the agent's inbox.
public final class EdgeAlarm {
  let settings: EdgeAlarmConfiguration
  let site: String
  let agent: String
  let logger: Logger
  let output: EdgeAlarmOutput
  public private(set) var limits: EdgeLimitsFile
  public private(set) var judge: EdgeAlarmJudge
  /// The last time the agent was connected (the start counts as connected: the outage is measured from it).
  private var lastConnected: Timestamp
  /// The broker has been out of reach for `afterSeconds`: the alarm speaks.
  private var speaking = false
  /// What the output was last driven to (`nil`: not yet).
  private var driven: Bool?
  private var failedToDrive = false
  /// When the output was last driven (or tried): a failed GPIO write is tried again `retrySeconds` later.
  private var lastDriveAttempt: Timestamp?
  static let retrySeconds = 1.0
  /// Rooms whose missing limits were logged in this outage.
  private var missingLogged: Set<String> = []

  public init(
    settings: EdgeAlarmConfiguration, configuration: AgentConfiguration, logger: Logger, now: Timestamp
  ) throws {
    self.settings = settings
    site = configuration.site
    agent = configuration.agent
    self.logger = logger
    output = EdgeAlarmOutput(settings.output)
    limits = try EdgeLimitsFile(directory: configuration.stateDirectory)
    judge = EdgeAlarmJudge(
      probes: configuration.sensors.map { .init(id: $0.id, room: $0.room, placement: $0.placement) })
    lastConnected = now
    if limits.unreadableLines > 0 {
      logger.warning("edge alarm: skipped \(limits.unreadableLines) unreadable lines of \(limits.path)")
    }
    let held = limits.rooms.keys.sorted().joined(separator: ",")
    logger.info("\(settings.summary); limits held for rooms: \(held.isEmpty ? "none" : held)")
    // A relay left on by a previous run (a crash, a reboot) is released until the alarm has a reason to sound; a
    // command is run only when the alarm changes.
    if output.retriesAfterFailure { drive(false, reason: "agent started", now: now) } else { driven = false }
  }

  /// Keeps limits received from the collector (those of another site are ignored).
  public func receive(_ messages: [LimitsMessage]) {
    for message in messages where message.site == site {
      do {
        if try limits.keep(message) {
          logger.info("edge alarm: limits of room \(message.room) are now those of \(message.profile)")
        }
      } catch {
        logger.error("edge alarm: cannot keep the limits of room \(message.room): \(error)")
      }
    }
  }

  /// Judges one reading of `sensor`, taken at event time `time`.
  public func judge(sensor: String, value: SensorValue, at time: Timestamp) {
    guard case .values(let tempC, let rhPct) = value else { return }
    let room = judge.probes[sensor]?.room ?? ""
    let verdict = judge.judge(sensor: sensor, tempC: tempC, rhPct: rhPct, at: time, limits: limits.rooms[room])
    if case .noLimits(let room) = verdict, speaking, missingLogged.insert(room).inserted {
      logger.warning("edge alarm: no limits known for room \(room) (none received from the collector): not judged")
    }
  }

  /// The link was up until `time` (it dropped then): the outage counts from there.
  public func linkWasUp(until time: Timestamp) { lastConnected = max(lastConnected, time) }

  /// Follows the link (real time `now`) and drives the output to what the judge says.
  public func update(now: Timestamp, connected: Bool) {
    if connected { lastConnected = now }
    let down = !connected && now.seconds(since: lastConnected) >= settings.afterSeconds
    if down && !speaking {
      let since = lastConnected.rfc3339
      logger.warning("edge alarm: no connection to the broker since \(since); judging the probes against their limits")
      for room in Set(judge.probes.values.map(\.room)).sorted() where limits.rooms[room] == nil {
        missingLogged.insert(room)
        logger.warning("edge alarm: no limits known for room \(room); its probes cannot be judged")
      }
    } else if !down && speaking {
      logger.notice("edge alarm: the broker is reachable again; the collector speaks for the rooms")
      missingLogged.removeAll()
    }
    speaking = down
    let alarms = judge.active
    let on = down && !alarms.isEmpty
    guard on != driven || (retryDue.map { now >= $0 } ?? false) else { return }
    let reason =
      on
      ? alarms.map(\.description).joined(separator: "; ")
      : (driven == true && !down ? "the broker is reachable again" : "every probe is back inside its limits")
    drive(on, reason: reason, now: now, alarms: alarms)
  }

  /// The next time `update` has something to do without a new reading or a change of link, if any: the moment an
  /// outage reaches `afterSeconds`, or the retry of a failed output. The agent sleeps until then.
  public func nextDue(connected: Bool) -> Timestamp? {
    let speaksAt = connected || speaking ? nil : lastConnected.adding(seconds: settings.afterSeconds)
    return [speaksAt, retryDue].compactMap { $0 }.min()
  }

  private var retryDue: Timestamp? {
    guard failedToDrive, output.retriesAfterFailure, let lastDriveAttempt else { return nil }
    return lastDriveAttempt.adding(seconds: Self.retrySeconds)
  }

  private func drive(_ on: Bool, reason: String, now: Timestamp, alarms: [EdgeAlarmJudge.Alarm] = []) {
    lastDriveAttempt = now
    let failure = output.drive(on, payload: payload(on, reason: reason, now: now, alarms: alarms))
    if let failure {
      if !failedToDrive || driven != on {
        logger.error("edge alarm: cannot turn the output \(on ? "on" : "off"): \(failure)")
      }
      failedToDrive = true
    } else {
      failedToDrive = false
    }
    if driven != nil || on { logger.log(level: on ? .critical : .notice, "edge alarm \(on ? "ON" : "off"): \(reason)") }
    driven = on
  }

  /// The alarm as a command reads it on its standard input (docs/protocol.md, "Edge alarm").
  func payload(_ on: Bool, reason: String, now: Timestamp, alarms: [EdgeAlarmJudge.Alarm]) -> String {
    JSONObjectWriter.object(capacity: 256) { json in
      json.string("alarm", on ? "on" : "off")
      json.string("site", site)
      json.string("agent", agent)
      json.string("ts", now.rfc3339)
      json.string("broker_last_seen", lastConnected.rfc3339)
      json.string("reason", reason)
      json.objects("alarms", alarms) { json, alarm in
        json.string("sensor", alarm.sensor)
        json.string("room", alarm.room)
        json.string("metric", alarm.metric.rawValue)
        json.string("side", alarm.direction.rawValue)
        json.number("value", alarm.value)
        json.number("critical", alarm.threshold)
        json.string("since", alarm.since.rfc3339)
        json.string("profile", alarm.profile)
      }
    }
  }
}
