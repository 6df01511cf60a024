/// Everything a lot report is computed from, loaded in one go from storage: the lot, its probes' readings, the alerts
/// that name it, the defrosts and door openings of its rooms, and the integrity seal over that data.
public struct LotReportInput: Sendable {
  public var lot: Lot
  /// The report's period: the lot's creation to its close, or to the time the report was made while it is open.
  public var from: Timestamp
  public var to: Timestamp
  /// One series per probe and placement, ordered by placement, then site and sensor.
  public var series: [ProbeSeries]
  public var alerts: [AlertRecord]
  /// The defrosts and door openings of the lot's rooms during its stays, oldest first per stay.
  public var spans: [StayRoomSpan]
  public var seal: ReportSeal
  /// Per probe of `series` (`site/sensor`), the calibration in force at the end of the period; a probe without one
  /// has none on record.
  public var calibrations: [String: ProbeCalibration] = [:]
  /// Per probe of `series` (`site/sensor`), its readings of the period the live rules passed over because they
  /// arrived late; a probe without any is absent.
  public var lateReadings: [String: LateReadings] = [:]
  /// The legs imported from standalone loggers' files (`coldtrace import`), oldest first; most lots have none.
  public var legs: [ImportedLeg] = []

  public init(
    lot: Lot, from: Timestamp, to: Timestamp, series: [ProbeSeries], alerts: [AlertRecord],
    spans: [StayRoomSpan] = [], seal: ReportSeal
  ) {
    self.lot = lot
    self.from = from
    self.to = to
    self.series = series
    self.alerts = alerts
    self.spans = spans
    self.seal = seal
  }
}
