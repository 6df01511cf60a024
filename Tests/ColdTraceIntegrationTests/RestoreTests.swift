import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace restore` as docs/operations.md tells an operator to run it, with real processes: back up while the
/// collector runs, let the journal and the agents' acknowledgements move on, stop the collector, restore, start it
/// again. The journal verifies and says a restore happened; the samples acknowledged after the backup are named as
/// lost; the agent's next readings move the watermark past them, so nothing waits for them forever.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct RestoreTests {
  let probe = ProbeKey(site: "hongxuan", sensor: "cold2-air")

  @Test func aRestoreKeepsTheJournalVerifiableAndNamesWhatTheAgentsLost() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    #expect(try facility.shell(["lot", "add", "LT-1", "--product", "litchi", "--room", "hongxuan/cold2"]).status == 0)
    // 40 readings of 3 hours ago, all acknowledged, then the backup.
    try runAgent(facility, samples: 40, catchUpMinutes: 200)
    #expect(eventually(timeout: 20) { watermark(facility) == 40 })
    let backup = try facility.shell(["backup"])
    #expect(backup.status == 0, "\(backup.stderr)")
    let backupFile = try #require(
      try FileManager.default.contentsOfDirectory(atPath: facility.directory.appendingPathComponent("backups").path)
        .first.map { facility.directory.appendingPathComponent("backups/\($0)").path })

    // After the backup: a lot, a door left open (an alert opens and resolves), 180 more readings acknowledged.
    #expect(try facility.shell(["lot", "add", "LT-2", "--product", "litchi", "--room", "hongxuan/cold2"]).status == 0)
    try runAgent(facility, samples: 180, catchUpMinutes: 90, doorOpenAtMinute: 10)
    #expect(eventually(timeout: 20) { watermark(facility) == 220 })
    let before = try String(contentsOfFile: facility.journal, encoding: .utf8)
    #expect(before.contains("\"event\":\"opened\""))

    // Refused while the collector runs; nothing changes.
    let refused = try facility.shell(["restore", backupFile])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("a collector is running on \(facility.database) (pid "), "\(refused.stderr)")
    #expect(refused.stderr.contains("sudo systemctl stop coldtrace-collector"))
    #expect(try String(contentsOfFile: facility.journal, encoding: .utf8) == before)

    facility.stopCollector()
    let restored = try facility.shell(["restore", backupFile])
    #expect(restored.status == 0, "\(restored.stderr)")
    #expect(restored.stdout.contains("restored \(facility.database) from \(backupFile) (integrity ok, 40 readings"))
    #expect(
      restored.stdout.contains(
        "hongxuan/cold2-air (agent hx-edge-1, inc "), "\(restored.stdout)")
    #expect(restored.stdout.contains("acknowledged up to 220, restored up to 40: 180 samples"), "\(restored.stdout)")
    let files = try FileManager.default.contentsOfDirectory(atPath: facility.directory.path)
    let setAside = try #require(files.first { $0.hasPrefix("coldtrace.alerts.jsonl.set-aside-") })
    let setAsideText = try String(
      contentsOfFile: facility.directory.appendingPathComponent(setAside).path, encoding: .utf8)
    #expect(setAsideText.contains("\"event\":\"opened\"") && setAsideText.contains("\"lot\":\"LT-2\""))
    #expect(before.hasSuffix(setAsideText), "the set-aside lines are the journal's own, byte for byte")
    #expect(files.contains { $0.hasPrefix("coldtrace.db.before-restore-") })
    let verified = try facility.shell(["journal", "verify"])
    #expect(verified.status == 0, "\(verified.stderr)")
    #expect(verified.stdout.contains("restore recorded in \(facility.journal): database restored from backup"))

    // The collector runs again on the restored database; new journal lines and new readings follow on.
    try facility.startCollector()
    #expect(try facility.shell(["lot", "add", "LT-3", "--product", "litchi", "--room", "hongxuan/cold2"]).status == 0)
    try runAgent(facility, samples: 5, catchUpMinutes: 2)
    #expect(
      eventually(timeout: 20) { watermark(facility) == 225 },
      "the agent's floor carries the watermark past the 180 samples it dropped")
    facility.stopCollector()
    let after = try facility.shell(["journal", "verify"])
    #expect(after.status == 0, "\(after.stderr)")
    #expect(after.stdout.contains("restore recorded"))
    let journal = try String(contentsOfFile: facility.journal, encoding: .utf8).split(separator: "\n")
    let restoreLine = try #require(journal.firstIndex { $0.contains("\"event\":\"restored\"") })
    #expect(journal[restoreLine...].contains { $0.contains("\"lot\":\"LT-3\"") })
    #expect(journal[restoreLine].contains("\"samples\":180"))
  }

  /// The probe's acknowledgement watermark in the database (a connection of its own, closed again).
  private func watermark(_ facility: Facility) -> Int64? {
    let store = try? SQLiteStore(path: facility.database, create: false)
    return try? store?.watermarkTrackers()[probe]?.watermark
  }

  /// Runs the agent for `samples` rounds of simulated time and waits until the collector confirmed them all.
  private func runAgent(
    _ facility: Facility, samples: Int, catchUpMinutes: Double, doorOpenAtMinute: Double? = nil
  ) throws {
    let agent = try facility.startAgent(
      samples: samples, catchUpMinutes: catchUpMinutes, speed: 1200, doorOpenAtMinute: doorOpenAtMinute,
      doorOpenMinutes: 30, arguments: ["--drain-seconds", "30"])
    #expect(agent.wait(seconds: 90), "agent did not finish")
    #expect(agent.exitStatus == 0)
  }
}
