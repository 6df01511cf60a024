import ColdTraceCore

#if canImport(Glibc)
  import Glibc
#endif

/// The time a long-running service (the collector, the agent) lives by: the wall clock for the times it records, and
/// the sleeps between its rounds. `SystemClock` reads the OS; tests use a manual clock (`Tests/TestSupport/ManualClock.swift`) that they advance themselves.
public protocol ServiceClock: Sendable {
  /// The wall-clock time: what readings, alerts and statuses are stamped with. May jump (NTP, an operator).
  func now() -> Timestamp
  /// Seconds on a clock that nobody sets and that counts suspends (`CLOCK_BOOTTIME`), from an arbitrary start: what
  /// the wall clock is measured against when it jumps or is not synchronised.
  func monotonicSeconds() -> Double
  /// Waits `seconds` (a manual clock moves on by that much instead).
  func sleep(seconds: Double)
  /// Sleeps until `deadline` (wall clock) or until `wakeUp` is signalled, whichever comes first; true if woken (the
  /// signal is consumed). A loop that computes its next due time waits here instead of polling on a fixed interval. A
  /// manual clock moves on to the deadline, or to the scripted action that signals `wakeUp` on the way.
  @discardableResult
  func wait(until deadline: Timestamp, wakingOn wakeUp: WakeUpPipe) -> Bool
}

/// The OS's wall clock (`WallClock`), and `nanosleep`.
public struct SystemClock: ServiceClock {
  public init() {}

  public func now() -> Timestamp { WallClock.now() }

  public func monotonicSeconds() -> Double { Double(KernelClock.bootMilliseconds()) / 1000 }

  public func sleep(seconds: Double) {
    guard seconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
  }

  /// One `poll` of the wake-up pipe, with the time left to `deadline` as its timeout. Should the wall clock jump
  /// forward meanwhile, the wait still lasts its timeout: at most one interval late, never a busy loop.
  @discardableResult
  public func wait(until deadline: Timestamp, wakingOn wakeUp: WakeUpPipe) -> Bool {
    wakeUp.wait(seconds: deadline.seconds(since: now()))
  }
}

/// Seconds on `CLOCK_MONOTONIC`, the one monotonic clock of ColdTrace's shell, read with `clock_gettime` because
/// `ContinuousClock` would map the `_Concurrency` library's code into the agent (benchmarks/README.md, "Agent RSS").
public enum MonotonicClock {
  public static func seconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }
}
