import ColdTraceCore

#if canImport(Glibc)
  import Glibc
#endif

/// The outside air around the cold room: a Vietnamese lowland climate with a daily cycle, hot and humid.
///
/// Temperature follows a cosine peaking in the early afternoon (local time); relative humidity moves the other way,
/// highest before dawn. The defaults span 26–36 °C and 66–90 % RH, a Bac Ninh summer during the litchi harvest.
public struct Ambient: Sendable, Equatable {
  /// Daily mean outside temperature, °C.
  public var meanC = 31.0
  /// Half the daily range, °C (mean ± swing).
  public var swingC = 5.0
  /// Daily mean outside relative humidity, %.
  public var meanRHPct = 78.0
  /// Half the daily range of relative humidity, %.
  public var swingRHPct = 12.0
  /// Local hour of the hottest moment of the day.
  public var peakLocalHour = 14.0
  /// Local time offset from UTC, hours (Vietnam: +7).
  public var utcOffsetHours = 7.0

  public init() {}

  /// Outside temperature (°C) and relative humidity (%) at `time`.
  public func conditions(at time: Timestamp) -> (tempC: Double, rhPct: Double) {
    let secondsOfDay = Double(time.milliseconds).truncatingRemainder(dividingBy: 86_400_000) / 1000
    let localHour = secondsOfDay / 3600 + utcOffsetHours
    let phase = cos(2 * Double.pi * (localHour - peakLocalHour) / 24)
    return (meanC + swingC * phase, min(100, max(0, meanRHPct - swingRHPct * phase)))
  }
}
