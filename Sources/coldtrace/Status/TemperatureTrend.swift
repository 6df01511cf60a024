import ColdTraceCore

/// How fast a probe's temperature is moving: the least-squares slope of its recent readings, in °C per hour.
struct TemperatureTrend: Equatable {
  let degreesPerHour: Double

  /// The slope over `readings`, or `nil` when there are too few (fewer than 3) or they span under `minimumSpan`
  /// seconds: a slope from two close points is noise.
  init?(_ readings: [(ts: Timestamp, tempC: Double)], minimumSpanSeconds: Double = 600) {
    guard readings.count >= 3, let first = readings.first, let last = readings.last,
      last.ts.seconds(since: first.ts) >= minimumSpanSeconds
    else { return nil }
    let hours = readings.map { $0.ts.seconds(since: first.ts) / 3600 }
    let meanHour = hours.reduce(0, +) / Double(hours.count)
    let meanTemp = readings.reduce(0) { $0 + $1.tempC } / Double(readings.count)
    var covariance = 0.0
    var variance = 0.0
    for (hour, reading) in zip(hours, readings) {
      covariance += (hour - meanHour) * (reading.tempC - meanTemp)
      variance += (hour - meanHour) * (hour - meanHour)
    }
    guard variance > 0 else { return nil }
    degreesPerHour = covariance / variance
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
