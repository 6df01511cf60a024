/// A probe's calibration record: the certificate that says how far it reads off, when it was calibrated and when it
/// must be calibrated again. Cold-treatment protocols accept a probe's readings only under a valid certificate.
public struct ProbeCalibration: Sendable, Equatable {
  public var certificate: String
  public var calibratedAt: Timestamp
  public var due: Timestamp
  public var by: String

  public init(certificate: String, calibratedAt: Timestamp, due: Timestamp, by: String) {
    self.certificate = certificate
    self.calibratedAt = calibratedAt
    self.due = due
    self.by = by
  }
}

/// Where a probe stands with its calibration at some time.
public enum CalibrationState: String, Sendable, Equatable {
  /// The due date is further away than the notice.
  case valid
  /// The due date is within the notice: `calibration_due` warns.
  case due
  /// The due date has passed: `calibration_due` is critical.
  case overdue
}

/// The `calibration_due` rule (docs/alert-rules.md): a warning `noticeDays` before a probe's calibration falls due,
/// critical once it has, resolved by a calibration whose due date is further away. A wall-clock rule: the collector
/// evaluates it on its timer every few minutes, never per reading; pure, so a test gives it any time.
public struct CalibrationRule: Sendable, Equatable {
  public var noticeDays: Double

  public init(noticeDays: Double = 30) { self.noticeDays = noticeDays }

  public func state(of calibration: ProbeCalibration, now: Timestamp) -> CalibrationState {
    if now >= calibration.due { return .overdue }
    return now >= calibration.due.adding(seconds: -noticeDays * 86_400) ? .due : .valid
  }

  /// The event that brings the probe's `calibration_due` alert (`open`: its severity, `nil` when none is open) in
  /// line with its calibration in force at `now`; `nil` when nothing changes. `limit` is the notice in days and
  /// `value` the days left (negative once overdue).
  public func check(
    now: Timestamp, key: SensorKey, productID: String, calibration: ProbeCalibration, open: Severity?
  ) -> AlertEvent? {
    let state = state(of: calibration, now: now)
    let daysLeft = (calibration.due.seconds(since: now) / 86_400).rounded(.down)
    let dueDay = String(calibration.due.rfc3339.prefix(10))
    let type: AlertEventType
    let severity: Severity
    let message: String
    switch (state, open) {
    case (.valid, nil), (.due, .some), (.overdue, .critical):
      return nil
    case (.valid, .some(let opened)):
      type = .resolved
      severity = opened
      message = "\(key.sensor) calibrated: certificate \(calibration.certificate), next due \(dueDay)"
    case (.due, nil):
      type = .opened
      severity = .warning
      message = "\(key.sensor) calibration due on \(dueDay) (certificate \(calibration.certificate)); recalibrate it"
    case (.overdue, let opened):
      type = opened == nil ? .opened : .escalated
      severity = .critical
      message =
        "\(key.sensor) calibration overdue since \(dueDay) (certificate \(calibration.certificate)); its readings "
        + "may not count for a cold treatment"
    }
    return AlertEvent(
      type: type, key: key, kind: .calibrationDue, severity: severity, productID: productID, at: now,
      limit: noticeDays, value: daysLeft, peak: nil, message: message)
  }
}
