import ColdTracePostgres
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Zero loss as docs/postgresql.md sets it up, on two real clusters: a standby made with `pg_basebackup -R -C -S`,
/// named by `cluster_name` in the primary's `synchronous_standby_names`. With no synchronous standby a commit waits;
/// with one, every commit the primary answered is on the standby when the primary dies (stopped `-m immediate`, no
/// shutdown checkpoint) and the standby is promoted. A suite of its own: it kills its primary.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct SynchronousStandbyTests {
  /// Polls `query` (one text value) on `connection` until it returns `expected`, for at most `seconds`.
  static func waitFor(_ expected: String, _ query: String, on connection: PostgresConnection, seconds: Double = 30)
    throws -> Bool
  {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try connection.execute(query).rows.first?[0] == expected { return true }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return false
  }

  @Test func everyAnsweredCommitIsOnTheSynchronousStandbyWhenThePrimaryDies() throws {
    let primary = try PostgresClusterScope.current
    let url = try PostgresClusterScope.freshDatabase()
    let database = String(url.split(separator: "/").last!)
    let superuser = try PostgresConnection(url: primary.url())
    try superuser.execute("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
    try superuser.execute("SELECT pg_reload_conf()")
    let writer = try PostgresConnection(url: url)

    // No synchronous standby: a commit waits (statement_timeout does not end that wait). Only a cancel does, and the
    // commit is then reported done, with a warning, though no standby has it: why nothing may cancel the collector's.
    let log = try TemporaryDirectory.make(prefix: "sync-wait").appendingPathComponent("psql.log").path
    let waiting = try ChildProcess(
      name: "psql", executable: "/usr/bin/psql",
      arguments: [url, "-X", "-c", "INSERT INTO sites (site, slot) VALUES ('waited', 0)"], log: log)
    defer { waiting.kill() }
    let waits = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
    #expect(try Self.waitFor("1", waits, on: superuser), "the commit is not waiting for a synchronous standby")
    #expect(!waiting.wait(seconds: 1), "the commit ended with no synchronous standby")
    try superuser.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")
    #expect(waiting.wait(seconds: 10) && waiting.exitStatus == 0)
    let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    #expect(said.contains("canceling wait for synchronous replication"), "\(said)")
    #expect(said.contains("already committed locally"), "\(said)")

    let standby = try PostgresCluster(standbyOf: primary, name: "standby1")
    defer { standby.stop() }
    print("standby: pg_basebackup and start took \(String(format: "%.2f", standby.startSeconds)) s")
    let state = "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'"
    #expect(try Self.waitFor("sync", state, on: superuser), "standby1 did not become synchronous")

    // Commits the primary answered, one transaction each (as the collector's group writes are).
    let commits = 200
    let start = Date()
    for number in 1...commits {
      try writer.execute("INSERT INTO sites (site, slot) VALUES ($1, 0)", [.text("site\(number)")])
    }
    let perCommit = Date().timeIntervalSince(start) / Double(commits) * 1000
    print("\(commits) commits with a synchronous standby: \(String(format: "%.2f", perCommit)) ms each")

    try primary.crash()
    try standby.promote()
    let promoted = try PostgresConnection(url: standby.url(database: database))
    #expect(try promoted.execute("SELECT pg_is_in_recovery()").rows[0].bool(0) == false)
    let stored = try promoted.execute("SELECT count(*) FROM sites WHERE site LIKE 'site%'").rows[0].int64(0)
    #expect(stored == Int64(commits), "the promoted standby has \(stored) of \(commits) answered commits")
    #expect(try promoted.execute("SELECT count(*) FROM sites WHERE site = 'waited'").rows[0].int64(0) == 1)
    // It takes writes, with the schema it streamed (the migrations' functions included), once it no longer waits for
    // a standby of its own: the setting came with the copy (ALTER SYSTEM writes it into the data directory).
    #expect(try promoted.execute("SHOW synchronous_standby_names").rows[0].string(0) == "standby1")
    try promoted.execute("ALTER SYSTEM RESET synchronous_standby_names")
    try promoted.execute("SELECT pg_reload_conf()")
    try promoted.execute("INSERT INTO sites (site, slot) VALUES ('after', 0)")
    #expect(try PostgresSchema.version(promoted) == PostgresSchema.migrations.last!.version)
  }
}
