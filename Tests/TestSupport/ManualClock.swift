import ColdTraceCore
import ColdTraceSystem
import Synchronization

/// A `ServiceClock` that only moves when told: `advance(seconds:)` from the test, or `sleep(seconds:)` from the code
/// under test, which moves the clock on by the time it asked to wait instead of waiting. A loop that sleeps between
/// its rounds so runs at full speed, and each run sees the same times.
///
/// Actions scheduled with `at(elapsed:_:)` run on the thread that moves the clock past their time, with the clock
/// standing at exactly that time: a test scripts what happens when (a broker comes up, an acknowledgement arrives)
/// and runs the code under test on its own thread, deterministically.
public final class ManualClock: ServiceClock {
  private struct Scheduled {
    var elapsedNanoseconds: Int64
    var order: Int
    var action: @Sendable () -> Void
  }

  private struct State {
    var elapsedNanoseconds: Int64 = 0
    /// Wall-clock jumps (`jumpWallClock`): move `now()`, never `monotonicSeconds()` (the elapsed time).
    var wallOffsetMilliseconds: Int64 = 0
    var scheduled: [Scheduled] = []
    var scheduledSoFar = 0
    var sleeps = 0
    var waits = 0
  }

  /// The wall-clock time at which the clock starts.
  public let start: Timestamp
  /// The monotonic reading at which the clock starts (monotonic clocks start at an arbitrary value).
  public let monotonicStart: Double
  private let state = Mutex(State())

  public init(start: Timestamp = Timestamp(seconds: 1_780_000_000), monotonicStart: Double = 1000) {
    self.start = start
    self.monotonicStart = monotonicStart
  }

  public func now() -> Timestamp {
    state.withLock { state in
      Timestamp(
        milliseconds: start.milliseconds + state.wallOffsetMilliseconds + state.elapsedNanoseconds / 1_000_000)
    }
  }

  public func monotonicSeconds() -> Double {
    monotonicStart + Double(state.withLock { $0.elapsedNanoseconds }) / 1e9
  }

  /// Moves the clock on by `seconds` at once (and runs what was scheduled on the way).
  public func sleep(seconds: Double) {
    state.withLock { $0.sleeps += 1 }
    advance(seconds: seconds)
  }

  /// Moves the clock on to `deadline`, or only as far as the first scripted action that signals `wakeUp` (the clock
  /// then stands at that action's time): the code under test sleeps until its next due time and is woken by what the
  /// test scripted, as it would be by the network thread. A signal already given returns at once.
  @discardableResult
  public func wait(until deadline: Timestamp, wakingOn wakeUp: WakeUpPipe) -> Bool {
    state.withLock { $0.waits += 1 }
    if wakeUp.drain() { return true }
    let seconds = deadline.seconds(since: now())
    guard seconds > 0 else { return false }
    let target = state.withLock { $0.elapsedNanoseconds } + Int64((seconds * 1e9).rounded())
    while let action = nextAction(upTo: target) {
      action()
      if wakeUp.drain() { return true }
    }
    state.withLock { $0.elapsedNanoseconds = max($0.elapsedNanoseconds, target) }
    return false
  }

  /// How many times `wait(until:wakingOn:)` was called: the wake-ups of a loop that waits for its next due time.
  public var waitCount: Int { state.withLock { $0.waits } }

  /// Seconds the clock has moved since it was made (wall-clock jumps aside).
  public var elapsedSeconds: Double { Double(state.withLock { $0.elapsedNanoseconds }) / 1e9 }

  /// How many times `sleep(seconds:)` was called.
  public var sleepCount: Int { state.withLock { $0.sleeps } }

  /// Moves both clocks on by `seconds` (negative or zero: no move). Every action scheduled up to the new time runs
  /// first, in time order (then in the order they were scheduled), each with the clock standing at its own time.
  public func advance(seconds: Double) {
    guard seconds > 0 else { return }
    let target = state.withLock { $0.elapsedNanoseconds } + Int64((seconds * 1e9).rounded())
    while let action = nextAction(upTo: target) { action() }
    state.withLock { $0.elapsedNanoseconds = max($0.elapsedNanoseconds, target) }
  }

  /// Runs `action` when the clock reaches `elapsed` seconds after its start, on the thread that moves it there. An
  /// action scheduled for a time already passed runs at the next move.
  public func at(elapsed seconds: Double, _ action: @escaping @Sendable () -> Void) {
    state.withLock { state in
      state.scheduled.append(
        Scheduled(
          elapsedNanoseconds: Int64((seconds * 1e9).rounded()), order: state.scheduledSoFar, action: action))
      state.scheduledSoFar += 1
    }
  }

  /// Moves the wall clock (`now()`) by `seconds`, forwards or back, as NTP or an operator would; the monotonic clock
  /// does not move.
  public func jumpWallClock(seconds: Double) {
    state.withLock { $0.wallOffsetMilliseconds += Int64((seconds * 1000).rounded()) }
  }

  /// Removes the earliest action due by `target` and moves the clock to its time (never back).
  private func nextAction(upTo target: Int64) -> (@Sendable () -> Void)? {
    state.withLock { state in
      let due = state.scheduled.indices.filter { state.scheduled[$0].elapsedNanoseconds <= target }
      guard
        let first = due.min(by: {
          let (a, b) = (state.scheduled[$0], state.scheduled[$1])
          return (a.elapsedNanoseconds, a.order) < (b.elapsedNanoseconds, b.order)
        })
      else { return nil }
      let scheduled = state.scheduled.remove(at: first)
      state.elapsedNanoseconds = max(state.elapsedNanoseconds, scheduled.elapsedNanoseconds)
      return scheduled.action
    }
  }
}
