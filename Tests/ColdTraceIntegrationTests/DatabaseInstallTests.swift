import Foundation
import TestSupport
import Testing

/// `deploy/install.sh --database`: the plan a dry run prints, the cluster settings it installs, and the pg_hba.conf
/// lines deploy/postgresql/hba.sh writes (before the first rule, the same again on a second run). The SQL it runs
/// inside PostgreSQL is run for real by DatabaseSetupTests.
struct DatabaseInstallTests {
  private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  private static func bash(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(URL(fileURLWithPath: "/bin/bash"), arguments)
  }
  private static let installer = repository.appendingPathComponent("deploy/install.sh").path
  private static let hba = repository.appendingPathComponent("deploy/postgresql/hba.sh").path

  /// The rules of Debian 12's pg_hba.conf for a new cluster, under a comment as its own file has.
  private static let debianRules = """
    # PostgreSQL Client Authentication Configuration File
    # ===================================================

    # DO NOT DISABLE!
    local   all             postgres                                peer

    # TYPE  DATABASE        USER            ADDRESS                 METHOD
    local   all             all                                     peer
    host    all             all             127.0.0.1/32            scram-sha-256
    host    all             all             ::1/128                 scram-sha-256
    local   replication     all                                     peer

    """

  @Test func theScriptsParse() throws {
    for script in ["deploy/install.sh", "deploy/install-database.sh", "deploy/postgresql/hba.sh"] {
      let result = try Self.bash(["-n", Self.repository.appendingPathComponent(script).path])
      #expect(result.status == 0, "\(script): \(result.stderr)")
    }
    #expect(FileManager.default.isExecutableFile(atPath: Self.hba))
  }

  @Test func theDatabasePlanInstallsPostgreSQLItsSettingsTheOwnerAndTheSchema() throws {
    let result = try Self.bash([Self.installer, "--database", "--dry-run", "--no-build"])
    #expect(result.status == 0, "\(result.stderr)")
    let plan = result.stdout
    for expected in [
      "dry run for the database role", "scripts/bootstrap.sh --runtime postgresql-15 postgresql-client-15",
      "/usr/local/bin/coldtrace", "useradd --system --user-group --home-dir /var/lib/coldtrace",
      "deploy/postgresql/coldtrace.conf /etc/postgresql/15/main/conf.d/coldtrace.conf",
      "/etc/postgresql/15/main/pg_hba.conf", "systemctl restart postgresql@15-main.service",
      "runuser -u postgres -- psql -X -q -h /run/postgresql -p 5432 -d postgres -v owner=coldtrace -v database=coldtrace",
      "deploy/postgresql/owner.sql",
      "runuser -u coldtrace -- /usr/local/bin/coldtrace database setup --db postgres:///coldtrace?host=/run/postgresql",
      "the database's URL: postgres:///coldtrace?host=/run/postgresql",
    ] {
      #expect(plan.contains(expected), "database plan lacks \(expected):\n\(plan)")
    }
    for absent in ["mosquitto", "coldtrace-agent", "coldtrace-collector.service", "swift build"] {
      #expect(!plan.contains(absent), "the database plan has \(absent):\n\(plan)")
    }
  }

  @Test func theSettingsAreTheDurableOnesAndThoseAStandbyNeeds() throws {
    let text = try String(
      contentsOf: Self.repository.appendingPathComponent("deploy/postgresql/coldtrace.conf"), encoding: .utf8)
    var settings: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      if parts.count == 2 { settings[parts[0]] = parts[1] }
    }
    #expect(
      settings == [
        "fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "wal_level": "replica",
        "max_wal_senders": "10", "max_replication_slots": "10", "max_slot_wal_keep_size": "20GB",
        "listen_addresses": "'localhost'", "password_encryption": "scram-sha-256",
      ])
    #expect(settings["synchronous_standby_names"] == nil, "no standby yet: every commit would wait")
  }

  @Test func theHbaLinesGoBeforeTheFirstRuleOnceWhateverTheRuns() throws {
    let directory = try TemporaryDirectory.make(prefix: "pg-hba")
    let original = directory.appendingPathComponent("pg_hba.conf")
    try Self.debianRules.write(to: original, atomically: true, encoding: .utf8)
    let first = try Self.bash([Self.hba, original.path, "coldtrace", "coldtrace"])
    #expect(first.status == 0, "\(first.stderr)")
    let rules = first.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
      .map { $0.split(separator: " ").joined(separator: " ") }
    #expect(
      rules.prefix(4) == [
        "local coldtrace coldtrace peer", "host coldtrace all 127.0.0.1/32 scram-sha-256",
        "host coldtrace all ::1/128 scram-sha-256", "local all postgres peer",
      ])
    #expect(rules.count == 8, "every rule of the file is kept:\n\(first.stdout)")
    #expect(first.stdout.hasPrefix("# PostgreSQL Client Authentication"))

    let written = directory.appendingPathComponent("pg_hba.conf.1")
    try first.stdout.write(to: written, atomically: true, encoding: .utf8)
    let second = try Self.bash([Self.hba, written.path, "coldtrace", "coldtrace"])
    #expect(second.stdout == first.stdout, "a second run changes nothing")

    for arguments in [[original.path, "Cold-Trace", "coldtrace"], ["/nonexistent", "coldtrace", "coldtrace"], []] {
      let refused = try Self.bash([Self.hba] + arguments)
      #expect(refused.status == 2 && refused.stdout.isEmpty, "\(arguments)")
    }
  }

  @Test func siteBrokerOptionsWithTheDatabaseRoleAreRefused() throws {
    for arguments in [["--database", "--centre", "broker.example"], ["--database", "--local-passwd", "/tmp/x"]] {
      let result = try Self.bash([Self.installer, "--dry-run"] + arguments)
      #expect(result.status == 2, "\(arguments): \(result.stdout)")
      #expect(!result.stdout.contains("would run"))
    }
  }
}
