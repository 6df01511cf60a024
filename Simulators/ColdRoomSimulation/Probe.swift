import Foundation

/// A temperature probe (optionally with humidity) in the room: its placement, calibration offset, lag, noise and
/// resolution, and the faults a scenario gives it.
///
/// Defaults are a DS18B20 in a stainless sleeve: 0.0625 °C steps, about 0.05 °C of noise, a 90 s time constant in
/// moving air; the humidity part is an SHT-class sensor with 0.1 % steps.
public struct Probe: Sendable, Equatable {
  /// Probe identity, e.g. a 1-wire id `28-0316a2b4c5d6`.
  public var id: String
  public var placement: ProbePlacement
  /// Whether the probe also measures relative humidity (only meaningful in the air).
  public var measuresHumidity: Bool
  /// Calibration error, K, added to every reading.
  public var offsetC = 0.0
  /// First-order time constant, seconds.
  public var lagSeconds = 90.0
  /// Standard deviation of the temperature noise, K.
  public var noiseC = 0.05
  /// Resolution of the temperature reading, K (DS18B20 at 12 bits: 0.0625).
  public var resolutionC = 0.0625
  /// Standard deviation of the humidity noise, %.
  public var noiseRHPct = 0.4
  /// Resolution of the humidity reading, %.
  public var resolutionRHPct = 0.1

  public init(id: String, placement: ProbePlacement = .air, measuresHumidity: Bool = false) {
    self.id = id
    self.placement = placement
    self.measuresHumidity = measuresHumidity
  }
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
