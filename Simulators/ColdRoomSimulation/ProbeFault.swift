import ColdTraceCore

/// A sensor fault, active for a window of a scenario.
public enum ProbeFault: Sendable, Equatable {
  /// The value freezes at what it read when the fault began.
  case stuck
  /// The calibration drifts by this many kelvin per day from when the fault began.
  case drift(cPerDay: Double)
  /// The sensor disappears from the bus: no reading at all.
  case dropout
  /// A DS18B20 that lost power reports its power-on value, 85 °C, until read again successfully.
  case powerOnReset
  /// This share of reads fails the 1-wire CRC check (a long or damaged cable).
  case crcFailures(share: Double)
  /// The probe is moved: left out of the product, or put on the evaporator.
  case moved(to: Placement)

  /// The scenario name of the fault kind.
  public var name: String {
    switch self {
    case .stuck: "stuck"
    case .drift: "drift"
    case .dropout: "dropout"
    case .powerOnReset: "power_on_reset"
    case .crcFailures: "crc_failures"
    case .moved: "moved"
    }
  }
}

/// What a probe gives its reader at one moment.
public enum ProbeOutput: Sendable, Equatable {
  /// A reading that passed the CRC check (which may still be wrong: 85 °C, stuck, drifted).
  case reading(tempC: Double, rhPct: Double?)
  /// The read came back with a failed CRC; `garbledC` is what the line would claim.
  case crcFailure(garbledC: Double)
  /// The probe is not on the bus.
  case absent

  /// The temperature when the read succeeded.
  public var tempC: Double? {
    if case .reading(let tempC, _) = self { return tempC }
    return nil
  }

  /// The relative humidity when the read succeeded and the probe measures it.
  public var rhPct: Double? {
    if case .reading(_, let rhPct) = self { return rhPct }
    return nil
  }
}
