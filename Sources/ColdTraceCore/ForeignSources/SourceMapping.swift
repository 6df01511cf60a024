/// One `[[source]]` of the collector config: how a third-party publisher's messages (Zigbee2MQTT, Tasmota, Shelly,
/// ESPHome, collectd, Home Assistant, any JSON or plain number) become ColdTrace readings. Pure: the collector's
/// clock comes in as `now`, per-probe memory (repeats) lives in `RepeatFilter`.
///
/// A message on one of `topics` is read by the `preset`; each probe it holds is named by the first `rows` entry
/// that matches its topic and id (or, with no rows, by the source's own `room` and `sensor`), whose templates take
/// the topic's captures and the probe's `{id}`. Values are converted to °C and offset, and timed by `time`.
public struct SourceMapping: Sendable {
  /// The source's name, from its table (`id`): in logs and errors.
  public var name: String
  public var site: String
  public var preset: SourcePreset
  public var topics: [TopicPattern]
  public var naming: ProbeNaming
  public var rows: [SourceMapRow]
  public var time: TimePolicy
  public var unit: TemperatureUnit = .celsius
  public var options = Options()
  /// A value-unchanged repeat within this many seconds of the probe's last stored reading is not stored.
  public var repeatWithinSeconds: Double
  /// The source's probes raise `offline` after this long without a reading (else the collector's setting).
  public var offlineAfterMinutes: Double?
  /// When its probes' batteries and links raise `battery_low` and `weak_signal`.
  public var health = ProbeHealthRule()
  /// The devices' availability topics (`DeviceAvailability`): a device announced offline for
  /// `availabilityGraceMinutes` raises `offline` for its probes without waiting for `offlineAfterMinutes`.
  public var availability: [TopicPattern] = []
  public var availabilityGraceMinutes: Double = 5

  /// The captures an availability topic shares with the data topics: they name the device whose probes it concerns
  /// (none shared: every probe of the source).
  public var deviceCaptures: [String] {
    let data = Set(topics.flatMap(\.captureNames))
    return Set(availability.flatMap(\.captureNames)).intersection(data).sorted()
  }

  /// The fields and metric of the presets that need them (`json`: the value fields; plain numbers: the metric).
  public struct Options: Sendable {
    public var metric: SourceMetric?
    public var temperatureField: String?
    public var humidityField: String?
    public init() {}
  }

  public init(
    name: String, site: String, preset: SourcePreset, topics: [TopicPattern], naming: ProbeNaming,
    rows: [SourceMapRow] = [], time: TimePolicy
  ) {
    self.name = name
    self.site = site
    self.preset = preset
    self.topics = topics
    self.naming = naming
    self.rows = rows
    self.time = time
    self.repeatWithinSeconds = preset.defaultRepeatWithinSeconds
  }

  /// The captures of `topic` if it is one of this source's, else `nil`.
  public func captures(of topic: String) -> [String: String]? {
    for pattern in topics { if let captures = pattern.match(topic) { return captures } }
    return nil
  }

  /// The key of a probe without an id in a message of a topic with `captures`, when no `[[source.map]]` row can
  /// name it otherwise: the same for every message of the topic, so a caller can keep it per topic (`map`'s
  /// `topicKey`). `nil` when the source has rows, or the captures make no valid key (then each message says why).
  public func idlessKey(captures: [String: String]) -> SensorKey? {
    guard rows.isEmpty else { return nil }
    return try? naming.key(site: site, values: captures)
  }

  /// The readings a message of this source holds: one per probe, or the reasons it holds none (a message with
  /// several probes may give both). `.ignored`: the message is not a reading (a battery or bridge topic).
  /// `topicKey`: `idlessKey(captures:)` of the topic, if the caller kept it (the key is not built again).
  public func map(
    topic: String, captures: [String: String], payload: UnsafeRawBufferPointer, retained: Bool, now: Timestamp,
    topicKey: SensorKey? = nil
  ) -> SourceOutcome {
    do throws(PayloadRejection) {
      if retained && time.isReceipt {
        throw PayloadRejection(
          .staleRetained, "a retained message has no time of its own and this source is timed at receipt")
      }
      // Only the presets that read the topic's levels pay for splitting it.
      let levels = preset.readsTopicLevels ? topic.split(separator: "/", omittingEmptySubsequences: false) : []
      let extractionOptions = PresetExtraction.Options(
        metric: options.metric, temperatureField: options.temperatureField, humidityField: options.humidityField,
        timeField: time.payloadField)
      guard
        let extraction = try PresetExtraction.extract(
          preset, levels: levels, payload: payload, options: extractionOptions)
      else { return .ignored }
      let ts: Timestamp
      switch time {
      case .receipt: ts = now
      case .payload(let payloadTime): ts = try payloadTime.read(extraction.time, now: now)
      }
      var readings: [MappedReading] = []
      var rejections: [PayloadRejection] = []
      for value in extraction.values {
        do throws(PayloadRejection) {
          readings.append(try reading(of: value, topic: topic, captures: captures, topicKey: topicKey, ts: ts))
        } catch {
          rejections.append(error)
        }
      }
      return .mapped(readings, rejections)
    } catch {
      return .mapped([], [error])
    }
  }

  private func reading(
    of value: FoundValue, topic: String, captures: [String: String], topicKey: SensorKey?, ts: Timestamp
  ) throws(PayloadRejection) -> MappedReading {
    let row = rows.first { $0.applies(topic: topic, id: value.id) }
    if !rows.isEmpty && row == nil {
      if let id = value.id, rows.contains(where: { $0.match?.match(topic) != nil || $0.match == nil }) {
        throw PayloadRejection(.unmappedProbe, "no [[source.map]] row of source \(name) selects id \(id)")
      }
      throw PayloadRejection(.unmappedTopic, "no [[source.map]] row of source \(name) matches the topic")
    }
    let naming = row?.naming.over(self.naming) ?? self.naming
    let key: SensorKey
    if row == nil, value.id == nil, let topicKey {
      // No row and no id: the key `idlessKey` made of the same captures.
      key = topicKey
    } else {
      var values = captures
      if let id = value.id { values["id"] = id }
      if let rowCaptures = row?.match?.match(topic) { values.merge(rowCaptures) { $1 } }
      key = try naming.key(site: site, values: values)
    }
    let unit = value.statedUnit ?? row?.unit ?? self.unit
    guard value.hasValue else {
      return MappedReading(key: key, reading: nil, placement: naming.placement, health: value.health, at: ts)
    }
    var sample = Sample(seq: nil, ts: ts)
    if let temperature = value.temperature {
      let celsius = unit.celsius(temperature) + (naming.offsetC ?? 0)
      guard ReadingDecoder.temperatureRange.contains(celsius) else {
        throw PayloadRejection(
          .tempOutOfRange, "temperature \(JSONText.number(celsius)) °C of \(key.sensor) is outside -80..85 °C")
      }
      sample.tempC = celsius
    }
    if let humidity = value.humidity {
      guard ReadingDecoder.humidityRange.contains(humidity) else {
        throw PayloadRejection(
          .rhOutOfRange, "humidity \(JSONText.number(humidity)) % of \(key.sensor) is outside 0..100 %")
      }
      sample.rhPct = humidity
    }
    return MappedReading(
      key: key, reading: DecodedReading(key: key, agent: nil, samples: [sample], isBatch: false),
      placement: naming.placement, health: value.health, at: ts)
  }
}

extension TimePolicy {
  var payloadField: String? {
    if case .payload(let time) = self { return time.field }
    return nil
  }
}

/// What a source makes of one message.
public enum SourceOutcome: Sendable {
  /// Not a reading (a battery, availability or bridge message): nothing to store, nothing to quarantine.
  case ignored
  /// The readings of the probes that mapped, and why the others (or the whole message) did not.
  case mapped([MappedReading], [PayloadRejection])
}

/// One probe's part of a source message: its reading (`nil` when the message only reports the probe's battery or
/// link), the placement its table gives it, and its health.
public struct MappedReading: Sendable, Equatable {
  public var key: SensorKey
  public var reading: DecodedReading?
  public var placement: Placement?
  public var health: ProbeHealth
  /// The message's time (payload or receipt): when the health was reported.
  public var at: Timestamp
}
