/// What happened to an alert: it opened, escalated from warning to critical, or resolved.
public enum AlertEventType: String, Sendable, Codable, CaseIterable {
  case opened
  case escalated
  case resolved
}

/// One change in an alert's life, produced by the alert engine from a reading and stamped with that reading's
/// event time. The collector journals it, publishes it on the alert topic and notifies operators with `message`.
public struct AlertEvent: Sendable, Equatable, Codable {
  public var type: AlertEventType
  public var key: SensorKey
  public var kind: AlertKind
  /// The alert's severity after this event (a resolved alert keeps the highest severity it reached).
  public var severity: Severity
  /// The id of the product profile the reading was judged against, e.g. `litchi`.
  public var productID: String
  /// Event time of the reading that caused this event.
  public var at: Timestamp
  /// Opened or escalated: the threshold crossed. Resolved: the warning threshold the value came back inside.
  public var limit: Double?
  /// The value of the reading that caused this event.
  public var value: Double?
  /// The worst value seen while the alert has been open, this reading included.
  public var peak: Double?
  /// One line for an operator, e.g. `temperature 7.4 °C above 5 °C for 15 min (litchi, warning)`.
  public var message: String

  public init(
    type: AlertEventType, key: SensorKey, kind: AlertKind, severity: Severity, productID: String, at: Timestamp,
    limit: Double?, value: Double?, peak: Double?, message: String
  ) {
    self.type = type
    self.key = key
    self.kind = kind
    self.severity = severity
    self.productID = productID
    self.at = at
    self.limit = limit
    self.value = value
    self.peak = peak
    self.message = message
  }
}
