/// The `door_open` and `defrost_overrun` alert events of a room's spans, with their operator lines. `limit` and
/// `value` are minutes: the threshold passed and how long the span had lasted.
enum ConditionAlertText {
  static func kind(of span: RoomSpan) -> AlertKind { span.signal == .door ? .doorOpen : .defrostOverrun }

  static func raised(
    _ span: RoomSpan, type: AlertEventType, severity: Severity, at ts: Timestamp, key: SensorKey, productID: String,
    settings: RoomConditionSettings
  ) -> AlertEvent {
    let minutes = minutes(from: span.start, to: ts)
    let limit: Double
    let message: String
    switch span.signal {
    case .door:
      limit = severity == .critical ? settings.doorCriticalMinutes : settings.doorWarningMinutes
      message =
        "door open for \(OperatorText.number(minutes)) min since \(span.start.rfc3339) (\(key.sensor)), "
        + "\(severity.rawValue) after \(OperatorText.number(limit)) min; air-probe alarms count again after "
        + "\(OperatorText.number(settings.doorPauseMaxMinutes)) min (\(productID))"
    case .defrost:
      limit = settings.defrostMaxMinutes
      message =
        "defrost on for \(OperatorText.number(minutes)) min since \(span.start.rfc3339) (\(source(span))), longer than "
        + "its \(OperatorText.number(limit)) min maximum: check the heater and its termination; air-probe alarms "
        + "count again (\(productID))"
    }
    return AlertEvent(
      type: type, key: key, kind: kind(of: span), severity: severity, productID: productID, at: ts, limit: limit,
      value: minutes, peak: nil, message: message)
  }

  static func resolved(_ span: RoomSpan, severity: Severity, key: SensorKey, productID: String) -> AlertEvent {
    let end = span.end ?? span.start
    let minutes = minutes(from: span.start, to: end)
    let what = span.signal == .door ? "door closed" : "defrost ended"
    return AlertEvent(
      type: .resolved, key: key, kind: kind(of: span), severity: severity, productID: productID, at: end, limit: nil,
      value: minutes, peak: minutes,
      message: "\(what) after \(OperatorText.number(minutes)) min (\(source(span)), \(productID))")
  }

  private static func minutes(from start: Timestamp, to end: Timestamp) -> Double {
    (Double(end.milliseconds - start.milliseconds) / 6_000).rounded() / 10
  }

  private static func source(_ span: RoomSpan) -> String {
    switch span.source {
    case .input: span.sensor ?? "input"
    case .evaporator: "seen on evaporator probe \(span.sensor ?? "-")"
    case .schedule: "scheduled"
    }
  }
}
