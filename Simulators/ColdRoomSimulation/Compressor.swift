/// The refrigeration unit: a compressor of fixed capacity switched by a thermostat on the room air, with a dead band
/// and a minimum off time (anti short-cycle), and an evaporator coil whose temperature follows from the load.
public struct Compressor: Sendable, Equatable {
  /// Cooling capacity at the rating ambient, W (a 4 kW unit suits a 60 m³ fruit room).
  public var capacityW = 4_000.0
  /// Outside temperature at which `capacityW` is rated, °C.
  public var ratingAmbientC = 32.0
  /// Fraction of capacity lost per kelvin of outside air above the rating (hot condenser), 1/K.
  public var capacityLossPerK = 0.015
  /// Thermostat set-point for the room air, °C.
  public var setpointC = 3.5
  /// Dead band around the set-point, K: on at set-point + half, off at set-point − half.
  public var deadBandC = 1.0
  /// Minimum time off before the compressor may start again, seconds.
  public var minimumOffSeconds = 180.0
  /// Conductance between the room air and the evaporator coil, W/K. A smaller coil runs colder and dries the air more.
  public var coilUAWPerK = 500.0
  /// Mass flow of air that actually touches the coil fins, kg/s (fan flow times contact factor).
  public var coilContactKgPerS = 0.18
  /// Power of the evaporator fans, W; it ends up as heat in the room.
  public var fanW = 150.0

  public init() {}

  /// Capacity with the condenser in outside air at `ambientC`, W.
  public func capacity(ambientC: Double) -> Double {
    capacityW * max(0.3, 1 - capacityLossPerK * max(0, ambientC - ratingAmbientC))
  }
}

/// The thermostat's memory: whether the compressor runs and since when it has been off.
public struct CompressorState: Sendable, Equatable {
  public var running = false
  public var offSeconds = Double.infinity
  /// Energy delivered as cooling, J, and time running, s (for duty-cycle figures).
  public var coolingJ = 0.0
  public var runSeconds = 0.0

  public init() {}

  /// Applies the thermostat to the air temperature; `available` is false during a power cut, a failure or a defrost.
  public mutating func control(airC: Double, compressor: Compressor, available: Bool, seconds: Double) {
    if !available {
      running = false
    } else if running, airC <= compressor.setpointC - compressor.deadBandC / 2 {
      running = false
      offSeconds = 0
    } else if !running, airC >= compressor.setpointC + compressor.deadBandC / 2,
      offSeconds >= compressor.minimumOffSeconds
    {
      running = true
    }
    if running {
      runSeconds += seconds
    } else {
      offSeconds += seconds
    }
  }
}
