import ColdTraceCore

/// What an outbox record keeps of a sample taken while the wall clock was not synchronised: enough to stamp it again
/// once the clock is, as long as the box has not rebooted in between (boot-time clocks of two boots do not compare).
public struct UnsyncedStamp: Sendable, Equatable {
  /// The boot it was taken in (`KernelClock.bootID`).
  public var boot: UInt64
  /// The unsynchronised wall clock minus the boot-time clock when it was taken, in milliseconds.
  public var offsetMilliseconds: Int64

  public init(boot: UInt64, offsetMilliseconds: Int64) {
    self.boot = boot
    self.offsetMilliseconds = offsetMilliseconds
  }
}

/// What became, for one boot, of the samples taken in it while the clock was not synchronised. Made once per boot and
/// kept (`ClockKeeper`), so that every send and re-send of a sample stamps it alike: the collector stores a `seq`
/// once, and would refuse the same number with another `ts` (`seq_reused`).
public enum BootClockDecision: Sendable, Equatable {
  /// The clock synchronised first: the wall clock minus the boot-time clock then, in milliseconds. The samples are
  /// stamped again from it (`corrected`).
  case synchronised(offsetMilliseconds: Int64)
  /// The wait for it ran out, and they are sent as they were stamped, marked `unsynced`.
  case sentUnsynced
}

/// The arithmetic of stamping a sample again once the clock is synchronised: pure, so a test can check it.
public enum ClockCorrection {
  /// A sample stamped `ts` while the unsynchronised wall clock was `sampledOffset` ms ahead of the boot-time clock,
  /// restamped with the synchronised offset: `ts − sampledOffset + synchronisedOffset`. For a live sample (`ts` is
  /// the wall clock when it was taken) that is `boot-time then + synchronised offset`, which is the true time then,
  /// to within the boot-time clock's drift since (parts per million); a played-back sample moves by the same error.
  /// Whole milliseconds, so every re-send gives the same `ts`.
  public static func corrected(_ ts: Timestamp, sampledOffset: Int64, synchronisedOffset: Int64) -> Timestamp {
    Timestamp(milliseconds: ts.milliseconds - sampledOffset + synchronisedOffset)
  }

  /// The sample as it is published: unchanged if it was taken with a synchronised clock (no `stamp`); restamped and
  /// marked `corrected` if its boot's clock synchronised; else as it was stamped, marked `unsynced` (its boot has
  /// sent its unsynchronised samples already, or ended before its clock synchronised).
  public static func published(
    _ sample: Sample, stamp: UnsyncedStamp?, decisions: [UInt64: BootClockDecision]
  ) -> Sample {
    guard let stamp else { return sample }
    var published = sample
    if case .synchronised(let offset)? = decisions[stamp.boot] {
      published.ts = corrected(sample.ts, sampledOffset: stamp.offsetMilliseconds, synchronisedOffset: offset)
      published.timeQuality = .corrected
    } else {
      published.timeQuality = .unsynced
    }
    return published
  }
}
