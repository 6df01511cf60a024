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
/// The MQTT connection comes from `makeTransport` and every time and wait from `clock`: libmosquitto and the OS's
/// clocks in production, an in-memory transport and a manual clock in tests (`Tests/TestSupport`).
public final class AgentRunner {
  let configuration: AgentConfiguration
  let logger: Logger
  let makeTransport: MessageTransportFactory
  let clock: any ServiceClock

  public init(
    configuration: AgentConfiguration, logger: Logger,
    transport makeTransport: @escaping MessageTransportFactory = MosquittoClient.factory,
    clock: any ServiceClock = SystemClock()
  ) {
    self.configuration = configuration
    self.logger = logger
    self.makeTransport = makeTransport
    self.clock = clock
  }

  /// Samples until `shouldStop` says so or `maxSamples` rounds are taken; every sample goes to the durable outbox first
  /// and leaves it only when the collector confirms it. With `maxSamples`, waits up to `drainSeconds` for the collector
  /// to confirm everything before publishing `offline` and disconnecting.
  public func run(maxSamples: Int? = nil, drainSeconds: Double = 10, shouldStop: @Sendable () -> Bool) throws {
    let config = configuration
    let statusTopic = Topics.status(site: config.site, agent: config.agent)
    let outbox = try Outbox(directory: config.stateDirectory, limits: config.outboxLimits)
    if outbox.repairedBytes > 0 {
      logger.warning("outbox: cut off \(outbox.repairedBytes) bytes of a record torn by a crash or power cut")
    }
    let inbox = AgentInbox(incarnation: outbox.incarnation)
    var options = ClientOptions(clientID: config.agent, broker: config.broker)
    options.tls = config.tls
    options.protocolVersion = config.protocolVersion
    options.reconnectDelayMax = config.reconnectMaxSeconds
    options.cleanSession = false
    options.sessionExpirySeconds = 86_400
    options.will = .init(
      topic: statusTopic, payload: Array(statusLine("offline", outbox: nil, incarnation: outbox.incarnation).utf8))
    let logger = self.logger
    let limitsPrefix = "\(Topics.root)/limits/"
    let client = try makeTransport(
      options,
      { message in
        if message.topic.hasPrefix(limitsPrefix) {
          // An empty retained message clears a room's limits on the broker; the agent keeps what it holds.
          if message.payload.count > 0 && !inbox.receiveLimits(message.payload) {
            logger.warning("ignored malformed limits on \(message.topic)")
          }
        } else {
          switch inbox.receiveAcknowledgement(message.payload) {
          case .applied: break
          case .malformed: logger.warning("ignored a malformed acknowledgement on \(message.topic)")
          case .otherIncarnation(let former):
            logger.info("ignored an acknowledgement for incarnation \(former), not this install's")
          }
        }
      },
      { event in
        switch event {
        case .connected:
          logger.info("connected to \(config.broker)")
          inbox.noteConnected()
        case .refused(let reason): logger.error("broker refused the connection: \(reason)")
        case .subscribed: break
        case .subscriptionRefused(let filter, let reason) where filter.hasPrefix(limitsPrefix):
          logger.error("broker refused the subscription to \(filter): \(reason); the edge alarm gets no new limits")
        case .subscriptionRefused(let filter, let reason):
          logger.error("broker refused the subscription to \(filter): \(reason); the outbox cannot be confirmed")
        case .disconnected(let reason): logger.warning("disconnected: \(reason)")
        case .failed(let reason, let retryIn): logger.warning("\(reason); retrying in \(retryIn) s")
        }
      })
    try client.subscribe(Topics.ack(site: config.site, agent: config.agent), qos: .atLeastOnce)
    let edgeAlarm = try config.edgeAlarm.map { settings in
      try EdgeAlarm(settings: settings, configuration: config, logger: logger, now: clock.now())
    }
    if edgeAlarm != nil { try client.subscribe(Topics.limitsFilter(site: config.site), qos: .atLeastOnce) }
    client.start()
    defer { client.stop() }

    let sender = OutboxSender(
      outbox: outbox, site: config.site, agent: config.agent,
      acknowledgementTimeout: config.acknowledgementTimeoutSeconds, logger: logger)
    let publish: OutboxSender.Publish = { topic, payload in
      try client.publish(topic: topic, payload: payload) { outcome in
        if case .refused(_, let reason) = outcome { logger.error("broker refused a reading on \(topic): \(reason)") }
      }
    }
    let schedule =
      config.lockstep.map {
        SamplingClock(anchor: $0.anchor, eventStart: $0.start, interval: config.intervalSeconds, speed: $0.speed)
      }
      ?? SamplingClock(
        realStart: clock.now(), catchUpFromSecondsAgo: config.catchUpFromSecondsAgo,
        interval: config.intervalSeconds, speed: config.speed)
    let context = SensorContext(sysfsRoot: config.sysfsRoot, start: schedule.eventStart)
    let sensors = config.sensors.map { $0.make(context) }
    let inputs = InputMonitor(config.inputs, context: context, now: clock.now())
    /// An input's reads become outbox records numbered like a sensor's samples, under the input's id.
    func records(_ readings: [InputMonitor.Reading]) -> [OutboxRecord] {
      readings.map {
        OutboxRecord(sensor: $0.id, room: $0.room, sample: $0.sample(seq: outbox.nextSequence(for: $0.id)))
      }
    }
    logger.info(
      "sampling",
      metadata: [
        "site": "\(config.site)", "agent": "\(config.agent)",
        "sensors": "\(sensors.map(\.id).joined(separator: ","))",
        "inputs": "\(config.inputs.map(\.id).joined(separator: ","))", "interval_s": "\(config.intervalSeconds)",
        "outbox_pending": "\(outbox.pendingCount)", "outbox_dropped": "\(outbox.dropped)",
        "incarnation": "\(outbox.incarnation)",
      ])
    var index = 0
    var announcedDropped = -1
    var drainDeadline: Timestamp?
    while !shouldStop() {
      let now = clock.now()
      let (connections, watermarks, limits) = inbox.take()
      edgeAlarm?.receive(limits)
      if connections > 0 {
        sender.restart()
        announcedDropped = -1
      }
      if !watermarks.isEmpty { try sender.acknowledge(watermarks, now: now) }
      if announcedDropped != outbox.dropped && client.isConnected {
        announcedDropped = outbox.dropped
        let status = Array(statusLine("online", outbox: outbox).utf8)
        _ = try? client.publish(topic: statusTopic, payload: status, retain: true)
      }
      var sampled = false
      if index < (maxSamples ?? Int.max) {
        if now < schedule.realTime(ofSample: index), !inputs.isEmpty {
          // Between rounds: a change is published as soon as a poll sees it.
          let changed = inputs.poll(
            at: min(schedule.eventTime(atReal: now), schedule.eventTime(ofSample: index)), now: now)
          if !changed.isEmpty { try sender.record(records(changed), connected: client.isConnected, publish: publish) }
        }
        if now >= schedule.realTime(ofSample: index) {
          let eventTime = schedule.eventTime(ofSample: index)
          let values = ConcurrentSampler(sensors).readAll(at: eventTime)
          for (sensor, value) in zip(sensors, values) {
            edgeAlarm?.judge(sensor: sensor.id, value: value, at: eventTime)
          }
          var roundRecords = zip(sensors, values).map { sensor, value in
            OutboxRecord(
              sensor: sensor.id, room: sensor.room,
              sample: value.sample(seq: outbox.nextSequence(for: sensor.id), at: eventTime))
          }
          // Inputs are stamped when read, so a round that runs late (slow probes) still stamps what it saw when.
          let readAt = clock.now()
          roundRecords += records(inputs.readAll(at: max(eventTime, schedule.eventTime(atReal: readAt)), now: readAt))
          try sender.record(roundRecords, connected: client.isConnected, publish: publish)
          index += 1
          sampled = true
        }
      } else {
        // Done sampling: wait for the collector to confirm everything, within the drain time.
        let deadline = drainDeadline ?? now.adding(seconds: drainSeconds)
        drainDeadline = deadline
        if outbox.pendingCount == 0 || now >= deadline { break }
      }
      edgeAlarm?.update(now: now, connected: client.isConnected)
      // The backlog moves on every pass, even when sampling falls behind its schedule and a round is always due.
      try sender.pump(
        now: now, connected: client.isConnected, inFlight: { client.unacknowledgedCount }, publish: publish)
      if !sampled { clock.sleep(seconds: 0.01) }
    }
    if outbox.pendingCount > 0 {
      logger.notice("\(outbox.pendingCount) samples wait in the outbox for the collector's confirmation")
    }
    _ = try? client.publish(
      topic: statusTopic, payload: Array(statusLine("offline", outbox: outbox).utf8), retain: true)
    drain(client, seconds: 2)
    logger.info("stopped after \(index) sampling rounds")
  }

  private func drain(_ client: any MessageTransport, seconds: Double) {
    var remaining = seconds
    while client.unacknowledgedCount > 0 && remaining > 0 {
      clock.sleep(seconds: 0.02)
      remaining -= 0.02
    }
    if client.unacknowledgedCount > 0 {
      logger.warning("\(client.unacknowledgedCount) readings not acknowledged by the broker at exit")
    }
  }

  /// The status payload (docs/protocol.md, "Status payloads"), with the outbox's backlog and the samples it dropped,
  /// and where each probe is mounted.
  private func statusLine(_ state: String, outbox: Outbox?, incarnation: String? = nil) -> String {
    StatusMessage(
      state: state, sender: .agent(configuration.agent), version: Self.version, ts: clock.now(),
      outbox: outbox.map { StatusMessage.Outbox(pending: $0.pendingCount, dropped: $0.dropped) },
      placements: Dictionary(configuration.sensors.map { ($0.id, $0.placement) }) { first, _ in first },
      incarnation: outbox?.incarnation ?? incarnation,
      probes: Dictionary(
        configuration.sensors.map { ($0.id, $0.room) } + configuration.inputs.map { ($0.id, $0.room) }
      ) { first, _ in first }
    ).encode()
  }

  public static let version = "0.1.0"
}

extension SensorValue {
  /// The sample this read makes: values, or an `error` sample reporting the fault.
  func sample(seq: Int64, at time: Timestamp) -> Sample {
    switch self {
    case .values(let tempC, let rhPct): return Sample(seq: seq, ts: time, tempC: tempC, rhPct: rhPct)
    case .fault(let reason): return Sample(seq: seq, ts: time, error: reason)
    }
  }
}
