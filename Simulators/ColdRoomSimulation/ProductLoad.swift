#if canImport(Glibc)
  import Glibc
#endif

/// The fruit in the room, lumped as one mass at one pulp temperature: its heat capacity, the heat its respiration
/// releases, the water it transpires, and how fast it exchanges heat with the room air.
///
/// Defaults are fresh litchi in plastic crates: specific heat 3.6 kJ/(kg·K), respiration about 35 mW/kg at 5 °C with a
/// Q10 of 2.5 (roughly 0.2 W/kg when field-hot), and an air-to-pulp conductance giving a 7–8 h cooling time constant.
public struct ProductLoad: Sendable, Equatable {
  /// Product mass, kg.
  public var massKg = 2_000.0
  /// Specific heat of the product, J/(kg·K).
  public var specificHeat = 3_600.0
  /// Conductance between the room air and the product per kilogram, W/(kg·K) (crates, stacking, air speed).
  public var conductancePerKg = 0.13
  /// Respiration heat at 5 °C, W/kg.
  public var respirationWPerKgAt5C = 0.035
  /// Factor by which respiration rises per 10 K.
  public var respirationQ10 = 2.5
  /// Water lost per kilogram, per second, per pascal of vapour-pressure deficit, kg/(kg·s·Pa).
  public var transpirationPerPa = 2.0e-10

  public init() {}

  /// Respiration heat of the whole load at pulp temperature `pulpC`, W.
  public func respirationW(pulpC: Double) -> Double {
    massKg * respirationWPerKgAt5C * pow(respirationQ10, (pulpC - 5) / 10)
  }

  /// Heat capacity of the whole load, J/K.
  public var heatCapacity: Double { massKg * specificHeat }
}
