import ColdTraceCore

/// A simulated cold room: the heat balance of air, product and coil, driven by the outside air, the thermostat, the
/// defrost schedule and a timeline of events, and read through probes with their own lag, noise and faults.
///
/// Integrated in fixed steps of event time (`Configuration.stepSeconds`, 10 s by default): `advance(to:)` runs every
/// whole step up to the given time, so the trace does not depend on playback speed or on how often the probes are read,
/// and the same seed gives the same readings on every machine.
public struct ColdRoom: Sendable {
  /// Everything about the room that does not change during a run (the product does, through load events).
  public struct Configuration: Sendable, Equatable {
    public var envelope = RoomEnvelope()
    public var compressor = Compressor()
    public var defrost = Defrost()
    public var ambient = Ambient()
    public var product = ProductLoad()
    /// Room air at the start, °C; nil for the set-point.
    public var initialAirC: Double?
    /// Product pulp at the start, °C; nil for the room air.
    public var initialProductC: Double?
    /// Room relative humidity at the start, %.
    public var initialRHPct = 90.0
    /// Integration step, seconds of event time.
    public var stepSeconds = 10.0

    public init() {}
  }

  public let start: Timestamp
  public let configuration: Configuration
  public let probes: [Probe]
  /// The timeline, in order of time.
  public let events: [RoomEvent]
  /// The physical state after the last whole step.
  public private(set) var balance: RoomHeatBalance
  /// The product now in the room (load and unload events change it).
  public private(set) var product: ProductLoad
  /// The set-point now in force.
  public private(set) var setpointC: Double
  /// Seconds of event time simulated so far (a whole number of steps).
  public private(set) var elapsedSeconds = 0.0
  private var probeStates: [ProbeState]
  private var nextEvent = 0
  private var inputs: HeatBalanceInputs

  public init(
    start: Timestamp, configuration: Configuration = Configuration(), probes: [Probe] = [], events: [RoomEvent] = [],
    seed: UInt64 = 1
  ) {
    self.start = start
    self.configuration = configuration
    self.probes = probes
    self.events = events.sorted { $0.atSeconds < $1.atSeconds }
    self.product = configuration.product
    self.setpointC = configuration.compressor.setpointC
    let airC = configuration.initialAirC ?? configuration.compressor.setpointC
    let productC = configuration.initialProductC ?? airC
    balance = RoomHeatBalance(airC: airC, rhPct: configuration.initialRHPct, productC: productC)
    let ambient = configuration.ambient.conditions(at: start)
    probeStates = probes.indices.map { index in
      let source = placementC(
        probes[index].placement, airC: airC, productC: productC, coilC: airC, ambientC: ambient.tempC)
      let mixed = seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)
      return ProbeState(sensedC: source, sensedRH: configuration.initialRHPct, random: SplitMix64(seed: mixed))
    }
    inputs = HeatBalanceInputs(ambientC: ambient.tempC, ambientRHPct: ambient.rhPct)
  }

  /// The moment the model has reached.
  public var now: Timestamp { start.adding(seconds: elapsedSeconds) }

  /// Runs every whole integration step up to `time` (never backwards).
  public mutating func advance(to time: Timestamp) {
    let step = configuration.stepSeconds
    let target = time.seconds(since: start)
    while elapsedSeconds + step <= target + 1e-9 {
      stepOnce(seconds: step)
    }
  }

  /// Reads probe `index` now (advance first); each read draws fresh noise.
  public mutating func read(probe index: Int) -> ProbeOutput {
    let faults = activeFaults(probeID: probes[index].id)
    return probeStates[index].read(probe: probes[index], faults: faults, elapsed: elapsedSeconds)
  }

  /// Reads the probe with identity `id`, or nil when the room has no such probe.
  public mutating func read(probeID id: String) -> ProbeOutput? {
    guard let index = probes.firstIndex(where: { $0.id == id }) else { return nil }
    return read(probe: index)
  }

  /// The true state now.
  public var snapshot: RoomSnapshot {
    RoomSnapshot(
      time: now, airC: balance.airC, rhPct: balance.rhPct, productC: balance.productC, coilC: balance.coilC,
      productMassKg: product.massKg, ambientC: inputs.ambientC, ambientRHPct: inputs.ambientRHPct,
      compressorOn: balance.compressor.running, defrosting: inputs.defrosting, doorOpen: inputs.doorOpen,
      powered: inputs.powered, setpointC: setpointC)
  }

  private mutating func stepOnce(seconds step: Double) {
    applyInstantEvents()
    let time = now
    let ambient = configuration.ambient.conditions(at: time)
    let localSeconds = (elapsedOfDay(time) + configuration.ambient.utcOffsetHours * 3600)
      .truncatingRemainder(dividingBy: 86_400)
    let elapsed = elapsedSeconds
    func active(_ matches: (RoomEvent.Kind) -> Bool) -> Bool {
      events.contains { matches($0.kind) && $0.isActive(atElapsed: elapsed) }
    }
    inputs = HeatBalanceInputs(
      ambientC: ambient.tempC, ambientRHPct: ambient.rhPct,
      doorOpen: active { if case .doorOpen = $0 { true } else { false } },
      powered: !active { if case .powerCut = $0 { true } else { false } },
      compressorFailed: active { if case .compressorFailure = $0 { true } else { false } },
      defrosting: configuration.defrost.scheduled(localSecondsOfDay: localSeconds)
        || active { if case .defrost = $0 { true } else { false } })
    var unit = configuration.compressor
    unit.setpointC = setpointC
    balance.step(
      seconds: step, inputs: inputs, envelope: configuration.envelope, unit: unit, product: product,
      defrost: configuration.defrost)
    elapsedSeconds += step
    for index in probes.indices {
      let placement = currentPlacement(of: probes[index])
      let sourceC = placementC(
        placement, airC: balance.airC, productC: balance.productC, coilC: balance.coilC, ambientC: inputs.ambientC)
      probeStates[index].follow(
        sourceC: sourceC, sourceRH: balance.rhPct, lagSeconds: probes[index].lagSeconds, seconds: step)
    }
  }

  private mutating func applyInstantEvents() {
    while nextEvent < events.count, events[nextEvent].atSeconds <= elapsedSeconds {
      switch events[nextEvent].kind {
      case .load(let massKg, let tempC):
        let total = product.massKg + massKg
        if total > 0 {
          balance.productC = (product.massKg * balance.productC + massKg * tempC) / total
        }
        product.massKg = total
      case .unload(let massKg):
        product.massKg = max(0, product.massKg - massKg)
      case .setpoint(let c):
        setpointC = c
      default:
        break
      }
      nextEvent += 1
    }
  }

  private func activeFaults(probeID: String) -> [(fault: ProbeFault, since: Double)] {
    events.compactMap { event in
      guard case .probeFault(let id, let fault, _) = event.kind, id == probeID,
        event.isActive(atElapsed: elapsedSeconds)
      else { return nil }
      return (fault, event.atSeconds)
    }
  }

  private func currentPlacement(of probe: Probe) -> Placement {
    for (fault, _) in activeFaults(probeID: probe.id) {
      if case .moved(let placement) = fault { return placement }
    }
    return probe.placement
  }

  private func elapsedOfDay(_ time: Timestamp) -> Double {
    Double(time.milliseconds % 86_400_000) / 1000
  }
}

/// The temperature a probe so placed senses (before its own lag, offset and noise); a simulant is modelled as the
/// product it stands in for.
private func placementC(
  _ placement: Placement, airC: Double, productC: Double, coilC: Double, ambientC: Double
) -> Double {
  switch placement {
  case .air: airC
  case .product, .simulant: productC
  case .evaporator: coilC
  case .ambient: ambientC
  }
}
