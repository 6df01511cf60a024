import ColdTraceCore

/// One probe's sample from the site broker, before it gets its `seq`: the `[[mqtt_source]]` names the probe (its id
/// within the site and its room), its placement, and its value and time.
public struct ArrivedSample: Sendable, Equatable {
  public var sensor: String
  public var room: String
  public var placement: Placement?
  /// Without `seq`: the sampling thread numbers it when it goes into the outbox.
  public var sample: Sample
  /// Stamped with the agent's clock on arrival (`time = "receipt"`), not with the device's own time: only then does
  /// the agent's clock correction apply to it (`ClockKeeper`).
  public var timedOnReceipt = true
}

/// The `mqtt` driver's reading of one site-broker message: the collector's own decoder (`SourceMapping.map`, the
/// same presets and keys) and its repeat filter (`RepeatFilter`), so a Zigbee2MQTT cached-state repeat or a retained
/// state delivered again on resubscribe does not become a second sample. Pure: the clock comes in as `now`.
public struct SiteMessageMapper: Sendable {
  public let sources: [SourceMapping]
  /// The ids of the agent's own `[[sensor]]`s and `[[input]]`s: a mapped probe may not take one (their `seq`s
  /// would mix).
  public let reservedIDs: Set<String>
  private var repeats = RepeatFilter()
  /// Each probe's last sample of the previous run: its replay (a retained state) is not a new sample either.
  let lastStored: LastMappedSamples
  /// The probes' health and availability, for the agent's status.
  var conditions: SiteProbeConditions

  init(
    sources: [SourceMapping], reservedIDs: Set<String>, lastStored: LastMappedSamples = LastMappedSamples(),
    site: String = ""
  ) {
    self.sources = sources
    self.reservedIDs = reservedIDs
    self.lastStored = lastStored
    conditions = SiteProbeConditions(site: site)
  }

  /// What one message gives: the new samples, in the message's order, and a one-line reason for each part that
  /// gives none (unmapped topic, no value, stale retained, bad time, a repeat is not a problem and gives nothing).
  public mutating func map(topic: String, payload: UnsafeRawBufferPointer, retained: Bool, now: Timestamp) -> (
    samples: [ArrivedSample], problems: [String]
  ) {
    if let problem = mapAvailability(topic: topic, payload: payload, now: now) { return ([], problem) }
    guard let (source, captures) = source(of: topic) else {
      return ([], ["\(topic): no [[mqtt_source]] topic pattern matches it"])
    }
    let outcome = source.map(topic: topic, captures: captures, payload: payload, retained: retained, now: now)
    guard case .mapped(let readings, let rejections) = outcome else { return ([], []) }
    var problems = rejections.map { "\(topic) (source \(source.name)): \($0.reason.rawValue): \($0.detail)" }
    var samples: [ArrivedSample] = []
    let device = DeviceAvailability.device(source: source.name, captures: captures, shared: source.deviceCaptures)
    for mapped in readings {
      guard !reservedIDs.contains(mapped.key.sensor) else {
        problems.append("\(topic) (source \(source.name)): maps to \(mapped.key.sensor), a [[sensor]] of this agent")
        continue
      }
      // Any live message of the device, a repeat or a battery report too, shows it online (a retained one does not:
      // after a restart the broker replays the old state, which must not hide the device's retained "offline").
      conditions.saw(mapped.key.sensor, room: mapped.key.room, source: source, device: device, retained: retained)
      conditions.note(mapped.health, of: mapped.key.sensor, at: mapped.at)
      guard var reading = mapped.reading else { continue }  // a battery or link report only
      if let sample = reading.samples.first, lastStored.isReplay(sample, of: mapped.key.sensor) { continue }
      let fresh = repeats.admit(
        &reading, repeatWithinSeconds: source.repeatWithinSeconds, receiptTime: source.time.isReceipt)
      guard fresh, let sample = reading.samples.first else { continue }
      samples.append(
        ArrivedSample(
          sensor: mapped.key.sensor, room: mapped.key.room, placement: mapped.placement, sample: sample,
          timedOnReceipt: source.time.isReceipt))
    }
    return (samples, problems)
  }

  /// Handles `topic` if it is a source's availability topic (for every source that names it): `[]` then, or the
  /// problem with its payload; `nil` if it is not one.
  private mutating func mapAvailability(topic: String, payload: UnsafeRawBufferPointer, now: Timestamp) -> [String]? {
    var matched = false
    for source in sources {
      for pattern in source.availability {
        guard let captures = pattern.match(topic) else { continue }
        guard let state = DeviceAvailability(payload: payload) else {
          return ["\(topic) (source \(source.name)): no_value: an availability message is neither online nor offline"]
        }
        matched = true
        let device = DeviceAvailability.device(source: source.name, captures: captures, shared: source.deviceCaptures)
        conditions.announce(state, device: device, at: now, graceSeconds: source.availabilityGraceMinutes * 60)
      }
    }
    return matched ? [] : nil
  }

  private func source(of topic: String) -> (SourceMapping, [String: String])? {
    for source in sources { if let captures = source.captures(of: topic) { return (source, captures) } }
    return nil
  }
}
