import ColdTraceCore
import ColdTracePostgres
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace status` on PostgreSQL: a facility written to SQLite through `SQLiteStore` (as the collector and the
/// probe commands write it), copied by the real `coldtrace migrate --to`, then the same `status` printed byte for byte
/// on both stores; a cooperative's own role sees only its own sites.
@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct StatusOnPostgresTests {
  /// The probes' ages in JSON are whole seconds since the run's clock: the one field that may differ between two runs.
  static func withoutAges(_ output: String) -> String {
    output.replacing(/"age_s":[0-9]+/, with: "\"age_s\":_")
  }

  @Test func statusPrintsTheSameOnPostgresAsOnSQLite() throws {
    let fixture = try StatusFixture()
    defer { fixture.remove() }
    for arguments in [
      ["status"], ["status", "--json"], ["status", "--lang", "vi"], ["status", "--utc", "--stale-after", "40"],
      ["status", "--json", "--stale-after", "200"],
    ] {
      let onSQLite = try ShellStoreFixture.coldtrace(arguments, db: fixture.sqlitePath)
      let onPostgres = try ShellStoreFixture.coldtrace(arguments, db: fixture.url)
      #expect(onSQLite.status == 0 && onPostgres.status == 0, "\(arguments): \(onSQLite.stderr) \(onPostgres.stderr)")
      #expect(Self.withoutAges(onPostgres.stdout) == Self.withoutAges(onSQLite.stdout), "\(arguments)")
      // Everything the fixture holds is shown (on both, as they are equal).
      for shown in ["cold2-mv", "L-1", "dl-edge", "unknown", "41aa"] where !arguments.contains("--json") {
        #expect(onPostgres.stdout.contains(shown) || arguments.contains("vi"), "\(arguments) shows \(shown)")
      }
    }
    let json = try ShellStoreFixture.coldtrace(["status", "--json"], db: fixture.url).stdout
    let lines = json.split(separator: "\n")
    for part in [
      "\"sensor\":\"cold1-a\"", "\"pending_probes\":1", "\"clock_skew\":{", "\"bridge\":\"down\"", "\"site_alert\":",
      "\"incarnation\":\"41aa\"", "\"certificate\":\"CAL-7\"",
    ] {
      #expect(lines.contains { $0.contains(part) }, "\(part) in \(json)")
    }
    // The moved probe is in its new room; the retired one is not shown.
    #expect(lines.contains { $0.contains("\"room\":\"cold2\"") && $0.contains("\"sensor\":\"mv-1\"") })
    #expect(!json.contains("old-1"))
  }

  @Test func aCooperativesOwnRoleSeesOnlyItsOwnSitesInStatus() throws {
    let fixture = try StatusFixture()
    defer { fixture.remove() }
    for arguments in [
      ["grant", "coop_a_\(fixture.suffix)", "--site", "hongxuan"],
      ["grant", "coop_b_\(fixture.suffix)", "--site", "dalat"],
    ] {
      let granted = try ShellStoreFixture.coldtrace(["access"] + arguments, db: fixture.url)
      #expect(granted.status == 0, "\(granted.stderr)")
    }
    let everything = try ShellStoreFixture.coldtrace(["status", "--json"], db: fixture.sqlitePath).stdout
    for (role, site) in [("coop_a_\(fixture.suffix)", "hongxuan"), ("coop_b_\(fixture.suffix)", "dalat")] {
      let seen = try ShellStoreFixture.coldtrace(
        ["status", "--json"], db: nil, environment: ["COLDTRACE_DB": fixture.url(as: role)])
      #expect(seen.status == 0, "\(seen.stderr)")
      let own = everything.split(separator: "\n").filter { $0.contains("\"site\":\"\(site)\"") }
      #expect(own.count >= 3 && own.count < everything.split(separator: "\n").count)
      #expect(Self.withoutAges(seen.stdout) == Self.withoutAges(own.map { $0 + "\n" }.joined()), "\(role)")
      let text = try ShellStoreFixture.coldtrace(["status"], db: fixture.url(as: role))
      #expect(text.status == 0 && text.stdout.contains(site), "\(text.stderr)")
      for other in ["hongxuan", "dalat"] where other != site {
        #expect(!text.stdout.contains(other), "\(role) sees nothing of \(other): \(text.stdout)")
      }
    }
  }
}

/// A facility in an SQLite file, copied to a fresh PostgreSQL database by `coldtrace migrate --to`. Readings are
/// dated back from the clock so that `status` shows ages in minutes and hours (the same on two runs seconds apart).
struct StatusFixture {
  let directory: URL
  let sqlitePath: String
  let url: String
  let suffix = UUID().uuidString.prefix(8).lowercased()

  init() throws {
    directory = try TemporaryDirectory.make(prefix: "pgstatus")
    sqlitePath = directory.appendingPathComponent("coldtrace.db").path
    try Self.write(
      SQLiteStore(path: sqlitePath, create: true), now: Timestamp(seconds: WallClock.now().milliseconds / 1000))
    url = try PostgresClusterScope.freshDatabase(migrated: false)
    let migrated = try Executables.run(
      Executables.product("coldtrace"), ["migrate", "--db", sqlitePath, "--to", url], environment: ["COLDTRACE_DB": ""])
    try #require(migrated.status == 0, "migrate: \(migrated.stderr)")
    let owner = try PostgresConnection(url: url)
    for role in ["coop_a_\(suffix)", "coop_b_\(suffix)"] {
      try owner.executeScript("CREATE ROLE \(role) LOGIN PASSWORD 'secret-\(role)'")
    }
  }

  func url(as role: String) -> String {
    url.replacingOccurrences(of: "coldtrace@", with: "\(role):secret-\(role)@")
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }

  /// Ages are whole minutes and 3 s: `status` shows the same whole minutes for most of a minute.
  ///
  /// hongxuan: two probes in cold1 (one warming, calibrated, with an open alert and a lot's budget alert), one in
  /// cold2 silent for three hours during a defrost, one moved from cold1 to cold2, one retired, an unknown probe
  /// pending, an agent reinstalled with its clock wrong and a site broker's uplink down. dalat: one probe, a lot and
  /// its agent offline; its uplink up.
  static func write(_ store: SQLiteStore, now: Timestamp) throws {
    let minutes = { (count: Double) in now.adding(seconds: -60 * count) }
    let cold1a = SensorKey(site: "hongxuan", room: "cold1", sensor: "cold1-a")
    // Each probe's readings by age in minutes, the latest last.
    let probes: [(SensorKey, String, StrideThrough<Double>)] = [
      (cold1a, "hx-edge-1", stride(from: 50.0, through: 20, by: -1)),
      (
        SensorKey(site: "hongxuan", room: "cold1", sensor: "cold1_b"), "hx-edge-1",
        stride(from: 40.0, through: 25, by: -5)
      ),
      (
        SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-mv"), "hx-edge-1",
        stride(from: 200.0, through: 180, by: -10)
      ),
      (
        SensorKey(site: "hongxuan", room: "cold1", sensor: "mv-1"), "hx-edge-1",
        stride(from: 60.0, through: 30, by: -10)
      ),
      (
        SensorKey(site: "hongxuan", room: "cold1", sensor: "old-1"), "hx-edge-1",
        stride(from: 90.0, through: 80, by: -10)
      ),
      (SensorKey(site: "dalat", room: "kho-1", sensor: "d1"), "dl-edge", stride(from: 100.0, through: 70, by: -15)),
    ]
    try store.write { tx in
      for (key, agent, ages) in probes {
        let source = try tx.sourceID(for: key, agent: agent)
        let samples = ages.enumerated().map { step, age in
          Sample(
            seq: Int64(step + 1), ts: minutes(age + 0.05), tempC: 2.5 + 0.05 * Double(step),
            rhPct: key.sensor == "cold1_b" ? 88.25 : nil, error: key.sensor == "d1" && age < 75 ? "open circuit" : nil)
        }
        _ = try tx.insertNew(samples, source: source)
      }
      try tx.moveProbe(ProbeKey(site: "hongxuan", sensor: "mv-1"), to: "cold2", by: "lan", at: minutes(45))
      _ = try tx.retireProbe(ProbeKey(site: "hongxuan", sensor: "old-1"), reason: "broken", by: "lan", at: minutes(70))
      _ = try tx.calibrateProbe(
        ProbeKey(site: "hongxuan", sensor: "cold1-a"), certificate: "CAL-7", at: minutes(60 * 24 * 30),
        due: now.adding(seconds: 86_400 * 300), by: "lan", now: now, rule: CalibrationRule())
      _ = try tx.addLot("L-1", product: "litchi", market: "CN", site: "hongxuan", room: "cold1", at: minutes(300))
      _ = try tx.addLot("L-2", product: "dragonfruit", market: nil, site: "dalat", room: "kho-1", at: minutes(200))
      _ = try tx.openRoomSpan(
        RoomSpan(signal: .defrost, source: .schedule, sensor: nil, start: minutes(10), end: nil), site: "hongxuan",
        room: "cold2")
      try tx.notePendingProbe(
        SensorKey(site: "hongxuan", room: "cold9", sensor: "new-1"), reason: .unknownProbe, at: minutes(5))
      try tx.recordAgentIncarnation("9f3c", site: "hongxuan", agent: "hx-edge-1", at: minutes(600))
      try tx.recordAgentIncarnation("41aa", site: "hongxuan", agent: "hx-edge-1", at: minutes(90))
      try tx.recordAgentIncarnation("77b0", site: "dalat", agent: "dl-edge", at: minutes(900))
      try tx.recordSiteBridge(SiteBridgeState(site: "hongxuan", up: false, since: minutes(30), seen: minutes(2)))
      try tx.recordSiteBridge(SiteBridgeState(site: "dalat", up: true, since: minutes(900), seen: minutes(3)))
      try tx.announcePlacements(["cold1-a": .air, "cold1_b": .product], site: "hongxuan")
      for (key, kind, lots, age) in [
        (cold1a, AlertKind.tempHigh, ["L-1"], 25.0),
        (SensorKey(site: "hongxuan", room: "cold1", sensor: "lot/L-1/temp_c"), .budget, ["L-1"], 24),
        (SensorKey(site: "hongxuan", room: "-", sensor: "hx-edge-1"), .clockSkew, [], 40),
        (SensorKey(site: "dalat", room: "-", sensor: "dl-edge"), .agentOffline, [], 60),
      ] {
        _ = try tx.apply(
          AlertEvent(
            type: .opened, key: key, kind: kind, severity: kind == .tempHigh ? .critical : .warning,
            productID: "litchi", at: minutes(age), limit: 8, value: 8.5, peak: 8.75, message: "\(kind.rawValue) \"x\""),
          lots: lots)
      }
    }
  }
}

extension StatusOnPostgresTests {
  /// `readings` on PostgreSQL puts each reading in the room its probe hung in at its time, as on SQLite (the room
  /// history `migrate` copied): the moved probe's readings before its move stay in cold1.
  @Test func readingsKeepTheRoomTheirProbeHungInOnBothStores() throws {
    let fixture = try StatusFixture()
    defer { fixture.remove() }
    for arguments in [
      ["readings"], ["readings", "--format", "csv"], ["readings", "--sensor", "mv-1"], ["readings", "--room", "cold1"],
    ] {
      let onSQLite = try ShellStoreFixture.coldtrace(arguments, db: fixture.sqlitePath)
      let onPostgres = try ShellStoreFixture.coldtrace(arguments, db: fixture.url)
      #expect(onSQLite.status == 0 && onPostgres.status == 0, "\(arguments): \(onSQLite.stderr) \(onPostgres.stderr)")
      #expect(onPostgres.stdout == onSQLite.stdout, "\(arguments)")
    }
    let moved = try ShellStoreFixture.coldtrace(["readings", "--sensor", "mv-1"], db: fixture.url).stdout
    let rooms = Set(moved.split(separator: "\n").compactMap { $0.firstMatch(of: /"room":"([a-z0-9]+)"/)?.1 })
    #expect(rooms == ["cold1", "cold2"], "\(moved)")
  }
}
