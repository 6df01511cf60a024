/// An alert event as one JSON line (docs/protocol.md, "Alert lines"): the payload of `coldtrace/v1/alert/<site>/<room>`
/// and a line of the alert journal, e.g.
/// `{"prev":"<sha256>","event":"opened","event_id":12,"at":"…","id":7,"kind":"temp_high",…,"unacknowledged":true}`.
///
/// The alert's own fields are those of `coldtrace alerts --json`; an event adds `event` (opened, escalated, resolved,
/// acked, renotified), `event_id` and the event's time `at` before them, and the journal puts `prev` (the SHA-256 of
/// the line before) first.
public struct AlertMessage: Sendable, Equatable {
  public var prev: String?
  public var event: String?
  public var eventID: Int64?
  public var at: Timestamp?
  public var alert: AlertRecord

  public init(
    prev: String? = nil, event: String? = nil, eventID: Int64? = nil, at: Timestamp? = nil, alert: AlertRecord
  ) {
    self.prev = prev
    self.event = event
    self.eventID = eventID
    self.at = at
    self.alert = alert
  }

  /// The line, without a newline.
  public func encode() -> String { JSONObjectWriter.object(capacity: 512) { write(to: &$0) } }

  /// The line appended to `bytes` as UTF-8 (no newline).
  public func encode(appendingTo bytes: inout [UInt8]) { JSONObjectWriter.write(to: &bytes) { write(to: &$0) } }

  /// The members, leading fields first (each only when present).
  public func write(to json: inout JSONObjectWriter) {
    if let prev { json.string("prev", prev) }
    if let event { json.string("event", event) }
    if let eventID { json.integer("event_id", eventID) }
    if let at { json.string("at", at.rfc3339) }
    let alert = self.alert
    json.integer("id", alert.id)
    json.string("kind", alert.kind.rawValue)
    json.string("severity", alert.severity.rawValue)
    json.string("state", alert.state.rawValue)
    json.string("site", alert.site)
    json.string("room", alert.room)
    json.string("sensor", alert.sensor)
    json.strings("lots", alert.lots)
    json.string("product", alert.product)
    json.string("opened_at", alert.openedAt.rfc3339)
    json.string("resolved_at", alert.resolvedAt?.rfc3339)
    json.string("acked_at", alert.ackedAt?.rfc3339)
    json.string("acked_by", alert.ackedBy)
    json.string("note", alert.note)
    json.number("limit", alert.limit)
    json.number("peak", alert.peak)
    json.string("message", alert.message)
    // An alert that is over but nobody acknowledged stays flagged for review.
    json.bool("unacknowledged", alert.ackedAt == nil)
    json.string("silenced", alert.silenced)
  }

  /// Reads a line back; `nil` unless it is a JSON object with every alert field of the right type (`null` where a
  /// field may be absent). `unacknowledged` is derived from `acked_at`, so it is not read.
  public static func decode(_ line: String) -> AlertMessage? {
    guard case .object(let fields)? = try? JSONParser.parse(line) else { return nil }
    var reader = FieldReader(fields: fields)
    let message = reader.message()
    return reader.failed ? nil : message
  }
}

extension AlertRecord {
  /// One JSON object on one line with the alert's fields (`coldtrace alerts --json`); journal and alert-topic lines
  /// add `event`, `event_id` and the event's time `at` (see `AlertMessage`).
  public func jsonLine(event: String? = nil, eventID: Int64? = nil, at: Timestamp? = nil) -> String {
    AlertMessage(event: event, eventID: eventID, at: at, alert: self).encode()
  }

  /// `jsonLine` as UTF-8 bytes appended to `bytes` (no newline): `coldtrace alerts --json` writes thousands of these
  /// into one output buffer.
  public func appendJSONLine(
    to bytes: inout [UInt8], event: String? = nil, eventID: Int64? = nil, at: Timestamp? = nil
  ) {
    AlertMessage(event: event, eventID: eventID, at: at, alert: self).encode(appendingTo: &bytes)
  }
}

/// Reads typed members of a parsed alert line, noting the first one missing or of the wrong type.
private struct FieldReader {
  let fields: JSONObject
  var failed = false

  mutating func message() -> AlertMessage {
    let prev = optionalString("prev")
    let event = optionalString("event")
    let eventID = optionalInteger("event_id")
    let at = optionalTime("at")
    let alert = AlertRecord(
      id: optionalInteger("id") ?? fail(0), kind: AlertKind(rawValue: string("kind")) ?? fail(.offline),
      severity: Severity(rawValue: string("severity")) ?? fail(.warning),
      state: AlertState(rawValue: string("state")) ?? fail(.open), site: string("site"), room: string("room"),
      sensor: string("sensor"), lots: strings("lots"), product: optionalString("product"),
      openedAt: optionalTime("opened_at") ?? fail(Timestamp(milliseconds: 0)),
      resolvedAt: optionalTime("resolved_at"), ackedAt: optionalTime("acked_at"), ackedBy: optionalString("acked_by"),
      note: optionalString("note"), limit: optionalNumber("limit"), peak: optionalNumber("peak"),
      message: string("message"), silenced: optionalString("silenced"))
    return AlertMessage(prev: prev, event: event, eventID: eventID, at: at, alert: alert)
  }

  private mutating func fail<T>(_ placeholder: T) -> T {
    failed = true
    return placeholder
  }

  private mutating func string(_ key: String) -> String {
    if case .string(let value)? = fields[key] { return value }
    return fail("")
  }

  private mutating func optionalString(_ key: String) -> String? {
    switch fields[key] {
    case .none, .null?: return nil
    case .string(let value)?: return value
    default: return fail(nil)
    }
  }

  private mutating func optionalNumber(_ key: String) -> Double? {
    switch fields[key] {
    case .none, .null?: return nil
    case .number(let value)?: return value
    default: return fail(nil)
    }
  }

  private mutating func optionalInteger(_ key: String) -> Int64? {
    guard let value = optionalNumber(key) else { return nil }
    guard value.rounded() == value, value.magnitude < 9e15 else { return fail(nil) }
    return Int64(value)
  }

  private mutating func optionalTime(_ key: String) -> Timestamp? {
    guard let text = optionalString(key) else { return nil }
    return Timestamp.parseRFC3339(text) ?? fail(nil)
  }

  private mutating func strings(_ key: String) -> [String] {
    guard case .array(let values)? = fields[key] else { return fail([]) }
    return values.map { value in
      if case .string(let text) = value { return text }
      return fail("")
    }
  }
}
