/// Where an alert is in its life: raised, acknowledged by a person, or over.
public enum AlertState: String, Sendable, Codable, CaseIterable {
  case open
  case acked
  case resolved
}

/// An alert as operators see it: `coldtrace alerts`, the alert journal and the alert topic all show this record.
public struct AlertRecord: Sendable, Equatable {
  public var id: Int64
  public var kind: AlertKind
  public var severity: Severity
  public var state: AlertState
  public var site: String
  public var room: String
  public var sensor: String
  public var lots: [String]
  public var product: String?
  public var openedAt: Timestamp
  public var resolvedAt: Timestamp?
  public var ackedAt: Timestamp?
  public var ackedBy: String?
  public var note: String?
  public var limit: Double?
  public var peak: Double?
  public var message: String

  public init(
    id: Int64, kind: AlertKind, severity: Severity, state: AlertState, site: String, room: String, sensor: String,
    lots: [String] = [], product: String?, openedAt: Timestamp, resolvedAt: Timestamp? = nil,
    ackedAt: Timestamp? = nil, ackedBy: String? = nil, note: String? = nil, limit: Double?, peak: Double?,
    message: String
  ) {
    self.id = id
    self.kind = kind
    self.severity = severity
    self.state = state
    self.site = site
    self.room = room
    self.sensor = sensor
    self.lots = lots
    self.product = product
    self.openedAt = openedAt
    self.resolvedAt = resolvedAt
    self.ackedAt = ackedAt
    self.ackedBy = ackedBy
    self.note = note
    self.limit = limit
    self.peak = peak
    self.message = message
  }

  /// One JSON object on one line (`coldtrace alerts --json`; docs/protocol.md); journal and alert-topic lines add
  /// `event` (opened, escalated, resolved, acked), `event_id` and the event's time `at`.
  public func jsonLine(event: String? = nil, eventID: Int64? = nil, at: Timestamp? = nil) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(512)
    appendJSONLine(to: &bytes, event: event, eventID: eventID, at: at)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `jsonLine` as UTF-8 bytes appended to `bytes` (no newline): `coldtrace alerts --json` writes thousands of these
  /// into one output buffer.
  public func appendJSONLine(
    to bytes: inout [UInt8], event: String? = nil, eventID: Int64? = nil, at: Timestamp? = nil
  ) {
    var line = JSONLine(appendingTo: &bytes)
    defer { line.finish(into: &bytes) }
    if let event { line.field("event", quoting: event) }
    if let eventID { line.field("event_id", raw: String(eventID)) }
    if let at { line.field("at", quoting: at.rfc3339) }
    line.field("id", raw: String(id))
    line.field("kind", quoting: kind.rawValue)
    line.field("severity", quoting: severity.rawValue)
    line.field("state", quoting: state.rawValue)
    line.field("site", quoting: site)
    line.field("room", quoting: room)
    line.field("sensor", quoting: sensor)
    line.field("lots", raw: "[" + lots.map(JSONText.quoted).joined(separator: ",") + "]")
    line.field("product", quoting: product)
    line.field("opened_at", quoting: openedAt.rfc3339)
    line.field("resolved_at", quoting: resolvedAt?.rfc3339)
    line.field("acked_at", quoting: ackedAt?.rfc3339)
    line.field("acked_by", quoting: ackedBy)
    line.field("note", quoting: note)
    line.field("limit", raw: limit.map(JSONText.number) ?? "null")
    line.field("peak", raw: peak.map(JSONText.number) ?? "null")
    line.field("message", quoting: message)
    // An alert that is over but nobody acknowledged stays flagged for review.
    line.field("unacknowledged", raw: ackedAt == nil ? "true" : "false")
  }
}

/// A one-line JSON object built by appending `"key":value` members as UTF-8 bytes to the caller's buffer, which it
/// holds (swapped in, not copied) until `finish(into:)` (appending to a `String` piece by piece cost more than
/// everything else in `coldtrace alerts --json`).
private struct JSONLine {
  private var bytes: [UInt8] = []
  private var empty = true

  init(appendingTo buffer: inout [UInt8]) {
    swap(&bytes, &buffer)
    bytes.append(UInt8(ascii: "{"))
  }

  /// A member whose value is already JSON (a number, `true`, an array).
  mutating func field(_ key: String, raw value: String) {
    start(key)
    bytes.append(contentsOf: value.utf8)
  }

  /// A string member, or `null` when absent.
  mutating func field(_ key: String, quoting value: String?) {
    start(key)
    if let value { JSONText.appendQuoted(value, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
  }

  /// Closes the object and hands the buffer back.
  mutating func finish(into buffer: inout [UInt8]) {
    bytes.append(UInt8(ascii: "}"))
    swap(&bytes, &buffer)
  }

  private mutating func start(_ key: String) {
    if !empty { bytes.append(UInt8(ascii: ",")) }
    empty = false
    bytes.append(UInt8(ascii: "\""))
    bytes.append(contentsOf: key.utf8)
    bytes.append(contentsOf: "\":".utf8)
  }
}
