import Foundation
import TestSupport
import Testing

extension FaultSuite {
  /// The collector's database cannot grow (SQLite's page limit, as on a full disk) in the middle of a door excursion:
  /// the collector stops acknowledging and says so once, keeps nothing half-written, and carries on by itself when
  /// space returns.
  @Suite struct DiskFullFaultTests {
    @Test func collectorDiskFull() throws {
      let run = try FaultRun("collector disk full")
      defer { run.stop() }
      let limit = run.facility.directory.appendingPathComponent("page-limit")
      try run.startCollector(["--test-page-limit-file", limit.path])
      let agent = try run.startAgent()
      defer { agent.stop() }
      #expect(run.waitUntilStored(atLeast: 40), "nothing arrived before the fault")
      #expect(run.stored < FaultRun.rounds, "every sample arrived before the fault; nothing was tested")
      // No more pages than the database already has.
      try "1\n".write(to: limit, atomically: true, encoding: .utf8)
      let full = "cannot store readings"
      #expect(eventually(timeout: 20) { run.facility.collectorLog.contains(full) }, "the collector never found it full")
      let storedWhenFull = run.stored
      Thread.sleep(forTimeInterval: 6)
      let storedWhileFull = run.stored - storedWhenFull
      #expect(storedWhileFull == 0, "readings were stored while the disk was full")
      try FileManager.default.removeItem(at: limit)
      #expect(eventually(timeout: 20) { run.facility.collectorLog.contains("storage works again after") })
      #expect(agent.wait(seconds: 90), "the agent did not finish and drain")
      #expect(agent.exitStatus == 0)
      #expect(run.waitUntilStored(atLeast: FaultRun.rounds))
      run.facility.stopCollector()
      var result = try run.measure(expected: .doorAlert)
      let recovered = run.facility.collectorLog.split(separator: "\n").first {
        $0.contains("storage works again after")
      }
      result.note =
        "full 6 s, \(storedWhileFull) stored meanwhile; "
        + (recovered.map { "\"\($0.split(separator: "] ").last ?? "")\"" } ?? "did not recover")
      result.report()
      result.expectNothingLostOrRepeated()
      let log = run.facility.collectorLog.split(separator: "\n")
      #expect(log.filter { $0.contains(full) }.count == 1, "one loud line for the incident, not one per retry")
      #expect(log.filter { $0.contains("storage works again after") }.count == 1)
      #expect(!log.contains { $0.contains("ingest_failed") || $0.contains("keeping it in quarantine") })
      #expect(log.contains { $0.contains("cannot store readings (SQLite error 13: database or disk is full)") })
      #expect(run.facility.collectorLog.contains("collector stopped"), "the collector did not run to its clean stop")
    }
  }
}
