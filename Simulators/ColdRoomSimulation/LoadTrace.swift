import ColdTraceCore

/// The samples a load run publishes for one sensor: a steady room near 3.5 °C and, optionally, a warm excursion in
/// every cycle, so that alerts open and resolve at readings known in advance (alert latency benchmarks).
///
/// Sample `index` (from 0) has `seq` index + 1 and `ts` = `start` + index × `stepSeconds`. With `excursionEvery` N,
/// the second half of each cycle of N samples reads `excursionC`: a run of N − N/2 warm samples, then the next cycle
/// starts cool again (the alert resolves).
public struct LoadTrace: Sendable {
  public var start: Timestamp
  public var stepSeconds: Double
  public var excursionEvery: Int?
  public var excursionC: Double

  public init(start: Timestamp, stepSeconds: Double, excursionEvery: Int? = nil, excursionC: Double = 9) {
    self.start = start
    self.stepSeconds = stepSeconds
    self.excursionEvery = excursionEvery
    self.excursionC = excursionC
  }

  /// Whether sample `index` is part of a warm excursion.
  public func isWarm(_ index: Int) -> Bool {
    guard let cycle = excursionEvery, cycle >= 2 else { return false }
    return index % cycle >= cycle / 2
  }

  /// Sample `index`: cool values with 0.2 °C noise from `random`, or the excursion's temperature.
  public func sample(_ index: Int, random: inout SplitMix64) -> Sample {
    let noisy = ((3.5 + random.nextGaussian() * 0.2) * 100).rounded() / 100
    return Sample(
      seq: Int64(index + 1), ts: start.adding(seconds: Double(index) * stepSeconds),
      tempC: isWarm(index) ? excursionC : noisy)
  }
}
