import ColdTraceCore
import ColdTraceMQTT
import Logging
import Synchronization

/// The collector's `[[source]]` topics, on the MQTT network thread: maps each third-party message into readings
/// (`SourceMapping`), drops repeats of cached state (`RepeatFilter`), and quarantines at once what cannot be one. The
/// readings go to the writer's group commit (`GroupCommitter.enqueueUnacknowledged`). One that came at QoS 1 holds
/// its PUBACK (and the client's every write after it) until its group is committed (`AcknowledgementHold`): the
/// broker redelivers it to the collector's session if the collector dies first (docs/durability.md). Where the
/// client cannot hold (TLS), it is committed before this handler returns (`GroupCommitter.commitWaiting`). Such
/// readings carry no `seq`: they are stored once by (site, sensor, time) and no acknowledgement covers them.
///
/// Only messages outside `coldtrace/` come here, so ColdTrace's own readings never pay for the mapping.
final class SourceRouter: Sendable {
  let sources: [SourceMapping]
  private let pipeline: IngestPipeline
  private let committer: GroupCommitter
  private let logger: Logger
  private let repeats = Mutex(RepeatFilter())
  /// Messages to quarantine whose PUBACKs are held until they are committed together (`quarantine`).
  private let heldQuarantines = Mutex<[HeldQuarantine]>([])
  private static let quarantineBatch = 256
  /// Per topic, its source and captures, matched once (`SourceTopicRoutes`).
  private let topicRoutes = Mutex(SourceTopicRoutes())
  /// Per source (by index), the captures its availability topics share with its data topics.
  let deviceCaptures: [[String]]
  /// Journals and publishes the `battery_low` and `weak_signal` events this router records.
  private let emit: @Sendable (CommittedEvents) -> Void
  /// Opens and resolves `battery_low` and `weak_signal`.
  private let health: ProbeHealthJudge
  /// The devices, their probes and their announced availability.
  let devices = Mutex(SourceDevices())
  /// Probes whose source's placement was recorded in this run, and per probe its source's offline limit.
  private let probes = Mutex<[ProbeKey: Double?]>([:])
  /// Probes an earlier run stored without an agent, in a site whose sources set their own offline limit: until their
  /// first reading of this run says which source they come from, the longest such limit of their site, so that a
  /// restart does not judge a slow battery sensor by the collector's shorter limit.
  private let carriedLimits: [ProbeKey: Double]

  init(
    sources: [SourceMapping], pipeline: IngestPipeline, committer: GroupCommitter, logger: Logger,
    health: ProbeHealthJudge, emit: @escaping @Sendable (CommittedEvents) -> Void
  ) throws {
    self.sources = sources
    deviceCaptures = sources.map(\.deviceCaptures)
    self.emit = emit
    self.health = health
    carriedLimits = try Self.carriedLimits(sources, pipeline)
    self.pipeline = pipeline
    self.committer = committer
    self.logger = logger
  }

  /// The broker subscriptions the sources need, each once, with their QoS: 1 for payload-timed sources; 0 for
  /// receipt-timed ones, so that the broker queues nothing for them while the collector is away (a backlog delivered
  /// at reconnection would be stamped with its delivery time, hours of readings in one second).
  var filters: [(filter: String, qos: QoS)] {
    var result: [(filter: String, qos: QoS)] = []
    for source in sources {
      let qos: QoS = source.time.isReceipt ? .atMostOnce : .atLeastOnce
      for filter in source.topics.map(\.filter) {
        if let index = result.firstIndex(where: { $0.filter == filter }) {
          if qos == .atLeastOnce { result[index].qos = qos }
        } else {
          result.append((filter, qos))
        }
      }
    }
    return result
  }

  /// The offline limit, in seconds after its latest reading, of a probe a source has named: its source's
  /// `offline_after_minutes`, or less once its device announced itself offline.
  func offlineAfterSeconds(of probe: ProbeKey, lastReading: Timestamp) -> Double? {
    let own = probes.withLock { $0[probe] ?? carriedLimits[probe] }.map { $0 * 60 }
    let announced = devices.withLock { $0.silentAfterSeconds(of: probe, lastReading: lastReading) }
    guard let announced else { return own }
    return min(own ?? announced, announced)
  }

  /// Maps `message` into readings and commits each that `admit` (the probe registry) takes; `admit` gets and updates
  /// the probe's registry slot, kept in the topic's `TopicProbeMemory`.
  func route(
    _ message: ReceivedMessage, receivedAt: Timestamp, admit: (DecodedReading, inout ProbeRegistry.Slot?) -> Bool
  ) {
    let route = topicRoutes.withLock { $0.route(of: message.topic, resolve: resolve) }
    let source: SourceMapping
    let captures: [String: String]
    let device: String
    let topicKey: SensorKey?
    let memory: TopicProbeMemory
    switch route {
    case .availability:
      _ = routeAvailability(message, receivedAt: receivedAt)
      return
    case .unmapped:
      quarantine(message, PayloadRejection(.unmappedTopic, "no [[source]] topic pattern matches it"), receivedAt)
      return
    case .data(let index, let topicCaptures, let topicDevice, let key, let topicMemory):
      (source, captures, device, topicKey, memory) = (sources[index], topicCaptures, topicDevice, key, topicMemory)
    }
    let outcome = source.map(
      topic: message.topic, captures: captures, payload: message.payload, retained: message.retain, now: receivedAt,
      topicKey: topicKey)
    guard case .mapped(let readings, let rejections) = outcome else { return }
    for rejection in rejections { quarantine(message, rejection, receivedAt) }
    for mapped in readings {
      let known = memory.facts(of: mapped.key)
      // Any live message from the device, a repeat or a battery report too, shows it online (a retained one does not).
      if known.deviceKnows {
        devices.withLock { $0.sawAgain(device: device, retained: message.retain) }
      } else {
        devices.withLock {
          $0.saw(ProbeKey(site: mapped.key.site, sensor: mapped.key.sensor), device: device, retained: message.retain)
        }
        memory.record(mapped.key) { $0.deviceKnows = true }
      }
      judgeHealth(mapped, source: source)
      guard var reading = mapped.reading else { continue }
      var slot = known.repeatSlot
      let fresh = repeats.withLock {
        $0.admit(
          &reading, slot: &slot, repeatWithinSeconds: source.repeatWithinSeconds, receiptTime: source.time.isReceipt)
      }
      if slot != known.repeatSlot { memory.record(mapped.key) { $0.repeatSlot = slot } }
      guard fresh else {
        logger.debug("source \(source.name): \(reading.key) repeats its last reading; not stored")
        continue
      }
      var registrySlot = known.registrySlot
      let admitted = admit(reading, &registrySlot)
      if registrySlot != known.registrySlot { memory.record(mapped.key) { $0.registrySlot = registrySlot } }
      guard admitted else { continue }
      if !known.noted {
        note(mapped.key, placement: mapped.placement, source: source)
        memory.record(mapped.key) { $0.noted = true }
      }
      // At QoS 1 its PUBACK waits for the commit: held, or committed here if the client cannot hold it.
      let hold = message.holdAcknowledgement()
      if message.qos > 0 && hold == nil {
        committer.commitWaiting(
          topic: message.topic, payload: message.payload, decoded: .success(reading), receivedAt: receivedAt)
      } else {
        committer.enqueueUnacknowledged(
          topic: message.topic, payload: message.payload, reading: reading, receivedAt: receivedAt,
          acknowledgement: hold)
      }
    }
  }

  private static func carriedLimits(_ sources: [SourceMapping], _ pipeline: IngestPipeline) throws -> [ProbeKey: Double]
  {
    var longest: [String: Double] = [:]
    for source in sources {
      guard let minutes = source.offlineAfterMinutes else { continue }
      longest[source.site] = max(longest[source.site] ?? 0, minutes)
    }
    guard !longest.isEmpty else { return [:] }
    var limits: [ProbeKey: Double] = [:]
    for record in try pipeline.store.probeRecords(site: nil, retired: false, now: Timestamp(milliseconds: 0))
    where record.agent == nil {
      limits[record.probe] = longest[record.probe.site]
    }
    return limits
  }

  private func judgeHealth(_ mapped: MappedReading, source: SourceMapping) {
    guard !mapped.health.isEmpty else { return }
    emit(
      health.judge(mapped.health, key: mapped.key, rule: source.health, at: mapped.at, from: "source \(source.name)"))
  }

  /// What `topic` is to the sources; matched once per topic (`topicRoutes`). An availability topic wins, as
  /// `routeAvailability` takes it before any data pattern is tried.
  private func resolve(_ topic: String) -> SourceTopicRoutes.Route {
    if isAvailabilityTopic(topic) { return .availability }
    for (index, source) in sources.enumerated() {
      guard let captures = source.captures(of: topic) else { continue }
      let device = DeviceAvailability.device(source: source.name, captures: captures, shared: deviceCaptures[index])
      return .data(
        source: index, captures: captures, device: device, key: source.idlessKey(captures: captures),
        memory: TopicProbeMemory())
    }
    return .unmapped
  }

  /// Keeps `message` in quarantine: with its PUBACK held, in the next batch of them (`commitHeldQuarantines`), else
  /// before returning.
  func quarantine(_ message: ReceivedMessage, _ rejection: PayloadRejection, _ receivedAt: Timestamp) {
    guard let hold = message.holdAcknowledgement() else {
      committer.commitWaiting(
        topic: message.topic, payload: message.payload, decoded: .failure(rejection), receivedAt: receivedAt)
      return
    }
    let held = HeldQuarantine(
      topic: message.topic, payload: Array(message.payload), rejection: rejection, receivedAt: receivedAt,
      acknowledgement: hold)
    let waiting = heldQuarantines.withLock { list in
      list.append(held)
      return list.count
    }
    if waiting >= Self.quarantineBatch { commitHeldQuarantines() }
  }

  /// Commits the quarantined messages whose PUBACKs are held, in one transaction (network thread: when it has read
  /// all that arrived, or `quarantineBatch` of them wait).
  func commitHeldQuarantines() {
    let held = heldQuarantines.withLock { held in
      defer { held.removeAll() }
      return held
    }
    if !held.isEmpty { committer.commitQuarantines(held) }
  }

  /// The first reading of a probe in this run records its source's placement (as an agent's status would) and its
  /// offline limit.
  private func note(_ key: SensorKey, placement: Placement?, source: SourceMapping) {
    let probe = ProbeKey(site: key.site, sensor: key.sensor)
    let isNew = probes.withLock { probes in
      guard probes[probe] == nil else { return false }
      probes[probe] = .some(source.offlineAfterMinutes)
      return true
    }
    guard isNew, let placement else { return }
    do {
      try pipeline.announcePlacements([key.sensor: placement], site: key.site)
    } catch {
      logger.error("source \(source.name): cannot record the placement of \(probe): \(error)")
    }
  }
}
