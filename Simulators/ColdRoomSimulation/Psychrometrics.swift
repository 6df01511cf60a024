#if canImport(Glibc)
  import Glibc
#endif

/// Moist-air relations used by the room model: saturation vapour pressure (Magnus, over water above 0 °C and over
/// ice below), humidity ratio and relative humidity, at sea-level pressure (Bac Ninh is a few metres above the sea).
public enum Psychrometrics {
  /// Total pressure, Pa.
  public static let pressurePa = 101_325.0
  /// Latent heat of condensation of water near 0 °C, J/kg.
  public static let latentHeatJPerKg = 2_500_000.0
  /// Specific heat of air, J/(kg·K).
  public static let airSpecificHeat = 1_005.0
  /// Density of cold air, kg/m³.
  public static let airDensity = 1.27

  /// Saturation vapour pressure at `tempC`, Pa.
  public static func saturationPressure(_ tempC: Double) -> Double {
    if tempC >= 0 { return 610.94 * exp(17.625 * tempC / (tempC + 243.04)) }
    return 611.15 * exp(22.452 * tempC / (272.55 + tempC))
  }

  /// Humidity ratio (kg water per kg dry air) of air with vapour pressure `pressure`.
  public static func humidityRatio(vapourPressure pressure: Double) -> Double {
    0.622 * pressure / (pressurePa - pressure)
  }

  /// Humidity ratio of air at `tempC` and `rhPct`.
  public static func humidityRatio(tempC: Double, rhPct: Double) -> Double {
    humidityRatio(vapourPressure: saturationPressure(tempC) * rhPct / 100)
  }

  /// Humidity ratio of saturated air at `tempC`.
  public static func saturationRatio(_ tempC: Double) -> Double {
    humidityRatio(vapourPressure: saturationPressure(tempC))
  }

  /// Vapour pressure of air with humidity ratio `ratio`, Pa.
  public static func vapourPressure(ratio: Double) -> Double {
    pressurePa * ratio / (0.622 + ratio)
  }

  /// Relative humidity (0–100 %) of air at `tempC` with humidity ratio `ratio`.
  public static func relativeHumidity(tempC: Double, ratio: Double) -> Double {
    min(100, max(0, 100 * vapourPressure(ratio: ratio) / saturationPressure(tempC)))
  }
}
