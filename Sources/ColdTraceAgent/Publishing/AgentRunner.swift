import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Logging
import Synchronization

/// `coldtrace-agent run`: samples every sensor on schedule, numbers each sample durably, publishes it at QoS 1 on its
/// reading topic, and keeps a retained `online` status (with `offline` as the MQTT will). Room inputs (`[[input]]`)
/// are read at every round too, and polled in between so that a change goes out at once (`InputMonitor`).
///
/// Nothing is lost on the way: each sample is in the durable `Outbox` before it is published, and stays there until the
/// collector's acknowledgement watermark covers it (`OutboxSender` re-sends what is not confirmed in time).
///
/// At rest it sleeps: each pass ends in one wait (`ServiceClock.wait(until:wakingOn:)`) until the next thing due (the
/// next round, an input's poll, the acknowledgement timeout, the edge alarm's delay, the end of the drain), and is
/// woken early through `wakeUp` by what the network thread hands over (limits, connections and lost connections,
/// acknowledgements while it drains, PUBACKs while a backlog waits for its window) and by a stop. Never a fixed
/// polling interval.
///
/// The MQTT connection comes from `makeTransport` and every time and wait from `clock`: libmosquitto and the OS's
/// clocks in production, an in-memory transport and a manual clock in tests (`Tests/TestSupport`).
public final class AgentRunner {
  let configuration: AgentConfiguration
  let logger: Logger
  let makeTransport: MessageTransportFactory
  let clock: any ServiceClock
  /// What the sampling thread sleeps on between its due times: signal it (e.g. from `StopFlag(waking:)`) to have it
  /// look at `shouldStop` at once.
  public let wakeUp: WakeUpPipe
  /// Runs once, on the sampling thread, after the first round is in the outbox and sent: start-up is over (the
  /// configuration read, the libraries initialised), so `coldtrace-agent` drops the pages only start-up used
  /// (`ResidentCode.trimReadOnlyMappings`).
  public var afterFirstRound: (() -> Void)?

  public init(
    configuration: AgentConfiguration, logger: Logger,
    transport makeTransport: @escaping MessageTransportFactory = MosquittoClient.factory,
    clock: any ServiceClock = SystemClock()
  ) {
    self.configuration = configuration
    self.logger = logger
    self.makeTransport = makeTransport
    self.clock = clock
    guard let wakeUp = WakeUpPipe() else {
      fatalError("coldtrace-agent: no file descriptor left for the wake-up pipe; raise the limit (ulimit -n)")
    }
    self.wakeUp = wakeUp
  }

  /// Samples until `shouldStop` says so or `maxSamples` rounds are taken; every sample goes to the durable outbox first
  /// and leaves it only when the collector confirms it. With `maxSamples`, waits up to `drainSeconds` for the collector
  /// to confirm everything before publishing `offline` and disconnecting. `shouldStop` is read after every wake-up:
  /// whoever sets it signals `wakeUp`.
  public func run(maxSamples: Int? = nil, drainSeconds: Double = 10, shouldStop: @Sendable () -> Bool) throws {
    let config = configuration
    let statusTopic = Topics.status(site: config.site, agent: config.agent)
    let outbox = try Outbox(directory: config.stateDirectory, limits: config.outboxLimits)
    if outbox.repairedBytes > 0 {
      logger.warning("outbox: cut off \(outbox.repairedBytes) bytes of a record torn by a crash or power cut")
    }
    let inbox = AgentInbox(incarnation: outbox.incarnation, wakeUp: wakeUp)
    let client = try makeClient(inbox: inbox, statusTopic: statusTopic)
    try client.subscribe(Topics.ack(site: config.site, agent: config.agent), qos: .atLeastOnce)
    // Behind a site broker: its uplink's state, so that re-sends wait while they could not reach the collector.
    try client.subscribe(Topics.bridge(site: config.site), qos: .atLeastOnce)
    let edgeAlarm = try config.edgeAlarm.map { settings in
      try EdgeAlarm(settings: settings, configuration: config, logger: logger, now: clock.now())
    }
    if edgeAlarm != nil { try client.subscribe(Topics.limitsFilter(site: config.site), qos: .atLeastOnce) }
    client.start()
    defer { client.stop() }

    let keeper = try ClockKeeper(
      source: config.clock.makeSource(), waitSeconds: config.clock.waitSeconds, outboxDirectory: outbox.directory,
      unsyncedBootsInOutbox: { outbox.unsyncedBoots }, logger: logger)
    let sender = OutboxSender(
      outbox: outbox, site: config.site, agent: config.agent,
      acknowledgementTimeout: config.acknowledgementTimeoutSeconds, logger: logger)
    sender.publishedSample = keeper.published
    sender.sentClock = { [clock] in clock.now() }
    let publish = readingPublisher(client, inbox: inbox)
    var schedule =
      config.lockstep.map {
        SamplingClock(anchor: $0.anchor, eventStart: $0.start, interval: config.intervalSeconds, speed: $0.speed)
      }
      ?? SamplingClock(
        realStart: clock.now(), catchUpFromSecondsAgo: config.catchUpFromSecondsAgo,
        interval: config.intervalSeconds, speed: config.speed)
    let context = SensorContext(sysfsRoot: config.sysfsRoot, start: schedule.eventStart)
    let sensors = config.sensors.map { $0.make(context) }
    let sampler = ConcurrentSampler(sensors)
    let inputs = InputMonitor(config.inputs, context: context, now: clock.now())
    /// The `mqtt` driver's probes seen so far: announced in the status like the `[[sensor]]`s.
    var mappedProbes = MappedProbes()
    let lastMapped =
      config.mqttSources.isEmpty
      ? nil
      : LastMappedSamplesStore(
        directory: config.stateDirectory, outbox: outbox, reservedIDs: config.ownProbeIDs, logger: logger)
    let siteBroker = try lastMapped.map { lastMapped in
      try SiteBrokerListener(
        configuration: config, lastStored: lastMapped.samples, makeTransport: makeTransport, clock: clock,
        wakeUp: wakeUp, logger: logger)
    }
    siteBroker?.start()
    defer { siteBroker?.stop() }
    /// An input's reads become outbox records numbered like a sensor's samples, under the input's id.
    func records(_ readings: [InputMonitor.Reading], clock stamp: UnsyncedStamp?) -> [OutboxRecord] {
      readings.map {
        OutboxRecord(
          sensor: $0.id, room: $0.room, sample: $0.sample(seq: outbox.nextSequence(for: $0.id)), clock: stamp)
      }
    }
    // Sample n of the schedule is round `scheduleBase + n`: a live schedule starts again when the wall clock jumps.
    var scheduleBase = 0
    var wallOffset: Int64?
    logger.info(
      "sampling",
      metadata: [
        "site": "\(config.site)", "agent": "\(config.agent)",
        "sensors": "\(sensors.map(\.id).joined(separator: ","))",
        "inputs": "\(config.inputs.map(\.id).joined(separator: ","))", "interval_s": "\(config.intervalSeconds)",
        "outbox_pending": "\(outbox.pendingCount)", "outbox_dropped": "\(outbox.dropped)",
        "incarnation": "\(outbox.incarnation)",
      ])
    let rounds = maxSamples ?? Int.max
    var index = 0
    var announcedDropped = -1
    var drainDeadline: Timestamp?
    var wasConnected = false
    /// After a connection the status goes out before any reading: the collector learns the probes and their
    /// placements before it judges their readings (and registers them before a `hold` site would quarantine them).
    /// Called before anything is published, and again when the outbox has dropped samples since the last status.
    func announceStatusIfDue() {
      guard client.isConnected, announcedDropped != outbox.dropped else { return }
      announcedDropped = outbox.dropped
      _ = try? client.publish(
        topic: statusTopic, payload: Array(statusLine("online", outbox: outbox, mapped: mappedProbes).utf8),
        retain: true)
    }
    while !shouldStop() {
      let now = clock.now()
      let bootTime = Int64((clock.monotonicSeconds() * 1000).rounded())
      keeper.update(now: now, bootMilliseconds: bootTime)
      if let jump = ClockJump.detect(now: now, bootMilliseconds: bootTime, previous: &wallOffset),
        config.lockstep == nil, config.catchUpFromSecondsAgo == 0
      {
        logger.notice("clock: the wall clock jumped by \(jump) s; the sampling schedule starts again from now")
        scheduleBase = index
        schedule = SamplingClock(realStart: now, catchUpFromSecondsAgo: 0, interval: config.intervalSeconds, speed: 1)
      }
      let stamp = keeper.stamp(now: now, bootMilliseconds: bootTime)
      // While the clock is awaited, nothing is published: what is sent must never be stamped again (`ClockKeeper`).
      let connected = client.isConnected
      let publishing = connected && !keeper.holding
      var due = NextDue()
      due.include(keeper.nextLook(now: now, bootMilliseconds: bootTime))
      // Draining: the collector's confirmations end the wait (asked for before taking them, so none slips by).
      inbox.wakeOnAcknowledgement(index >= rounds)
      let (connections, watermarks, limits, linkLostAt) = inbox.take()
      edgeAlarm?.receive(limits)
      if let linkLostAt, wasConnected || connections > 0 { edgeAlarm?.linkWasUp(until: linkLostAt) }
      wasConnected = connected
      if connections > 0 {
        sender.restart()
        announcedDropped = -1
      }
      if !watermarks.isEmpty { try sender.acknowledge(watermarks, now: now) }
      if let bridgeUp = inbox.takeBridgeState() { sender.noteBridge(up: bridgeUp, now: now) }
      if let arrivals = siteBroker?.take() {
        let arrived = arrivals.samples
        if arrivals.dropped > 0 {
          logger.warning("mqtt driver: \(arrivals.dropped) samples dropped, the queue was full")
        }
        if mappedProbes.learn(arrivals) { announcedDropped = -1 }
        if !arrived.isEmpty {
          announceStatusIfDue()
          let numbered = mappedProbes.number(arrived, clock: stamp) { outbox.nextSequence(for: $0) }
          try sender.record(numbered, connected: client.isConnected && !keeper.holding, publish: publish)
          lastMapped?.note(numbered)
        }
      }
      if index < rounds {
        if now < schedule.realTime(ofSample: index - scheduleBase), !inputs.isEmpty {
          // Between rounds: a change is published as soon as a poll sees it.
          let changed = inputs.poll(
            at: min(schedule.eventTime(atReal: now), schedule.eventTime(ofSample: index - scheduleBase)), now: now)
          if !changed.isEmpty {
            announceStatusIfDue()
            try sender.record(
              records(changed, clock: stamp), connected: client.isConnected && !keeper.holding, publish: publish)
          }
        }
        if now >= schedule.realTime(ofSample: index - scheduleBase) {
          let eventTime = schedule.eventTime(ofSample: index - scheduleBase)
          let values = sampler.readAll(at: eventTime)
          for (sensor, value) in zip(sensors, values) {
            edgeAlarm?.judge(sensor: sensor.id, value: value, at: eventTime)
          }
          var roundRecords = zip(sensors, values).map { sensor, value in
            OutboxRecord(
              sensor: sensor.id, room: sensor.room,
              sample: value.sample(seq: outbox.nextSequence(for: sensor.id), at: eventTime), clock: stamp)
          }
          // Inputs are stamped when read, so a round that runs late (slow probes) still stamps what it saw when.
          let readAt = clock.now()
          roundRecords += records(
            inputs.readAll(at: max(eventTime, schedule.eventTime(atReal: readAt)), now: readAt), clock: stamp)
          try client.publishingTogether {  // the status and the round's readings: one wake-up of the network thread
            announceStatusIfDue()
            try sender.record(roundRecords, connected: client.isConnected && !keeper.holding, publish: publish)
          }
          index += 1
          if index == 1 { afterFirstRound?() }
        }
        due.include(index < rounds ? schedule.realTime(ofSample: index - scheduleBase) : now)
        due.include(inputs.nextPoll)
      } else {
        // Done sampling: wait for the collector to confirm everything, within the drain time.
        let deadline = drainDeadline ?? now.adding(seconds: drainSeconds)
        drainDeadline = deadline
        if outbox.pendingCount == 0 || now >= deadline { break }
        due.include(deadline)
      }
      edgeAlarm?.update(now: now, connected: connected)
      due.include(edgeAlarm?.nextDue(connected: connected))
      // The backlog moves on every pass, even when sampling falls behind its schedule and a round is always due.
      // While it waits for room in the in-flight window, a PUBACK wakes the next wait (asked for before the pump
      // looks at the window, so none slips by).
      inbox.wakeOnPublishCompletion(publishing && sender.hasBacklog)
      try client.publishingTogether {
        announceStatusIfDue()
        try sender.pump(
          now: now, connected: client.isConnected && !keeper.holding, inFlight: { client.unacknowledgedCount },
          publish: publish)
      }
      if !sender.hasBacklog { inbox.wakeOnPublishCompletion(false) }  // live samples' PUBACKs: no wake-up
      if publishing {
        due.include(sender.resendDue)
        // A backlog the pump left with room in the window (it stopped at an empty read): look again shortly.
        if sender.hasBacklog && client.unacknowledgedCount < sender.window { due.include(now.adding(seconds: 0.01)) }
      }
      announceStatusIfDue()
      if let deadline = due.earliest { clock.wait(until: deadline, wakingOn: wakeUp) }
    }
    try sender.finish()
    lastMapped?.save()
    if outbox.pendingCount > 0 {
      logger.notice("\(outbox.pendingCount) samples wait in the outbox for the collector's confirmation")
    }
    _ = try? client.publish(
      topic: statusTopic, payload: Array(statusLine("offline", outbox: outbox, mapped: mappedProbes).utf8),
      retain: true)
    awaitBrokerAcknowledgements(client, inbox: inbox, seconds: 2)
    logger.info("stopped after \(index) sampling rounds")
  }

  public static let version = "0.1.0"
}
