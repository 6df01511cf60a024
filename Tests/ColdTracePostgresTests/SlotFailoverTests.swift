import ColdTraceCore
import ColdTracePostgres
import ColdTraceSystem
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Slot ownership and fencing on a real PostgreSQL 15: an owner whose lock session dies, is killed, or is paused
/// loses its slot to a standby, and whatever it tries to write after that is refused.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct SlotFailoverTests {
  static func readingCount(_ url: String, sensor: String) throws -> Int64 {
    try PostgresConnection(url: url).execute(
      "SELECT count(*) FROM readings r JOIN sources s ON s.id = r.source_id WHERE s.sensor = $1", [.text(sensor)]
    ).rows[0].int64(0)
  }

  static func writeOne(_ writer: SlotWriter, sensor: String, seq: Int64) throws {
    try writer.write { transaction in
      let probe = try transaction.sourceID(site: "hongxuan", sensor: sensor, room: "cold1", agent: nil)
      let sample = Sample(seq: seq, ts: Timestamp(milliseconds: 1_796_083_200_000 + seq * 60_000), tempC: 4)
      _ = try transaction.insertReadings([PostgresReading(source: probe, sample: sample)])
    }
  }

  @Test func aStaleOwnersOpenWriterIsFencedAfterItsLockSessionDies() throws {
    let url = try PostgresClusterScope.freshDatabase()
    let leaseA = try SlotLease(url: url, slot: 1, owner: "host-a")
    #expect(try leaseA.tryAcquire() == 1)
    #expect(try leaseA.holdsLock())
    let writerA = try SlotWriter(url: url, slot: 1, epoch: 1)
    try Self.writeOne(writerA, sensor: "a", seq: 1)

    let leaseB = try SlotLease(url: url, slot: 1, owner: "host-b")
    #expect(try leaseB.tryAcquire() == nil)

    let admin = try PostgresConnection(url: url)
    let killed = Date()
    try admin.execute("SELECT pg_terminate_backend($1)", [.int(leaseA.lockBackendPID)])
    var epochB: Int64? = nil
    while epochB == nil && Date().timeIntervalSince(killed) < 10 {
      epochB = try leaseB.tryAcquire()
      if epochB == nil { usleep(5_000) }
    }
    let takeover = Date().timeIntervalSince(killed)
    print("takeover after the owner's lock session was terminated: \(String(format: "%.3f", takeover)) s")
    #expect(epochB == 2)
    #expect(throws: PostgresError.self) { try leaseA.renew() }

    // A's writer connection is still open; its next transaction is refused before it writes anything.
    let fenced = try #require(throws: PostgresError.self) { try Self.writeOne(writerA, sensor: "a", seq: 2) }
    #expect(fenced.kind == .fenced)
    #expect(fenced.sqlState == "CT409")
    #expect(
      fenced.message == "slot 1 was taken over by host-b at epoch 2 ("
        + (try admin.execute("SELECT since::text FROM collector_slots WHERE slot = 1").rows[0].string(0))
        + "); this writer holds epoch 1 and may not write (fenced)")
    #expect(try Self.readingCount(url, sensor: "a") == 1)
    let writerB = try SlotWriter(url: url, slot: 1, epoch: 2)
    try Self.writeOne(writerB, sensor: "a", seq: 2)
    #expect(try Self.readingCount(url, sensor: "a") == 2)
  }

  @Test func aTakeoverWaitsForTheOldOwnersTransactionThatPassedTheFence() throws {
    let url = try PostgresClusterScope.freshDatabase()
    let leaseA = try SlotLease(url: url, slot: 1, owner: "host-a")
    let epochA = try #require(try leaseA.tryAcquire())
    let writerA = try SlotWriter(url: url, slot: 1, epoch: epochA, idleInTransactionSeconds: 30)
    let admin = try PostgresConnection(url: url)
    var standby: Standby? = nil
    try writerA.write { transaction in
      let probe = try transaction.sourceID(site: "hongxuan", sensor: "a", room: "cold1", agent: nil)
      let sample = Sample(seq: 1, ts: Timestamp(milliseconds: 1_796_083_200_000), tempC: 4)
      _ = try transaction.insertReadings([PostgresReading(source: probe, sample: sample)])
      // A loses its lock session while this transaction, past its fence, is still open: B gets the lock, and its
      // bump of the epoch waits for this transaction's hold on the slot's row.
      try admin.execute("SELECT pg_terminate_backend($1)", [.int(leaseA.lockBackendPID)])
      standby = Standby(url: url, owner: "host-b")
      let waiting = eventually(timeout: 10) {
        (try? admin.execute(
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
          ["coldtrace slot 1 lock: host-b"]
        ).rows[0].int64(0)) == 1
      }
      #expect(waiting)
      #expect(try admin.execute("SELECT epoch FROM collector_slots WHERE slot = 1").rows[0].int64(0) == 1)
    }
    // Committed under epoch 1, before the takeover, which then completes.
    let (epoch, _) = try #require(standby).wait()
    #expect(epoch == 2)
    #expect(try Self.readingCount(url, sensor: "a") == 1)
    #expect(throws: PostgresError.self) { try Self.writeOne(writerA, sensor: "a", seq: 2) }
  }

  /// Starts `coldtrace-pg-tool own-slot` and waits until it has written three readings.
  static func startOwner(_ url: String, owner: String, lease: Double, log: String) throws -> ChildProcess {
    let tool = Executables.product("coldtrace-pg-tool").path
    let child = try ChildProcess(
      name: owner, executable: tool, arguments: ["own-slot", url, "1", owner, "hongxuan", String(lease)], log: log)
    let writing = eventually(timeout: 30) {
      ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("wrote 3\n")
    }
    guard writing else {
      child.kill()
      throw TestSupportError("\(owner) wrote nothing: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }
    return child
  }

  @Test func aKilledOwnersSlotIsTakenOverAtOnce() throws {
    let url = try PostgresClusterScope.freshDatabase()
    let directory = try TemporaryDirectory.make(prefix: "pg-owner")
    defer { try? FileManager.default.removeItem(at: directory) }
    let owner = try Self.startOwner(url, owner: "killed", lease: 5, log: directory.appendingPathComponent("a.log").path)
    let waiting = Standby(url: url, owner: "standby")
    // The standby is queued on the lock before the owner dies.
    #expect(
      eventually(timeout: 10) {
        (try? PostgresConnection(url: url).execute(
          """
          SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          """
        ).rows[0].int64(0)) == 1
      })
    let killed = Date()
    owner.kill()
    let (epoch, at) = try waiting.wait()
    print("takeover after SIGKILL of the owner: \(String(format: "%.3f", at.timeIntervalSince(killed))) s")
    #expect(epoch == 2)
    #expect(at.timeIntervalSince(killed) < 5)
    #expect(try Self.readingCount(url, sensor: "killed") >= 3)
  }

  @Test func aPausedOwnerWritesNothingAfterTheTakeover() throws {
    let url = try PostgresClusterScope.freshDatabase()
    let directory = try TemporaryDirectory.make(prefix: "pg-owner")
    defer { try? FileManager.default.removeItem(at: directory) }
    let log = directory.appendingPathComponent("a.log").path
    let owner = try Self.startOwner(url, owner: "paused", lease: 2, log: log)
    defer { owner.kill() }
    let waiting = Standby(url: url, owner: "standby")
    let stopped = Date()
    kill(owner.pid, SIGSTOP)
    let (epoch, at) = try waiting.wait()
    // The server ends the paused owner's idle lock session after its 2 s lease.
    print("takeover after SIGSTOP of the owner (2 s lease): \(String(format: "%.3f", at.timeIntervalSince(stopped))) s")
    #expect(epoch == 2)
    let before = try Self.readingCount(url, sensor: "paused")
    kill(owner.pid, SIGCONT)
    #expect(owner.wait(seconds: 20))
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    print("the resumed owner: exit \(owner.exitStatus), \(output.split(separator: "\n").last ?? "")")
    // Refused by the fence (exit 3), or, if it was paused inside a transaction, its writer session was ended by the
    // server (idle_in_transaction_session_timeout): either way nothing more is stored.
    #expect(owner.exitStatus == 3 ? output.contains("fenced: PostgreSQL error CT409") : output.contains("lost"))
    #expect(try Self.readingCount(url, sensor: "paused") == before)
    let wrote = output.split(separator: "\n").filter { $0.hasPrefix("wrote ") }.count
    #expect(Int64(wrote) <= before)
  }
}

/// A standby waiting for slot 1 on a thread of its own, not on Swift's cooperative pool (which the suite's blocking
/// tests may fill); its lease is made on that thread, as a connection has one owner.
final class Standby: Sendable {
  private let outcome = Mutex<Result<(epoch: Int64, at: Date), any Error>?>(nil)

  init(url: String, owner: String) {
    let thread = Thread { [self] in
      let result = Result { () throws -> (epoch: Int64, at: Date) in
        let lease = try SlotLease(url: url, slot: 1, owner: owner, leaseSeconds: 30)
        guard let epoch = try lease.acquire(timeoutSeconds: 60) else {
          throw TestSupportError("standby: no slot in 60 s")
        }
        let at = Date()
        try lease.release()
        return (epoch, at)
      }
      outcome.withLock { $0 = result }
    }
    thread.start()
  }

  /// The epoch the standby took and when; throws what it threw.
  func wait() throws -> (epoch: Int64, at: Date) {
    while true {
      if let result = outcome.withLock({ $0 }) { return try result.get() }
      usleep(2_000)
    }
  }
}
