import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

extension FaultSuite {
  /// An agent whose clock is 3 hours off (libfaketime preloaded into the agent process only; the collector and broker
  /// keep the true time).
  ///
  /// Behind: its samples are real past times to the collector, stored as they are, with their (wrong) timestamps; the
  /// excursion's alert is raised as usual (durations come from the samples' own times). Ahead: every sample is more than
  /// 5 minutes in the collector's future, so it is refused: quarantined as `future_timestamp`, counted, none stored,
  /// no alert; the agent keeps them in its outbox, unconfirmed.
  @Suite struct ClockSkewFaultTests {
    @Test func agentClockHoursBehind() throws {
      let run = try FaultRun("agent clock 3 h behind")
      defer { run.stop() }
      try run.startCollector()
      let agent = try run.startAgent(launcher: try Self.fakeTime("-3h"))
      defer { agent.stop() }
      #expect(agent.wait(seconds: 90), "the agent did not finish and drain")
      #expect(agent.exitStatus == 0)
      #expect(run.waitUntilStored(atLeast: FaultRun.rounds))
      run.facility.stopCollector()
      let result = try run.measure(expected: .doorAlert)
      result.report()
      result.expectNothingLostOrRepeated()
      // Stored with the agent's clock: 3 h behind, give or take the 90 played-back minutes.
      let readings = try SQLiteStore(path: run.facility.database, create: false).readings(ReadingFilter())
      let hoursBehind = readings.map { -$0.sample.ts.seconds(since: WallClock.now()) / 3600 }
      #expect(hoursBehind.allSatisfy { $0 > 2.9 && $0 < 4.6 }, "timestamps are not the agent's skewed clock")
    }

    @Test func agentClockHoursAhead() throws {
      let run = try FaultRun("agent clock 3 h ahead")
      defer { run.stop() }
      try run.startCollector()
      let agent = try run.startAgent(drainSeconds: 8, launcher: try Self.fakeTime("+3h"))
      defer { agent.stop() }
      #expect(agent.wait(seconds: 90), "the agent did not finish")
      #expect(agent.exitStatus == 0)
      let counts = { (try? SQLiteStore(path: run.facility.database, create: false).counts()) }
      #expect(eventually(timeout: 20) { (counts()?.quarantinedByReason["future_timestamp"] ?? 0) > 0 })
      run.facility.stopCollector()
      var result = try run.measure(expected: FaultExpectation(alerts: [:], rejectedReason: "future_timestamp"))
      let warnings = run.facility.collectorLog.split(separator: "\n").filter { $0.contains("future_timestamp") }.count
      result.note =
        "ts > 5 min ahead is refused: none stored, excursion unseen, no alert; \(warnings) collector warnings; "
        + "the agent keeps re-sending them"
      result.report()
      result.expectNothingLostOrRepeated()
      let agentLog = try String(contentsOf: run.facility.agentLog(), encoding: .utf8)
      #expect(agentLog.contains("samples wait in the outbox"), "the agent should still hold the rejected samples")
    }

    /// `env` with libfaketime preloaded and the clock moved by `offset` (e.g. `-3h`); `env` execs the agent, so the
    /// test's pid is the agent's. The monotonic clock is left alone (timers and keepalives stay sane). Without
    /// `FAKETIME_SHARED` (the `faketime` wrapper sets it, but forks), libfaketime 0.9.10 leaves a Swift program's
    /// `CommandLine.arguments` empty; a fixed offset needs no shared state, so names that do not exist will do.
    static func fakeTime(_ offset: String) throws -> [String] {
      let candidates = ["x86_64-linux-gnu", "aarch64-linux-gnu"].map { "/usr/lib/\($0)/faketime/libfaketime.so.1" }
      guard let library = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
        throw TestSupportError("libfaketime is not installed (scripts/bootstrap.sh installs the faketime package)")
      }
      return [
        "/usr/bin/env", "LD_PRELOAD=\(library)", "FAKETIME=\(offset)", "DONT_FAKE_MONOTONIC=1",
        "FAKETIME_SHARED=/coldtrace-none /coldtrace-none",
      ]
    }
  }
}
