import ColdTracePostgres
import Foundation
import TestSupport
import Testing

extension ShellCommandsOnPostgresTests {
  /// An acknowledgement takes the journal chain's head before the alert's row, as a collector's transaction that
  /// appends a line and then updates an alert does: a `coldtrace ack` started while such a transaction holds the head
  /// waits for it, without holding the alert, so the transaction updates the alert and commits, and the ack follows.
  /// (Taking the alert first would deadlock the two, and PostgreSQL would abort one of them.)
  @Test func anAckWaitsForAWriterHoldingTheChainWithoutDeadlockingIt() throws {
    let fixture = try ShellStoreFixture()
    defer { fixture.remove() }
    let id = try fixture.openAlert(of: "hongxuan")
    let watcher = try PostgresConnection(url: fixture.url)
    let ack = Process()
    ack.executableURL = Executables.product("coldtrace")
    ack.arguments = ["ack", "\(id)", "--by", "lan", "--db", fixture.url]
    let errors = Pipe()
    ack.standardError = errors
    ack.standardOutput = FileHandle.nullDevice
    try fixture.owner.transaction {
      try fixture.owner.execute(
        "INSERT INTO journal_heads (chain, last_id, last_hash) VALUES (0, 0, repeat('0', 64)) ON CONFLICT DO NOTHING")
      try fixture.owner.execute("SELECT last_id FROM journal_heads WHERE chain = 0 FOR UPDATE")
      try ack.run()
      var waiting = false
      for _ in 0..<200 where !waiting {
        waiting =
          try watcher.execute(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'coldtrace ack' AND wait_event_type = 'Lock'
            """
          ).rows[0].int64(0) == 1
        if !waiting { usleep(25_000) }
      }
      #expect(waiting, "the ack waits for the chain's head")
      // The writer now updates the alert the ack is after: it is not locked, so this does not wait.
      try fixture.owner.execute("UPDATE alerts SET message = 'escalated meanwhile' WHERE id = $1", [.int(id)])
    }
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    ack.waitUntilExit()
    #expect(ack.terminationStatus == 0, "\(stderr)")
    let row = try fixture.owner.execute("SELECT state, message FROM alerts WHERE id = $1", [.int(id)]).rows[0]
    #expect(try row.string(0) == "acked" && row.string(1) == "escalated meanwhile")
    #expect(try PostgresJournal.verify(chain: 0, on: fixture.owner) == 1)
    let line = try fixture.owner.execute("SELECT line FROM journal_lines WHERE chain = 0").rows[0].string(0)
    #expect(line.contains("\"message\":\"escalated meanwhile\""), "the line shows the alert as the ack found it")
  }
}
