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

  /// One JSON object on one line with the SPEC fields (`coldtrace alerts --json`); journal and alert-topic lines add
  /// `event` (opened, escalated, resolved, acked), `event_id` and the event's time `at`.
  public func jsonLine(event: String? = nil, eventID: Int64? = nil, at: Timestamp? = nil) -> String {
    var fields: [(String, String)] = []
    if let event { fields.append(("event", JSONText.quoted(event))) }
    if let eventID { fields.append(("event_id", String(eventID))) }
    if let at { fields.append(("at", JSONText.quoted(at.rfc3339))) }
    fields += [
      ("id", String(id)),
      ("kind", JSONText.quoted(kind.rawValue)),
      ("severity", JSONText.quoted(severity.rawValue)),
      ("state", JSONText.quoted(state.rawValue)),
      ("site", JSONText.quoted(site)),
      ("room", JSONText.quoted(room)),
      ("sensor", JSONText.quoted(sensor)),
      ("lots", "[" + lots.map(JSONText.quoted).joined(separator: ",") + "]"),
      ("product", optional(product, JSONText.quoted)),
      ("opened_at", JSONText.quoted(openedAt.rfc3339)),
      ("resolved_at", optional(resolvedAt) { JSONText.quoted($0.rfc3339) }),
      ("acked_at", optional(ackedAt) { JSONText.quoted($0.rfc3339) }),
      ("acked_by", optional(ackedBy, JSONText.quoted)),
      ("note", optional(note, JSONText.quoted)),
      ("limit", optional(limit, JSONText.number)),
      ("peak", optional(peak, JSONText.number)),
      ("message", JSONText.quoted(message)),
      // An alert that is over but nobody acknowledged stays flagged for review.
      ("unacknowledged", ackedAt == nil ? "true" : "false"),
    ]
    return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
  }
}

private func optional<T>(_ value: T?, _ render: (T) -> String) -> String {
  value.map(render) ?? "null"
}
