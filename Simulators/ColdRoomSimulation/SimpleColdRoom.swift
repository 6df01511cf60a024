import ColdTraceCore

/// A small, deterministic cold-room model: air temperature and humidity pulled toward the set-point by the cooling
/// and toward the outside air while a door is open, with seeded probe noise.
///
/// It is the foundation's stand-in for the full simulator (compressor cycling, defrost, power cuts, product mass), and
/// enough to show a door-open excursion raising and resolving a litchi alert. Integrated in fixed 10 s steps of event
/// time, so the same seed and events give the same trace at any playback speed.
public struct SimpleColdRoom: Sendable {
  /// A scripted disturbance, in minutes after `start`.
  public struct DoorOpening: Sendable, Equatable {
    public var atMinute: Double
    public var minutes: Double
    public init(atMinute: Double, minutes: Double) {
      self.atMinute = atMinute
      self.minutes = minutes
    }
  }

  public struct Parameters: Sendable {
    public var setpointC = 3.5
    public var targetRHPct = 92.0
    public var ambientC = 30.0
    public var ambientRHPct = 75.0
    /// Fraction of the gap to the set-point closed per minute by the cooling.
    public var coolingPerMinute = 0.15
    /// Fraction of the gap to the outside air closed per minute through an open door.
    public var doorExchangePerMinute = 0.04
    public var noiseC = 0.05
    public var noiseRHPct = 0.3
    public init() {}
  }

  public let start: Timestamp
  public let parameters: Parameters
  public let doors: [DoorOpening]
  private var now: Timestamp
  private var airC: Double
  private var airRH: Double
  private var random: SplitMix64

  public init(start: Timestamp, parameters: Parameters = Parameters(), doors: [DoorOpening] = [], seed: UInt64 = 1) {
    self.start = start
    self.parameters = parameters
    self.doors = doors
    self.now = start
    self.airC = parameters.setpointC
    self.airRH = parameters.targetRHPct
    self.random = SplitMix64(seed: seed)
  }

  /// Advances the model to `time` (never backwards) and returns what a probe in the room reads.
  public mutating func read(at time: Timestamp) -> (tempC: Double, rhPct: Double) {
    let step = 10.0
    while now.seconds(since: time) < 0 {
      let dt = min(step, time.seconds(since: now))
      advance(seconds: dt)
      now = now.adding(seconds: dt)
    }
    let tempC = airC + random.nextGaussian() * parameters.noiseC
    let rhPct = min(100, max(0, airRH + random.nextGaussian() * parameters.noiseRHPct))
    return ((tempC * 100).rounded() / 100, (rhPct * 10).rounded() / 10)
  }

  private mutating func advance(seconds: Double) {
    let minutes = seconds / 60
    let minute = now.seconds(since: start) / 60
    let doorOpen = doors.contains { minute >= $0.atMinute && minute < $0.atMinute + $0.minutes }
    let p = parameters
    var dT = -p.coolingPerMinute * (airC - p.setpointC)
    var dRH = -p.coolingPerMinute * (airRH - p.targetRHPct)
    if doorOpen {
      dT += p.doorExchangePerMinute * (p.ambientC - airC)
      dRH += p.doorExchangePerMinute * 3 * (p.ambientRHPct - airRH)
    }
    airC += dT * minutes
    airRH += dRH * minutes
  }
}

/// A tiny seeded generator (SplitMix64): the same seed gives the same noise on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Roughly normal (sum of four uniforms, scaled to unit variance).
  public mutating func nextGaussian() -> Double {
    var sum = 0.0
    for _ in 0..<4 { sum += Double.random(in: 0..<1, using: &self) }
    return (sum - 2) * 1.7320508
  }
}
