/// What the per-lot rules report for one reading: an alert event (`budget`, `treatment`) or a completed treatment,
/// which is no alert but goes into the journal and the lot's record.
public enum LotEvent: Sendable, Equatable {
  case alert(AlertEvent)
  case treatmentCompleted(TreatmentCompletion)
}

/// A cold treatment that ran its full time.
public struct TreatmentCompletion: Sendable, Equatable {
  public var lot: String
  public var productID: String
  /// When the run that completed it began.
  public var clockStart: Timestamp
  /// Event time of the reading that proved the treatment complete.
  public var completedAt: Timestamp
  public var treatment: ColdTreatment
  public var restarts: Int

  public init(
    lot: String, productID: String, clockStart: Timestamp, completedAt: Timestamp, treatment: ColdTreatment,
    restarts: Int
  ) {
    self.lot = lot
    self.productID = productID
    self.clockStart = clockStart
    self.completedAt = completedAt
    self.treatment = treatment
    self.restarts = restarts
  }
}
