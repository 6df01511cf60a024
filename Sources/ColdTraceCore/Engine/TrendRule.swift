/// The trend rule: a warning (`temp_trend`) when the temperature climbs faster than the profile's rate for a sustained
/// time while it is still inside the band, so a failing compressor is reported before the limit is crossed.
///
/// All in event time:
/// - the rate is the least-squares slope of the readings of the last `windowMinutes`, in °C per hour; it exists only
///   once those readings span at least half the window (after a gap or at the start there is no rate);
/// - a rise run starts at the first reading whose rate is above `riseCPerHour` and that is not below the band's low
///   limit (climbing back from below the band is a recovery, not a failure); it ends at the first reading whose rate
///   is not above it (or cannot be computed), or that is below the low limit;
/// - with no trend alert open, a rise run that has lasted `sustainMinutes` opens one, provided the reading is not past
///   the high limit either (past it, the band rule speaks);
/// - an open trend alert resolves at the first reading whose rate is at or below `clearCPerHour` (the hysteresis).
///
/// A trend event's `limit`, `value` and `peak` are rates in °C per hour (the threshold, the current rate, the
/// fastest rate while open).
public struct TrendRule: Sendable, Equatable {
  public var settings: TrendSettings

  public init(settings: TrendSettings) { self.settings = settings }

  /// The least-squares slope of `points` in °C per hour, or `nil` with fewer than three points or no time spread.
  public static func slopePerHour(_ points: [(ms: Int64, value: Double)]) -> Double? {
    guard points.count >= 3, let origin = points.first?.ms else { return nil }
    let n = Double(points.count)
    var sumT = 0.0
    var sumV = 0.0
    for point in points {
      sumT += Double(point.ms - origin) / 3_600_000
      sumV += point.value
    }
    let meanT = sumT / n
    let meanV = sumV / n
    var covariance = 0.0
    var variance = 0.0
    for point in points {
      let t = Double(point.ms - origin) / 3_600_000 - meanT
      covariance += t * (point.value - meanV)
      variance += t * t
    }
    guard variance > 0 else { return nil }
    return covariance / variance
  }

  /// Advances `state` by the temperature `value` read at `ts`; returns the trend event it causes, if any.
  /// `band` holds the temperature limits; on each side the warning limit counts, else the critical one.
  func evaluate(
    _ value: Double, at ts: Timestamp, band: MetricBands, state: inout TrendState, key: SensorKey, productID: String
  ) -> AlertEvent? {
    let highLimit = band.clearingThreshold(.high)
    let belowBand = band.clearingThreshold(.low).map { value < $0 } ?? false
    let windowMs = Int64(settings.windowMinutes * 60_000)
    state.record(ts: ts, value: value, windowMs: windowMs)
    let rate = state.span >= windowMs / 2 ? Self.slopePerHour(state.points) : nil

    if let rate, rate > settings.riseCPerHour, !belowBand {
      if state.risingSince == nil { state.risingSince = ts }
    } else {
      state.risingSince = nil
    }

    if let openedAt = state.openedAt {
      guard let rate else { return nil }
      if rate <= settings.clearCPerHour {
        let peak = max(state.peakRate ?? rate, rate)
        state.openedAt = nil
        state.peakRate = nil
        let after = OperatorText.duration(milliseconds: ts.milliseconds - openedAt.milliseconds)
        return event(
          .resolved, at: ts, key: key, productID: productID, rate: rate, peak: peak,
          message: "temperature rise slowed to \(Self.format(rate)) (at or below "
            + "\(Self.format(settings.clearCPerHour))) at \(OperatorText.number(value)) °C after \(after) "
            + "(\(productID), peak \(Self.format(peak)))")
      }
      state.peakRate = max(state.peakRate ?? rate, rate)
      return nil
    }

    guard let rate, let since = state.risingSince,
      ts.milliseconds - since.milliseconds >= Int64(settings.sustainMinutes * 60_000)
    else { return nil }
    if let highLimit, value > highLimit { return nil }
    state.openedAt = ts
    state.peakRate = rate
    let sustained = OperatorText.duration(milliseconds: ts.milliseconds - since.milliseconds)
    let below = highLimit.map { ", below the \(OperatorText.number($0)) °C limit" } ?? ""
    return event(
      .opened, at: ts, key: key, productID: productID, rate: rate, peak: rate,
      message: "temperature rising \(Self.format(rate)) over the last \(Int(settings.windowMinutes)) min for "
        + "\(sustained), now \(OperatorText.number(value)) °C\(below) (\(productID), warning)")
  }

  /// The product now judging the probe sets no trend: clears the memory and resolves an open trend alert.
  static func forget(at ts: Timestamp, state: inout TrendState, key: SensorKey, productID: String) -> AlertEvent? {
    defer { state = TrendState() }
    guard let openedAt = state.openedAt else { return nil }
    let after = OperatorText.duration(milliseconds: ts.milliseconds - openedAt.milliseconds)
    let peak = state.peakRate.map(rounded)
    return AlertEvent(
      type: .resolved, key: key, kind: .tempTrend, severity: .warning, productID: productID, at: ts, limit: nil,
      value: nil, peak: peak,
      message: "temperature trend alert closed: \(productID) sets no trend limit, after \(after)"
        + (peak.map { " (peak \(format($0)))" } ?? ""))
  }

  /// A rate to the hundredth, as events carry it.
  static func rounded(_ rate: Double) -> Double { (rate * 100).rounded() / 100 }

  /// `1.8 °C/h`
  static func format(_ rate: Double) -> String { "\(OperatorText.number(rate)) °C/h" }

  private func event(
    _ type: AlertEventType, at ts: Timestamp, key: SensorKey, productID: String, rate: Double, peak: Double,
    message: String
  ) -> AlertEvent {
    AlertEvent(
      type: type, key: key, kind: .tempTrend, severity: .warning, productID: productID, at: ts,
      limit: type == .resolved ? settings.clearCPerHour : settings.riseCPerHour, value: Self.rounded(rate),
      peak: Self.rounded(peak), message: message)
  }
}
