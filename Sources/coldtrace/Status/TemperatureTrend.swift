import ColdTraceCore

/// How fast a probe's temperature is moving: the least-squares slope of its recent readings, in °C per hour.
struct TemperatureTrend: Equatable {
  let degreesPerHour: Double

  /// The slope over `readings` (the alert engine's own least squares, `TrendRule.slopePerHour`), or `nil` when there
  /// are fewer than 3 or they span under `minimumSpanSeconds`: a slope from two close points is noise.
  init?(_ readings: [(ts: Timestamp, tempC: Double)], minimumSpanSeconds: Double = 600) {
    guard let first = readings.first, let last = readings.last,
      last.ts.seconds(since: first.ts) >= minimumSpanSeconds,
      let slope = TrendRule.slopePerHour(readings.map { ($0.ts.milliseconds, $0.tempC) })
    else { return nil }
    degreesPerHour = slope
  }

  /// An arrow a glance can read: flat within ±0.5 °C/h, slanted up to ±2 °C/h, straight beyond.
  var arrow: String {
    switch degreesPerHour {
    case ..<(-2): "↓"
    case ..<(-0.5): "↘"
    case ...0.5: "→"
    case ...2: "↗"
    default: "↑"
    }
  }
}
