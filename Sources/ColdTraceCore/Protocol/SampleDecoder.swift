/// Reads one sample's fields (`seq`, `ts`, `temp_c`, `rh_pct`, `error`, `defrost`, `door_open`) from a JSON object, for `ReadingDecoder`.
///
/// Checks run in a fixed order whatever the order of the fields in the document, so the same payload is always
/// refused for the same reason.
struct SampleDecoder {
  /// The sample's index in a batch's `samples`, or `nil` for a single-sample payload.
  let position: Int?
  let limit: FutureLimit

  /// Unix seconds that `Timestamp.rfc3339` can print: 0000-01-01T00:00:00Z through 9999-12-31T23:59:59.999Z.
  static let unixSecondsRange: ClosedRange<Double> = -62_167_219_200...253_402_300_799.999

  func decode(_ object: JSONObject) throws(PayloadRejection) -> Sample {
    var fields = SampleFields()
    for member in object.members {
      if case .null = member.value { continue }
      switch member.key {
      case "seq": fields.seq = member.value
      case "ts": fields.ts = member.value
      case "temp_c": fields.tempC = member.value
      case "rh_pct": fields.rhPct = member.value
      case "error": fields.error = member.value
      case "defrost": fields.defrost = member.value
      case "door_open": fields.doorOpen = member.value
      case "time_quality": fields.timeQuality = member.value
      default: break
      }
    }
    return try decode(fields)
  }

  /// Whether an RFC 3339 `ts` that parsed to `ts` is accepted (its years are 0000–9999 in UTC).
  static func accepts(_ ts: Timestamp) -> Bool { unixSecondsRange.contains(Double(ts.milliseconds) / 1000) }

  /// The time a numeric `ts` (Unix seconds) names, or `nil` outside the years 0000–9999.
  static func timestamp(unixSeconds seconds: Double) -> Timestamp? {
    guard unixSecondsRange.contains(seconds) else { return nil }
    return Timestamp(milliseconds: Int64((seconds * 1000).rounded()))
  }

  /// A sequence number's value: a whole number in 0...2^53 − 1, else `nil`.
  static func sequence(_ number: Double) -> Int64? {
    guard number >= 0, number.rounded(.towardZero) == number, number <= Double(ReadingDecoder.maxSequence) else {
      return nil
    }
    return Int64(number)
  }

  /// Whether an `error` text is accepted: not empty, and at most `ReadingDecoder.maxErrorLength` Unicode scalars.
  static func acceptsError(_ text: String) -> Bool {
    !text.isEmpty && text.unicodeScalars.count <= ReadingDecoder.maxErrorLength
  }

  /// Whether a batch's sample numbered `seq` may follow one numbered `previous`: both unnumbered, or increasing.
  static func follows(_ seq: Int64?, _ previous: Int64?) -> Bool {
    switch (previous, seq) {
    case (nil, nil): return true
    case (let previous?, let seq?): return seq > previous
    default: return false
    }
  }

  func decode(_ fields: SampleFields) throws(PayloadRejection) -> Sample {
    let seq = try decodeSeq(fields.seq)
    let ts = try decodeTimestamp(fields.ts)
    let tempC = try decodeMeasurement(
      fields.tempC, field: "temp_c", range: ReadingDecoder.temperatureRange, unit: "°C")
    let rhPct = try decodeMeasurement(fields.rhPct, field: "rh_pct", range: ReadingDecoder.humidityRange, unit: "%")
    let error = try decodeError(fields.error)
    let defrost = try decodeSignal(fields.defrost, field: "defrost")
    let doorOpen = try decodeSignal(fields.doorOpen, field: "door_open")
    let timeQuality = try decodeTimeQuality(fields.timeQuality)
    let sample = Sample(
      seq: seq, ts: ts, tempC: tempC, rhPct: rhPct, error: error, defrost: defrost, doorOpen: doorOpen,
      timeQuality: timeQuality)
    guard sample.hasContent else {
      throw rejection(.noValues, "the sample has none of temp_c, rh_pct, error, defrost or door_open")
    }
    guard !sample.mixesSignalAndValues else {
      throw rejection(
        .wrongType,
        "a sample carries a probe's temp_c, rh_pct or error, or an input's defrost or door_open, not both")
    }
    guard ts.milliseconds <= limit.latest else {
      let ahead = Int64(((Double(ts.milliseconds) - Double(limit.now.milliseconds)) / 1000).rounded(.down))
      throw rejection(
        .futureTimestamp,
        "ts \(ts.rfc3339) is \(ahead) s ahead of the collector clock (\(limit.now.rfc3339)); "
          + "the limit is \(ReadingDecoder.maxFutureSkewSeconds) s; check the agent's clock")
    }
    return sample
  }

  /// A sequence number (`seq`, or the envelope's `floor`): a whole number in 0...2^53 − 1.
  func decodeSeq(_ value: JSONValue?, field: String = "seq") throws(PayloadRejection) -> Int64? {
    guard let value else { return nil }
    let number = try finiteNumber(value, field: field)
    if let sequence = Self.sequence(number) { return sequence }
    guard number >= 0, number.rounded(.towardZero) == number else {
      throw rejection(.badSequence, "\(field) \(JSONText.number(number)) is not a whole number ≥ 0")
    }
    throw rejection(
      .badSequence, "\(field) \(JSONText.number(number)) is above \(ReadingDecoder.maxSequence) (2^53 − 1)")
  }

  private func decodeTimestamp(_ value: JSONValue?) throws(PayloadRejection) -> Timestamp {
    switch value {
    case nil:
      throw rejection(.missingField, "ts is missing; every sample needs its event time")
    case .string(let text)?:
      guard let ts = Timestamp.parseRFC3339(text) else {
        throw rejection(
          .badTimestamp,
          "ts \(Excerpt.quoted(text)) is not an RFC 3339 time with a zone, like 2026-11-29T03:40:00Z")
      }
      // A zone offset can carry 0000-01-01 back into year −1 (or 9999-12-31 on into 10000) in UTC, which no
      // RFC 3339 text shows; found by scripts/fuzz.sh.
      guard Self.accepts(ts) else {
        throw rejection(.badTimestamp, "ts \(Excerpt.quoted(text)) is outside the years 0000–9999 in UTC")
      }
      return ts
    case .number(let seconds)?:
      guard seconds.isFinite else { throw rejection(.nonFinite, "ts is not a finite number") }
      guard let ts = Self.timestamp(unixSeconds: seconds) else {
        throw rejection(
          .badTimestamp,
          "ts \(JSONText.number(seconds)) as Unix seconds is outside the years 0000–9999 (milliseconds, perhaps?)")
      }
      return ts
    case let other?:
      throw rejection(.wrongType, "ts must be an RFC 3339 string or a number of Unix seconds, got \(other.typeName)")
    }
  }

  private func decodeMeasurement(
    _ value: JSONValue?, field: String, range: ClosedRange<Double>, unit: String
  ) throws(PayloadRejection) -> Double? {
    guard let value else { return nil }
    let number = try finiteNumber(value, field: field)
    guard range.contains(number) else {
      let reason: RejectionReason = field == "temp_c" ? .tempOutOfRange : .rhOutOfRange
      throw rejection(
        reason,
        "\(field) \(JSONText.number(number)) is outside "
          + "\(JSONText.number(range.lowerBound))..\(JSONText.number(range.upperBound)) \(unit)")
    }
    return number
  }

  private func decodeError(_ value: JSONValue?) throws(PayloadRejection) -> String? {
    guard let value else { return nil }
    guard case .string(let text) = value else {
      throw rejection(.wrongType, "error must be a string describing the sensor fault, got \(value.typeName)")
    }
    if Self.acceptsError(text) { return text }
    guard !text.isEmpty else {
      throw rejection(.wrongType, "error must not be empty; leave it out when there is no fault")
    }
    throw rejection(
      .wrongType, "error has \(text.unicodeScalars.count) characters; the limit is \(ReadingDecoder.maxErrorLength)")
  }

  private func decodeSignal(_ value: JSONValue?, field: String) throws(PayloadRejection) -> Bool? {
    guard let value else { return nil }
    guard case .bool(let on) = value else {
      throw rejection(.wrongType, "\(field) must be true or false, got \(value.typeName)")
    }
    return on
  }

  /// `time_quality`: a string; one this collector does not know counts as `unsynced` (`TimeQuality(payloadText:)`).
  private func decodeTimeQuality(_ value: JSONValue?) throws(PayloadRejection) -> TimeQuality? {
    guard let value else { return nil }
    guard case .string(let text) = value else {
      throw rejection(.wrongType, "time_quality must be a string (corrected or unsynced), got \(value.typeName)")
    }
    return TimeQuality(payloadText: text)
  }

  /// The envelope's `sent` (the publisher's clock when it sent the payload): an RFC 3339 time or Unix seconds, like
  /// `ts`; anything else is ignored (`nil`), since it only feeds the `clock_skew` judge and never refuses a reading.
  static func sentTime(_ value: JSONValue?) -> Timestamp? {
    switch value {
    case .string(let text)?:
      guard let time = Timestamp.parseRFC3339(text), accepts(time) else { return nil }
      return time
    case .number(let seconds)?: return seconds.isFinite ? timestamp(unixSeconds: seconds) : nil
    default: return nil
    }
  }

  private func finiteNumber(_ value: JSONValue, field: String) throws(PayloadRejection) -> Double {
    guard case .number(let number) = value else {
      throw rejection(.wrongType, "\(field) must be a number, got \(value.typeName)")
    }
    guard number.isFinite else { throw rejection(.nonFinite, "\(field) is not a finite number") }
    return number
  }

  /// A rejection whose detail ends with the sample's place in a batch, e.g. `(samples[3])`.
  private func rejection(_ reason: RejectionReason, _ detail: String) -> PayloadRejection {
    guard let position else { return PayloadRejection(reason, detail) }
    return PayloadRejection(reason, "\(detail) (samples[\(position)])")
  }
}

/// A sample's fields as JSON values (a JSON `null` counts as absent), for `SampleDecoder`.
struct SampleFields {
  var seq: JSONValue?
  var ts: JSONValue?
  var tempC: JSONValue?
  var rhPct: JSONValue?
  var error: JSONValue?
  var defrost: JSONValue?
  var doorOpen: JSONValue?
  var timeQuality: JSONValue?
}
