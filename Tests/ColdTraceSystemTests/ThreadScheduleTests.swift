import ColdTraceSystem
import Foundation
import Testing

/// The calling thread's scheduler figures, read from the kernel: its time on a CPU grows with work it does.
@Suite struct ThreadScheduleTests {
  @Test func theThreadsTimeOnACPUGrowsWithItsWork() throws {
    let before = try #require(ThreadSchedule.current(), "Linux gives /proc/thread-self/schedstat")
    var sum = 0.0
    let started = Date()
    while Date().timeIntervalSince(started) < 0.05 { sum += sin(sum + 1) }
    let after = try #require(ThreadSchedule.current())
    #expect(after.runningNanoseconds - before.runningNanoseconds >= 1_000_000, "\(before) → \(after), \(sum)")
    #expect(after.waitingNanoseconds >= before.waitingNanoseconds)
  }
}
