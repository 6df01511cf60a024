import Foundation

/// Mean kinetic temperature (USP <1160>): the single temperature that would cause the same cumulative thermal
/// degradation as the varying temperatures observed, with ΔH/R = 10 000 K and each reading weighted by the time it
/// stands for: MKT = (ΔH/R) / −ln(Σ wᵢ·e^(−ΔH/(R·Tᵢ)) / Σ wᵢ), with Tᵢ in kelvin.
public struct MeanKineticTemperature: Sendable {
  /// ΔH/R in kelvin.
  public static let activationOverGasConstant = 10_000.0
  private static let kelvin = 273.15

  private var weightedSum = 0.0
  private var totalWeight = 0.0

  public init() {}

  /// Adds a temperature in °C held for `weight` (any unit of time, the same for every call).
  @inline(__always)
  public mutating func add(_ celsius: Double, weight: Double) {
    weightedSum += weight * exp(-Self.activationOverGasConstant / (celsius + Self.kelvin))
    totalWeight += weight
  }

  /// The MKT in °C, or `nil` when nothing with a positive weight was added.
  public var celsius: Double? {
    guard totalWeight > 0, weightedSum > 0 else { return nil }
    return Self.activationOverGasConstant / -log(weightedSum / totalWeight) - Self.kelvin
  }

  /// The MKT of `(celsius, weight)` pairs.
  public static func of(_ readings: [(celsius: Double, weight: Double)]) -> Double? {
    var mkt = MeanKineticTemperature()
    for reading in readings { mkt.add(reading.celsius, weight: reading.weight) }
    return mkt.celsius
  }
}
