import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// `coldtrace-agent run`: samples every sensor on schedule, numbers each sample durably, publishes it at QoS 1 on its
/// SPEC topic, and keeps a retained `online` status (with `offline` as the MQTT will).
///
/// Not yet here (the edge-agent issue): the durable outbox and the collector's end-to-end acknowledgement. Until then a
/// sample published while the broker is unreachable waits in libmosquitto's memory and is lost if the agent dies.
public final class AgentRunner {
  let configuration: AgentConfiguration
  let logger: Logger
  let clock: @Sendable () -> Timestamp

  public init(
    configuration: AgentConfiguration, logger: Logger, clock: @escaping @Sendable () -> Timestamp = WallClock.now
  ) {
    self.configuration = configuration
    self.logger = logger
    self.clock = clock
  }

  /// Samples until `shouldStop` says so or `maxSamples` rounds are published; then waits (up to `drainSeconds`) for
  /// the broker to acknowledge what was sent, publishes `offline` and disconnects.
  public func run(maxSamples: Int? = nil, drainSeconds: Double = 10, shouldStop: @Sendable () -> Bool) throws {
    let config = configuration
    let statusTopic = Topics.status(site: config.site, agent: config.agent)
    let sequences = try SequenceStore(directory: config.stateDirectory)
    var options = ClientOptions(clientID: config.agent, broker: config.broker)
    options.tls = config.tls
    options.cleanSession = false
    options.sessionExpirySeconds = 86_400
    options.will = .init(topic: statusTopic, payload: Array(statusLine("offline").utf8))
    let logger = self.logger
    let statusPayload = Array(statusLine("online").utf8)
    let clientBox = ClientReference()
    let client = try MosquittoClient(
      options: options,
      onEvent: { event in
        switch event {
        case .connected:
          logger.info("connected to \(config.broker)")
          _ = try? clientBox.client?.publish(topic: statusTopic, payload: statusPayload, retain: true)
        case .refused(let reason): logger.error("broker refused the connection: \(reason)")
        case .subscribed, .subscriptionRefused: break
        case .disconnected(let reason): logger.warning("disconnected: \(reason)")
        case .failed(let reason, let retryIn): logger.warning("\(reason); retrying in \(retryIn) s")
        }
      })
    clientBox.client = client
    client.start()
    defer {
      clientBox.client = nil
      client.stop()
    }

    let schedule = SamplingClock(
      realStart: clock(), catchUpFromSecondsAgo: config.catchUpFromSecondsAgo, interval: config.intervalSeconds,
      speed: config.speed)
    let sensors = config.sensors.map { SensorFactory.make($0, start: schedule.eventStart) }
    let sensorIDs = sensors.map(\.id)
    logger.info(
      "sampling",
      metadata: [
        "site": "\(config.site)", "agent": "\(config.agent)", "sensors": "\(sensorIDs.joined(separator: ","))",
        "interval_s": "\(config.intervalSeconds)",
      ])
    var index = 0
    while !shouldStop() && index < (maxSamples ?? Int.max) {
      guard sleep(until: schedule.realTime(ofSample: index), shouldStop: shouldStop) else { break }
      let eventTime = schedule.eventTime(ofSample: index)
      let values = sensors.map { $0.read(at: eventTime) }
      let numbers = try sequences.next(for: sensorIDs)
      for (position, sensor) in sensors.enumerated() {
        let sample: Sample
        switch values[position] {
        case .values(let tempC, let rhPct):
          sample = Sample(seq: numbers[position], ts: eventTime, tempC: tempC, rhPct: rhPct)
        case .fault(let reason):
          sample = Sample(seq: numbers[position], ts: eventTime, error: reason)
        }
        let key = SensorKey(site: config.site, room: sensor.room, sensor: sensor.id)
        let payload = ReadingEncoder.encode(agent: config.agent, sample: sample)
        try client.publish(topic: Topics.reading(key), payload: Array(payload.utf8)) { outcome in
          if case .refused(_, let reason) = outcome {
            logger.error("broker refused reading \(key) seq \(sample.seq ?? 0): \(reason)")
          }
        }
      }
      index += 1
    }
    drain(client, seconds: drainSeconds)
    _ = try? client.publish(topic: statusTopic, payload: Array(statusLine("offline").utf8), retain: true)
    drain(client, seconds: 2)
    logger.info("stopped after \(index) sampling rounds")
  }

  private func drain(_ client: MosquittoClient, seconds: Double) {
    var remaining = seconds
    while client.unacknowledgedCount > 0 && remaining > 0 {
      usleep(20_000)
      remaining -= 0.02
    }
    if client.unacknowledgedCount > 0 {
      logger.warning("\(client.unacknowledgedCount) readings not acknowledged by the broker at exit")
    }
  }

  /// Sleeps until `time`; returns false if asked to stop first.
  private func sleep(until time: Timestamp, shouldStop: () -> Bool) -> Bool {
    while true {
      if shouldStop() { return false }
      let remaining = time.seconds(since: clock())
      if remaining <= 0 { return true }
      usleep(UInt32(min(remaining, 0.1) * 1_000_000))
    }
  }

  private func statusLine(_ state: String) -> String {
    "{\"state\":\(JSONText.quoted(state)),\"agent\":\(JSONText.quoted(configuration.agent)),"
      + "\"version\":\"\(Self.version)\",\"ts\":\(JSONText.quoted(clock().rfc3339))}"
  }

  public static let version = "0.1.0"
}

/// Lets the connection callback reach the client it belongs to (set after the client exists).
private final class ClientReference: Sendable {
  private let value = Mutex<MosquittoClient?>(nil)
  var client: MosquittoClient? {
    get { value.withLock { $0 } }
    set { value.withLock { $0 = newValue } }
  }
}
