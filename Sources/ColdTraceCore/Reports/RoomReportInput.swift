/// Everything a room or site report (`coldtrace report room`) is computed from, loaded in one read: each probe's
/// readings while it hung in one of the rooms during the period, the calibrations in force at the period's end, the
/// alerts of those rooms open at some time in the period, and the integrity seal over that data.
public struct RoomReportInput: Sendable {
  public var site: String
  /// The rooms covered, in name order: the one asked for, or every room of the site.
  public var rooms: [String]
  /// What the report is on, as the reader names it: `site/room`, or `site` for a whole site.
  public var scope: String
  /// The period, `to` exclusive.
  public var from: Timestamp
  public var to: Timestamp
  /// One series per probe and stay in a room, ordered by room, then sensor.
  public var series: [ProbeSeries]
  /// Per probe (`site/sensor`), the calibration in force at the end of the period; absent: none on record.
  public var calibrations: [String: ProbeCalibration]
  /// The rooms' alerts opened before `to` and not resolved before `from`, oldest first.
  public var alerts: [AlertRecord]
  /// The seal over the readings, calibrations and alerts; its `lot` field names the scope as `room:<site>/<room>` or
  /// `site:<site>` (no lot id has a `:`).
  public var seal: ReportSeal

  public init(
    site: String, rooms: [String], scope: String, from: Timestamp, to: Timestamp, series: [ProbeSeries],
    calibrations: [String: ProbeCalibration], alerts: [AlertRecord], seal: ReportSeal
  ) {
    self.site = site
    self.rooms = rooms
    self.scope = scope
    self.from = from
    self.to = to
    self.series = series
    self.calibrations = calibrations
    self.alerts = alerts
    self.seal = seal
  }
}
