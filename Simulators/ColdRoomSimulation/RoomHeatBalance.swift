/// The room's envelope and air: how much heat the walls let in, how much the air and fittings store, and how much
/// outside air comes in through the seals and an open door.
///
/// Defaults are a 60 m³ prefabricated room (5 × 4 × 3 m, 100 mm polyurethane panels, about 94 m² at 0.25 W/(m²·K) plus
/// thermal bridges) with an unscreened door of 1 × 2 m.
public struct RoomEnvelope: Sendable, Equatable {
  /// Inside volume, m³.
  public var volumeM3 = 60.0
  /// Heat capacity that follows the air temperature (air, racks, the panels' inner skin), J/K.
  public var airSideHeatCapacity = 250_000.0
  /// Conductance of walls, ceiling and floor to the outside, W/K.
  public var wallUAWPerK = 30.0
  /// Outside air leaking in through closed seals, kg/s.
  public var infiltrationKgPerS = 0.004
  /// Outside air exchanged through the open door, kg/s.
  public var doorExchangeKgPerS = 0.25

  public init() {}

  /// Mass of dry air in the room, kg.
  public var airMassKg: Double { volumeM3 * Psychrometrics.airDensity }
}

/// What drives the room during one integration step: outside air, the door, power, the compressor and the defrost.
public struct HeatBalanceInputs: Sendable, Equatable {
  public var ambientC: Double
  public var ambientRHPct: Double
  public var doorOpen: Bool
  public var powered: Bool
  public var compressorFailed: Bool
  public var defrosting: Bool

  public init(
    ambientC: Double, ambientRHPct: Double, doorOpen: Bool = false, powered: Bool = true,
    compressorFailed: Bool = false, defrosting: Bool = false
  ) {
    self.ambientC = ambientC
    self.ambientRHPct = ambientRHPct
    self.doorOpen = doorOpen
    self.powered = powered
    self.compressorFailed = compressorFailed
    self.defrosting = defrosting
  }
}

/// The physical state of a room: air, product and coil temperatures, the air's moisture, frost on the coil and the
/// compressor's thermostat.
public struct RoomHeatBalance: Sendable, Equatable {
  public var airC: Double
  public var productC: Double
  public var coilC: Double
  /// Humidity ratio of the room air, kg/kg.
  public var humidityRatio: Double
  /// Frost on the evaporator, kg.
  public var frostKg = 0.0
  public var compressor = CompressorState()

  /// A room at rest at `airC` and `rhPct`, with product at `productC`.
  public init(airC: Double, rhPct: Double, productC: Double) {
    self.airC = airC
    self.productC = productC
    self.coilC = airC
    self.humidityRatio = Psychrometrics.humidityRatio(tempC: airC, rhPct: rhPct)
  }

  /// Relative humidity of the room air, %.
  public var rhPct: Double { Psychrometrics.relativeHumidity(tempC: airC, ratio: humidityRatio) }

  /// Advances the state by `seconds` (explicit Euler; stable for steps up to a minute with the defaults).
  public mutating func step(
    seconds dt: Double, inputs: HeatBalanceInputs, envelope: RoomEnvelope, unit: Compressor, product: ProductLoad,
    defrost: Defrost
  ) {
    let cp = Psychrometrics.airSpecificHeat
    let fansOn = inputs.powered && !inputs.defrosting
    compressor.control(
      airC: airC, compressor: unit, available: inputs.powered && !inputs.compressorFailed && !inputs.defrosting,
      seconds: dt)

    // Outside air: through the walls, the seals and the door.
    let exchangeKgPerS = envelope.infiltrationKgPerS + (inputs.doorOpen ? envelope.doorExchangeKgPerS : 0)
    let ambientRatio = Psychrometrics.humidityRatio(tempC: inputs.ambientC, rhPct: inputs.ambientRHPct)
    var airW = envelope.wallUAWPerK * (inputs.ambientC - airC) + exchangeKgPerS * cp * (inputs.ambientC - airC)
    var moistureKgPerS = exchangeKgPerS * (ambientRatio - humidityRatio)

    // Product: conduction to the air, respiration, transpiration.
    let productExchangeW = product.massKg * product.conductancePerKg * (airC - productC)
    airW -= productExchangeW
    let productW = productExchangeW + product.respirationW(pulpC: productC)
    let deficitPa = max(
      0,
      Psychrometrics.saturationPressure(productC) - Psychrometrics.vapourPressure(ratio: humidityRatio))
    moistureKgPerS += product.massKg * product.transpirationPerPa * deficitPa

    // Evaporator: cooling, condensation and frost, or the defrost heater.
    if fansOn { airW += unit.fanW }
    if compressor.running {
      let capacityW = unit.capacity(ambientC: inputs.ambientC)
      coilC = airC - capacityW / unit.coilUAWPerK
      let condensingKgPerS = max(0, unit.coilContactKgPerS * (humidityRatio - Psychrometrics.saturationRatio(coilC)))
      let latentW = min(capacityW * 0.8, condensingKgPerS * Psychrometrics.latentHeatJPerKg)
      let condensedKgPerS = latentW / Psychrometrics.latentHeatJPerKg
      moistureKgPerS -= condensedKgPerS
      if coilC < 0 { frostKg += condensedKgPerS * dt }
      airW -= capacityW - latentW
      compressor.coolingJ += capacityW * dt
    } else if inputs.defrosting && inputs.powered {
      coilC = airC + defrost.heaterW / unit.coilUAWPerK
      airW += defrost.heaterW * defrost.shareToAir
      let meltedKg = min(frostKg, defrost.heaterW * (1 - defrost.shareToAir) / 334_000 * dt)
      frostKg -= meltedKg
      moistureKgPerS += meltedKg * defrost.reevaporatedShare / dt
    } else {
      coilC += (airC - coilC) * min(1, dt / 300)
    }

    airC += airW * dt / envelope.airSideHeatCapacity
    productC += productW * dt / max(1, product.heatCapacity)
    let airMass = envelope.airMassKg
    // Beyond saturation the water condenses on walls and product (fog), so the ratio is capped.
    humidityRatio = min(
      Psychrometrics.saturationRatio(airC), max(0, humidityRatio + moistureKgPerS * dt / airMass))
  }
}
