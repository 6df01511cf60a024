import ColdTraceCore

#if canImport(Glibc)
  import Glibc
#endif

/// The sensor models a probe can be, each with its own resolution, noise and lag.
public enum ProbeKind: String, Sendable, Equatable, CaseIterable {
  /// Maxim DS18B20 on 1-wire: temperature only, 12-bit (0.0625 °C), ±0.5 °C, slow in its stainless sleeve.
  case ds18b20
  /// Sensirion SHT3x behind hwmon: temperature (0.01 °C) and humidity, fast.
  case sht31
  /// Aosong DHT22 (AM2302) behind IIO: temperature and humidity in 0.1 steps, noisy.
  case dht22
}

/// A probe in the room: its model, placement, calibration offset, lag, noise and resolution. Faults come from the
/// scenario's timeline (`RoomEvent.Kind.probeFault`).
public struct Probe: Sendable, Equatable {
  /// Probe identity, e.g. a 1-wire id `28-0316a2b4c5d6`.
  public var id: String
  public var kind: ProbeKind
  public var placement: Placement
  /// Calibration error, K, added to every reading.
  public var offsetC = 0.0
  /// First-order time constant, seconds.
  public var lagSeconds: Double
  /// Standard deviation of the temperature noise, K.
  public var noiseC: Double
  /// Resolution of the temperature reading, K (DS18B20 at 12 bits: 0.0625).
  public var resolutionC: Double
  /// Standard deviation of the humidity noise, %.
  public var noiseRHPct: Double
  /// Resolution of the humidity reading, %.
  public var resolutionRHPct = 0.1

  /// A probe with the model's usual resolution, noise and lag.
  public init(id: String, kind: ProbeKind = .ds18b20, placement: Placement = .air) {
    self.id = id
    self.kind = kind
    self.placement = placement
    switch kind {
    case .ds18b20:
      (lagSeconds, noiseC, resolutionC, noiseRHPct) = (90, 0.05, 0.0625, 0)
    case .sht31:
      (lagSeconds, noiseC, resolutionC, noiseRHPct) = (30, 0.03, 0.01, 0.4)
    case .dht22:
      (lagSeconds, noiseC, resolutionC, noiseRHPct) = (40, 0.1, 0.1, 1.0)
    }
  }

  /// Whether the probe also measures relative humidity.
  public var measuresHumidity: Bool { kind != .ds18b20 }
}

/// A probe's changing state: what its sensing element has caught up to, and the memory its faults need.
struct ProbeState: Sendable {
  var sensedC: Double
  var sensedRH: Double
  var random: SplitMix64
  var stuckAt: ProbeOutput?

  /// Follows `sourceC` and `sourceRH` with the probe's lag over `seconds`.
  mutating func follow(sourceC: Double, sourceRH: Double, lagSeconds: Double, seconds: Double) {
    let blend = lagSeconds > 0 ? 1 - exp(-seconds / lagSeconds) : 1
    sensedC += (sourceC - sensedC) * blend
    sensedRH += (sourceRH - sensedRH) * blend
  }

  /// A read at `elapsed` seconds into the run, with `faults` active (with the time each began).
  mutating func read(probe: Probe, faults: [(fault: ProbeFault, since: Double)], elapsed: Double) -> ProbeOutput {
    var offset = probe.offsetC
    var crcShare = 0.0
    for (fault, since) in faults {
      switch fault {
      case .dropout: return .absent
      case .powerOnReset: return .reading(tempC: 85, rhPct: nil)
      case .stuck: if let stuckAt { return stuckAt }
      case .drift(let cPerDay): offset += cPerDay * (elapsed - since) / 86_400
      case .crcFailures(let share): crcShare = share
      case .moved: break
      }
    }
    let noisyC = sensedC + offset + random.nextGaussian() * probe.noiseC
    let tempC = (noisyC / probe.resolutionC).rounded() * probe.resolutionC
    var rhPct: Double?
    if probe.measuresHumidity {
      let noisy = min(100, max(0, sensedRH + random.nextGaussian() * probe.noiseRHPct))
      rhPct = (noisy / probe.resolutionRHPct).rounded() * probe.resolutionRHPct
    }
    if crcShare > 0, Double.random(in: 0..<1, using: &random) < crcShare {
      return .crcFailure(garbledC: tempC + Double(Int.random(in: -40...40, using: &random)))
    }
    let output = ProbeOutput.reading(tempC: tempC, rhPct: rhPct)
    let stuckActive = faults.contains { $0.fault == .stuck }
    stuckAt = stuckActive ? (stuckAt ?? output) : nil
    return output
  }
}
