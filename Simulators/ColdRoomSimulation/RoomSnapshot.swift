import ColdTraceCore

/// The true state of a simulated room at one moment (what a perfect probe would read), for traces and tests.
public struct RoomSnapshot: Sendable, Equatable {
  public var time: Timestamp
  public var airC: Double
  public var rhPct: Double
  public var productC: Double
  public var coilC: Double
  public var productMassKg: Double
  public var ambientC: Double
  public var ambientRHPct: Double
  public var compressorOn: Bool
  public var defrosting: Bool
  public var doorOpen: Bool
  public var powered: Bool
  public var setpointC: Double

  public init(
    time: Timestamp, airC: Double, rhPct: Double, productC: Double, coilC: Double, productMassKg: Double,
    ambientC: Double, ambientRHPct: Double, compressorOn: Bool, defrosting: Bool, doorOpen: Bool, powered: Bool,
    setpointC: Double
  ) {
    self.time = time
    self.airC = airC
    self.rhPct = rhPct
    self.productC = productC
    self.coilC = coilC
    self.productMassKg = productMassKg
    self.ambientC = ambientC
    self.ambientRHPct = ambientRHPct
    self.compressorOn = compressorOn
    self.defrosting = defrosting
    self.doorOpen = doorOpen
    self.powered = powered
    self.setpointC = setpointC
  }
}
