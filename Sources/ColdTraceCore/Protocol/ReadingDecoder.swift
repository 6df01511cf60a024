/// A reading payload that passed every check: the sensor its topic names and its samples, oldest first.
public struct DecodedReading: Sendable, Equatable {
  public var key: SensorKey
  /// The publishing agent, when the payload names one (third-party sources may not).
  public var agent: String?
  /// At least one sample; in a batch, sequence numbers (when present) strictly increase.
  public var samples: [Sample]
  /// Whether the payload used the `samples` array form (a backfill), even with a single entry.
  public var isBatch: Bool
  /// ColdTrace extension: the lowest `seq` of this sensor the agent can still send. Numbers below it that the collector
  /// never received are gone for good (the agent's outbox overflowed), so the acknowledgement watermark may pass them.
  public var floor: Int64?
  /// ColdTrace extension: the agent install that numbered the samples (`inc`, see `Incarnation`); `nil` for
  /// publishers that do not say, whose numbers continue the probe's one series.
  public var incarnation: String?
  /// ColdTrace extension: the publisher's clock when it sent the payload (`sent`), for the `clock_skew` judge; `nil`
  /// when absent or unreadable.
  public var sent: Timestamp?

  public init(
    key: SensorKey, agent: String?, samples: [Sample], isBatch: Bool, floor: Int64? = nil, incarnation: String? = nil,
    sent: Timestamp? = nil
  ) {
    self.key = key
    self.agent = agent
    self.samples = samples
    self.isBatch = isBatch
    self.floor = floor
    self.incarnation = incarnation
    self.sent = sent
  }
}

/// Turns an MQTT reading message (topic and raw payload) into a `DecodedReading`, or a `PayloadRejection` that says
/// exactly what is wrong (docs/protocol.md, "Reading payload"). Pure: the collector's clock comes in as `now`.
///
/// Any rejection refuses the whole payload, so a batch is stored entirely or quarantined entirely. Fields the decoder
/// does not know are ignored, so newer agents can add fields; a JSON `null` counts as an absent field.
public enum ReadingDecoder {
  /// Larger payloads are refused before parsing (`too_large`).
  public static let maxPayloadBytes = 256 * 1024
  /// How far `ts` may run ahead of the collector's clock (`future_timestamp`).
  public static let maxFutureSkewSeconds = 300
  /// The most samples one batch may carry (`too_large`).
  public static let maxBatchSamples = 10_000
  /// The longest `error` text, in Unicode scalars.
  public static let maxErrorLength = 256
  /// Plausible probe temperatures, °C (`temp_out_of_range`).
  public static let temperatureRange: ClosedRange<Double> = -80...85
  /// Relative humidity, % (`rh_out_of_range`).
  public static let humidityRange: ClosedRange<Double> = 0...100
  /// The largest `seq`: 2^53 − 1, the largest integer every JSON implementation carries exactly (`bad_sequence`).
  public static let maxSequence: Int64 = 9_007_199_254_740_991

  /// Decodes one reading message received on `topic` at collector time `now`.
  public static func decode(
    topic: String, payload: UnsafeRawBufferPointer, now: Timestamp
  ) -> Result<DecodedReading, PayloadRejection> {
    Result { () throws(PayloadRejection) in try decodeOrThrow(topic: topic, payload: payload, now: now) }
  }

  /// Decodes one reading message held in an array.
  public static func decode(
    topic: String, payload: [UInt8], now: Timestamp
  ) -> Result<DecodedReading, PayloadRejection> {
    payload.withUnsafeBytes { decode(topic: topic, payload: $0, now: now) }
  }

  /// Decodes one reading message as `decode(topic:payload:now:)` does, taking the topic's sensor from `topics` when
  /// it was parsed before (the collector's network thread keeps one cache for every message).
  public static func decode(
    topic: String, payload: UnsafeRawBufferPointer, now: Timestamp, topics: inout ReadingTopicCache
  ) -> Result<DecodedReading, PayloadRejection> {
    Result { () throws(PayloadRejection) in
      try checkSize(payload)
      return try decodeDocument(payload, key: topics.sensorKey(from: topic), now: now)
    }
  }

  /// Decodes with the general parse alone, never the fast path (`JSONParser.scanAcceptedReading`): for differential fuzzing,
  /// which checks that both paths give the same result.
  public static func decodeWithoutFastPath(
    topic: String, payload: UnsafeRawBufferPointer, now: Timestamp
  ) -> Result<DecodedReading, PayloadRejection> {
    Result { () throws(PayloadRejection) in
      try checkSize(payload)
      return try decodeDocument(payload, key: ReadingTopic.sensorKey(from: topic), now: now, fastPath: false)
    }
  }

  static func decodeOrThrow(
    topic: String, payload: UnsafeRawBufferPointer, now: Timestamp
  ) throws(PayloadRejection) -> DecodedReading {
    try checkSize(payload)
    return try decodeDocument(payload, key: ReadingTopic.sensorKey(from: topic), now: now)
  }

  private static func checkSize(_ payload: UnsafeRawBufferPointer) throws(PayloadRejection) {
    guard payload.count <= maxPayloadBytes else {
      throw PayloadRejection(
        .tooLarge, "payload is \(payload.count) bytes; the limit is \(maxPayloadBytes) (256 KiB)")
    }
  }

  private static func decodeDocument(
    _ payload: UnsafeRawBufferPointer, key: SensorKey, now: Timestamp, fastPath: Bool = true
  ) throws(PayloadRejection) -> DecodedReading {
    if fastPath, let reading = JSONParser.scanAcceptedReading(payload, key: key, limit: FutureLimit(now: now)) {
      return reading
    }
    let document: JSONValue
    do throws(JSONParseError) {
      document = try JSONParser.parse(payload)
    } catch {
      throw PayloadRejection(error)
    }
    guard case .object(let object) = document else {
      throw PayloadRejection(.wrongType, "a reading payload must be a JSON object, got \(document.typeName)")
    }
    return try decodeEnvelope(object, key: key, now: now)
  }

  /// The general path: every check, in a fixed order whatever the order of the fields, so the same payload is always
  /// refused for the same reason.
  private static func decodeEnvelope(
    _ object: JSONObject, key: SensorKey, now: Timestamp
  ) throws(PayloadRejection) -> DecodedReading {
    var version: JSONValue? = nil
    var agentValue: JSONValue? = nil
    var samplesValue: JSONValue? = nil
    var floorValue: JSONValue? = nil
    var incarnationValue: JSONValue? = nil
    var sentValue: JSONValue? = nil
    var topLevelSampleField: String? = nil
    for member in object.members {
      if case .null = member.value { continue }
      switch member.key {
      case "v": version = member.value
      case "agent": agentValue = member.value
      case "samples": samplesValue = member.value
      case "floor": floorValue = member.value
      case "inc": incarnationValue = member.value
      case "sent": sentValue = member.value
      case "seq", "ts", "temp_c", "rh_pct", "error": topLevelSampleField = topLevelSampleField ?? member.key
      default: break
      }
    }
    try checkVersion(version)
    let agent = try decodeAgent(agentValue)
    let limit = FutureLimit(now: now)
    let floor = try SampleDecoder(position: nil, limit: limit).decodeSeq(floorValue, field: "floor")
    let incarnation = try decodeIncarnation(incarnationValue)
    let sent = SampleDecoder.sentTime(sentValue)
    guard let samplesValue else {
      let sample = try SampleDecoder(position: nil, limit: limit).decode(object)
      return DecodedReading(
        key: key, agent: agent, samples: [sample], isBatch: false, floor: floor, incarnation: incarnation, sent: sent)
    }
    guard case .array(let elements) = samplesValue else {
      throw PayloadRejection(.wrongType, "samples must be an array, got \(samplesValue.typeName)")
    }
    if let field = topLevelSampleField {
      throw PayloadRejection(
        .wrongType, "\(field) is outside samples; a payload carries either one sample or a samples array, not both")
    }
    let decoded = try decodeBatch(count: elements.count, limit: limit) { position, decoder throws(PayloadRejection) in
      guard case .object(let object) = elements[position] else {
        throw PayloadRejection(.wrongType, "samples[\(position)] must be an object, got \(elements[position].typeName)")
      }
      return try decoder.decode(object)
    }
    return DecodedReading(
      key: key, agent: agent, samples: decoded, isBatch: true, floor: floor, incarnation: incarnation, sent: sent)
  }

  private static func checkVersion(_ version: JSONValue?) throws(PayloadRejection) {
    switch version {
    case nil:
      throw PayloadRejection(.missingField, "v is missing; a reading payload starts with \"v\":1")
    case .number(1)?:
      return
    case .number(let other)?:
      throw PayloadRejection(.unknownVersion, "v \(JSONText.number(other)) is not supported; this collector reads v 1")
    case let other?:
      throw PayloadRejection(.wrongType, "v must be the number 1, got \(other.typeName)")
    }
  }

  private static func decodeAgent(_ value: JSONValue?) throws(PayloadRejection) -> String? {
    guard let value else { return nil }
    guard case .string(let agent) = value else {
      throw PayloadRejection(.wrongType, "agent must be a string, got \(value.typeName)")
    }
    do throws(InvalidIdentifier) {
      try Identifier.validate(agent, as: .agent)
    } catch {
      throw PayloadRejection(error)
    }
    return agent
  }

  private static func decodeIncarnation(_ value: JSONValue?) throws(PayloadRejection) -> String? {
    guard let value else { return nil }
    guard case .string(let incarnation) = value else {
      throw PayloadRejection(.badIncarnation, "inc must be a string, got \(value.typeName)")
    }
    if let problem = Incarnation.problem(incarnation) { throw PayloadRejection(.badIncarnation, problem) }
    return incarnation
  }

  /// A batch of `count` samples, each decoded by `sample(position, decoder)`, in order.
  private static func decodeBatch(
    count: Int, limit: FutureLimit, _ sample: (Int, SampleDecoder) throws(PayloadRejection) -> Sample
  ) throws(PayloadRejection) -> [Sample] {
    guard count > 0 else {
      throw PayloadRejection(.noValues, "samples is empty; a batch carries at least one sample")
    }
    guard count <= maxBatchSamples else {
      throw PayloadRejection(.tooLarge, "samples has \(count) entries; the limit is \(maxBatchSamples) per payload")
    }
    var samples: [Sample] = []
    samples.reserveCapacity(count)
    for position in 0..<count {
      let decoded = try sample(position, SampleDecoder(position: position, limit: limit))
      if let previous = samples.last {
        try checkOrder(decoded.seq, after: previous.seq, position: position)
      }
      samples.append(decoded)
    }
    return samples
  }

  /// Within a batch either every sample has a `seq` or none has, and they strictly increase (oldest first).
  private static func checkOrder(_ seq: Int64?, after previous: Int64?, position: Int) throws(PayloadRejection) {
    if SampleDecoder.follows(seq, previous) { return }
    switch (previous, seq) {
    case (nil, nil):
      return
    case (let previous?, let seq?):
      throw PayloadRejection(
        .badSequence,
        "seq \(seq) does not increase after \(previous) (samples[\(position)]); a batch lists samples oldest first")
    case (nil, _?):
      throw PayloadRejection(
        .badSequence, "samples[\(position)] has a seq but the samples before it have none; number all or none")
    case (_?, nil):
      throw PayloadRejection(
        .badSequence, "samples[\(position)] has no seq but the samples before it have one; number all or none")
    }
  }
}

/// The latest acceptable `ts`: the collector's clock plus the allowed skew.
struct FutureLimit {
  let now: Timestamp
  let latest: Int64

  init(now: Timestamp) {
    self.now = now
    let skew = Int64(ReadingDecoder.maxFutureSkewSeconds) * 1000
    let (sum, overflow) = now.milliseconds.addingReportingOverflow(skew)
    latest = overflow ? Int64.max : sum
  }
}
