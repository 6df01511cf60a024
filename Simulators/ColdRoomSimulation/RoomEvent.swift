/// One entry of a scenario's timeline: something that happens to the room at a moment after the start, for a while or
/// at once.
public struct RoomEvent: Sendable, Equatable {
  /// What happens.
  public enum Kind: Sendable, Equatable {
    /// The door stands open: warm, humid outside air comes in.
    case doorOpen(minutes: Double)
    /// Mains power is off: no compressor, fans or defrost heater.
    case powerCut(minutes: Double)
    /// The compressor does not run (fans still do); `.infinity` for the rest of the run.
    case compressorFailure(minutes: Double)
    /// A defrost triggered by hand, on top of the schedule.
    case defrost(minutes: Double)
    /// Product brought in at `tempC` (field-hot fruit is 25–30 °C); it mixes with the product already there.
    case load(massKg: Double, tempC: Double)
    /// Product taken out.
    case unload(massKg: Double)
    /// The thermostat set-point changes.
    case setpoint(c: Double)
    /// A probe fault for a while.
    case probeFault(probeID: String, fault: ProbeFault, minutes: Double)
  }

  /// Seconds after the start of the run.
  public var atSeconds: Double
  public var kind: Kind

  public init(atSeconds: Double, kind: Kind) {
    self.atSeconds = atSeconds
    self.kind = kind
  }

  /// How long the event lasts, seconds; nil for events that happen at once.
  public var durationSeconds: Double? {
    switch kind {
    case .doorOpen(let minutes), .powerCut(let minutes), .compressorFailure(let minutes), .defrost(let minutes),
      .probeFault(_, _, let minutes):
      minutes * 60
    case .load, .unload, .setpoint: nil
    }
  }

  /// Whether a lasting event is in force `elapsed` seconds into the run.
  public func isActive(atElapsed elapsed: Double) -> Bool {
    guard let duration = durationSeconds else { return false }
    return elapsed >= atSeconds && elapsed < atSeconds + duration
  }
}
