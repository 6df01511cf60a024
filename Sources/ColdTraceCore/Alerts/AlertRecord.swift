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
  /// The silence (its id) or maintenance window (`maintenance:<name>`) that covered the alert's latest opened,
  /// escalated or resolved event, which was therefore not handed to the notification program; `nil` when it was.
  public var silenced: String?

  public init(
    id: Int64, kind: AlertKind, severity: Severity, state: AlertState, site: String, room: String, sensor: String,
    lots: [String] = [], product: String?, openedAt: Timestamp, resolvedAt: Timestamp? = nil,
    ackedAt: Timestamp? = nil, ackedBy: String? = nil, note: String? = nil, limit: Double?, peak: Double?,
    message: String, silenced: String? = nil
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
    self.silenced = silenced
  }
}
