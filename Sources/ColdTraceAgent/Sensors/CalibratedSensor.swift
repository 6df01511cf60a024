import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// The options every `[[sensor]]` table may have, whatever its driver: calibration, read timeout and retries.
///
///     offset_c = -0.3                              # added to every temperature
///     offset_rh = 2.5                              # added to every humidity
///     calibration_c = [[0.4, 0.0], [40.3, 40.0]]   # two-point: [raw, true] in an ice bath and a warm bath
///     read_timeout_seconds = 5                     # a read still running after this is reported as a fault
///     retries = 2                                  # failed reads tried again, within the read timeout
public struct SensorOptions: Sendable, Equatable {
  public var offsetC: Double = 0
  public var offsetRH: Double = 0
  public var calibrationC: TwoPointCalibration?
  public var readTimeoutSeconds: Double = 5
  public var retries: Int = 2

  /// The keys these options take in a `[[sensor]]` table.
  public static let keys: Set<String> = ["offset_c", "offset_rh", "calibration_c", "read_timeout_seconds", "retries"]

  public init() {}

  /// Reads the options from a `[[sensor]]` table; absent keys keep their defaults.
  public init(_ table: ConfigTable) throws(ConfigError) {
    offsetC = try table.double("offset_c", .within(-50...50), default: 0)
    offsetRH = try table.double("offset_rh", .within(-50...50), default: 0)
    readTimeoutSeconds = try table.double("read_timeout_seconds", .within(0.1...600), default: 5)
    retries = try table.int("retries", .within(0...10), default: 2)
    if let points = try table.numberArrays("calibration_c") {
      let usage = "must be [[raw_low, true_low], [raw_high, true_high]], e.g. [[0.4, 0.0], [40.3, 40.0]]"
      guard points.count == 2, points.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isFinite) }) else {
        throw table.invalid("calibration_c", usage)
      }
      guard points[0][0] != points[1][0] else {
        throw table.invalid(
          "calibration_c", "has the same raw value twice (\(JSONText.number(points[0][0]))); \(usage)")
      }
      let calibration = TwoPointCalibration(
        raw: (points[0][0], points[1][0]), true: (points[0][1], points[1][1]))
      guard calibration.slope > 0 else {
        throw table.invalid("calibration_c", "maps a higher raw value to a lower true value; check the pairs")
      }
      calibrationC = calibration
    }
  }
}

/// A linear temperature correction through two reference points (say, an ice bath and a warm bath): the raw reading
/// at each point and the true value there.
public struct TwoPointCalibration: Sendable, Equatable {
  public var slope: Double
  public var intercept: Double

  /// `raw.0` must differ from `raw.1`.
  public init(raw: (Double, Double), true reference: (Double, Double)) {
    slope = (reference.1 - reference.0) / (raw.1 - raw.0)
    intercept = reference.0 - slope * raw.0
  }

  public func apply(_ raw: Double) -> Double { slope * raw + intercept }
}

/// The outer layer of every configured sensor: applies `SensorOptions` to a driver's reads.
///
/// A failed read is tried again up to `retries` times, pausing between attempts, but never past the read timeout (the
/// fault then says how many attempts were made). A value is corrected by `calibration_c`, then `offset_c` /
/// `offset_rh`; a temperature or humidity outside what a probe can physically report (the collector's plausibility
/// ranges) becomes a fault. The read timeout itself is enforced by `ConcurrentSampler` on this sensor's `worker`.
public final class CalibratedSensor: WorkerBackedSensor {
  public let inner: any Sensor
  public let options: SensorOptions
  public let worker: SensorWorker
  private let retryPauseSeconds: Double

  public var id: String { inner.id }
  public var readsWithoutWaiting: Bool { inner.readsWithoutWaiting }
  public var room: String { inner.room }

  public init(wrapping inner: any Sensor, options: SensorOptions, retryPauseSeconds: Double = 0.5) {
    self.inner = inner
    self.options = options
    self.retryPauseSeconds = retryPauseSeconds
    worker = SensorWorker(label: "sensor \(inner.id)", timeoutSeconds: options.readTimeoutSeconds)
  }

  public func read(at time: Timestamp) -> SensorValue {
    let deadline = MonotonicClock.seconds() + options.readTimeoutSeconds
    var attempts = 1
    var value = inner.read(at: time)
    while case .fault = value, attempts <= options.retries {
      guard MonotonicClock.seconds() + retryPauseSeconds < deadline else { break }
      if retryPauseSeconds > 0 { usleep(UInt32(retryPauseSeconds * 1_000_000)) }
      attempts += 1
      value = inner.read(at: time)
    }
    switch value {
    case .fault(let reason):
      return .fault(attempts > 1 ? "\(reason); tried \(attempts) times" : reason)
    case .values(let tempC, let rhPct):
      return calibrated(tempC: tempC, rhPct: rhPct)
    }
  }

  /// Applies calibration and offsets, then the physical ranges.
  func calibrated(tempC rawTemp: Double?, rhPct rawRH: Double?) -> SensorValue {
    guard rawTemp != nil || rawRH != nil else { return .fault("the driver returned neither temperature nor humidity") }
    let tempC = rawTemp.map { (options.calibrationC?.apply($0) ?? $0) + options.offsetC }
    let rhPct = rawRH.map { $0 + options.offsetRH }
    if let problem = outOfRange(.temperature, tempC, raw: rawTemp, ReadingDecoder.temperatureRange)
      ?? outOfRange(.humidity, rhPct, raw: rawRH, ReadingDecoder.humidityRange)
    {
      return .fault(problem)
    }
    return .values(tempC: tempC, rhPct: rhPct)
  }

  private func outOfRange(
    _ metric: Metric, _ value: Double?, raw: Double?, _ range: ClosedRange<Double>
  ) -> String? {
    guard let value, let raw, !range.contains(value) else { return nil }
    let limits = "\(JSONText.number(range.lowerBound))…\(metric.format(range.upperBound))"
    let adjusted = value == raw ? "" : " after calibration (raw \(metric.format(raw)))"
    return "\(metric.label) \(metric.format(value))\(adjusted) is outside the physical range \(limits)"
      + "; check the probe and its calibration"
  }
}
