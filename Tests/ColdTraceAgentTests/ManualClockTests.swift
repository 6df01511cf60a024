import ColdTraceCore
import Synchronization
import TestSupport
import Testing

/// The manual clock the agent's harness tests run on.
struct ManualClockTests {
  @Test func movesOnlyWhenAdvancedOrSleptOn() {
    let clock = ManualClock(start: Timestamp(seconds: 1_000), monotonicStart: 50)
    #expect(clock.now() == Timestamp(seconds: 1_000) && clock.monotonicSeconds() == 50)
    #expect(clock.now() == Timestamp(seconds: 1_000), "reading it does not move it")
    clock.advance(seconds: 1.5)
    #expect(clock.now() == Timestamp(milliseconds: 1_001_500) && clock.monotonicSeconds() == 51.5)
    clock.sleep(seconds: 0.01)
    clock.sleep(seconds: 0.01)
    #expect(clock.now() == Timestamp(milliseconds: 1_001_520))
    #expect(abs(clock.elapsedSeconds - 1.52) < 1e-9)
    #expect(clock.sleepCount == 2)
    clock.advance(seconds: -5)
    #expect(clock.elapsedSeconds > 1.5, "never back")
  }

  @Test func aWallClockJumpLeavesTheMonotonicClockAlone() {
    let clock = ManualClock(start: Timestamp(seconds: 1_000), monotonicStart: 0)
    clock.jumpWallClock(seconds: -3600)
    #expect(clock.now() == Timestamp(seconds: 1_000 - 3600))
    #expect(clock.monotonicSeconds() == 0)
  }

  @Test func scheduledActionsRunInTimeOrderWithTheClockAtTheirTime() {
    let clock = ManualClock(start: Timestamp(seconds: 0), monotonicStart: 0)
    let seen = Mutex<[String]>([])
    clock.at(elapsed: 2) { seen.withLock { $0.append("b@\(clock.monotonicSeconds())") } }
    clock.at(elapsed: 1) { seen.withLock { $0.append("a@\(clock.monotonicSeconds())") } }
    clock.at(elapsed: 2) { seen.withLock { $0.append("c@\(clock.now().milliseconds)") } }
    clock.at(elapsed: 10) { seen.withLock { $0.append("late") } }
    clock.advance(seconds: 0.5)
    #expect(seen.withLock { $0 }.isEmpty)
    clock.sleep(seconds: 2.5)
    #expect(seen.withLock { $0 } == ["a@1.0", "b@2.0", "c@2000"])
    #expect(clock.elapsedSeconds == 3)
  }

  @Test func anActionMayScheduleAnotherAndMoveTheClock() {
    let clock = ManualClock(start: Timestamp(seconds: 0), monotonicStart: 0)
    let seen = Mutex<[Double]>([])
    clock.at(elapsed: 1) {
      seen.withLock { $0.append(clock.elapsedSeconds) }
      clock.at(elapsed: 1.5) { seen.withLock { $0.append(clock.elapsedSeconds) } }
    }
    clock.advance(seconds: 2)
    #expect(seen.withLock { $0 } == [1, 1.5])
    #expect(clock.elapsedSeconds == 2)
  }
}
