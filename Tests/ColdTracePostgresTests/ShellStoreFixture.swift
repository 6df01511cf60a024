import ColdTraceCore
import ColdTracePostgres
import ColdTraceStorage
import Foundation
import TestSupport

/// The same alerts and readings in an SQLite file (written through `SQLiteStore`, as the collector writes them) and
/// in a PostgreSQL database (copied through `SlotTransaction` and the owner's inserts): cooperative A has sites
/// hongxuan (may acknowledge) and hongxuan2 (read only), cooperative B site dalat (read only).
struct ShellStoreFixture {
  static let sites = ["hongxuan", "hongxuan2", "dalat"]
  static let start = Timestamp(milliseconds: 1_796_083_200_000)  // 2026-12-01T00:00:00Z

  let directory: URL
  let sqlitePath: String
  let url: String
  let owner: PostgresConnection
  let roleA: String
  let roleB: String

  /// With `icuLocale`, the PostgreSQL database sorts text by that ICU locale (as a production database created with
  /// a locale does), not byte by byte.
  init(icuLocale: String? = nil) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgshell-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    sqlitePath = directory.appendingPathComponent("coldtrace.db").path
    if let icuLocale {
      let cluster = try PostgresClusterScope.current
      let name = "icu_\(UUID().uuidString.prefix(8).lowercased())"
      try PostgresConnection(url: cluster.url()).execute(
        "CREATE DATABASE \(name) TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '\(icuLocale)'")
      url = cluster.url(database: name)
      try PostgresSchema.migrate(PostgresConnection(url: url))
    } else {
      url = try PostgresClusterScope.freshDatabase()
    }
    owner = try PostgresConnection(url: url)
    let suffix = UUID().uuidString.prefix(8).lowercased()
    roleA = "coop_a_\(suffix)"
    roleB = "coop_b_\(suffix)"
    for role in [roleA, roleB] {
      try owner.executeScript("CREATE ROLE \(role) LOGIN PASSWORD 'secret-\(role)'")
    }
    let store = try SQLiteStore(path: sqlitePath, create: true)
    try Self.writeSQLite(store)
    try copy(from: store)
  }

  /// The database URL with `role`'s own credentials.
  func url(as role: String) -> String {
    url.replacingOccurrences(of: "coldtrace@", with: "\(role):secret-\(role)@")
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }

  /// Per site two probes with four readings each (one with an error, one defrosting, a humidity with decimals) and
  /// two alerts: an open one with a lot, an escalated limit and hostile text, and a resolved one.
  static func writeSQLite(_ store: SQLiteStore) throws {
    try store.write { tx in
      for (index, site) in sites.enumerated() {
        for sensor in ["cold1-a", "cold1_b"] {
          let source = try tx.sourceID(
            for: SensorKey(site: site, room: "cold1", sensor: sensor), agent: "agent-\(site)")
          let samples = (0..<4).map { step in
            Sample(
              seq: Int64(step + 1), ts: start.adding(seconds: Double(60 * step + index)),
              tempC: step == 2 ? nil : 4.125 + Double(step), rhPct: 88.5 + Double(index),
              error: step == 2 ? "probe \"open\" circuit" : nil, defrost: step == 3 ? true : nil)
          }
          _ = try tx.insertNew(samples, source: source)
        }
        let key = SensorKey(site: site, room: "cold1", sensor: "cold1-a")
        let opened = AlertEvent(
          type: .opened, key: key, kind: .tempHigh, severity: .warning, productID: "litchi",
          at: start.adding(seconds: 120), limit: 8, value: 8.25, peak: 8.25,
          message: "nhiệt độ cao: 8.25 °C > 8 °C \"cửa mở\"\n")
        _ = try tx.apply(opened, lots: ["lot-\(site)"])
        var escalated = opened
        escalated.type = .escalated
        escalated.severity = .critical
        escalated.limit = 10.5
        escalated.peak = 12.125
        _ = try tx.apply(escalated)
        let offline = SensorKey(site: site, room: "cold1", sensor: "cold1_b")
        for type in [AlertEventType.opened, .resolved] {
          _ = try tx.apply(
            AlertEvent(
              type: type, key: offline, kind: .offline, severity: .critical, productID: "litchi",
              at: start.adding(seconds: type == .opened ? 60 : 180), limit: nil, value: nil, peak: nil,
              message: "no reading from cold1_b"))
        }
      }
    }
  }

  /// Copies the SQLite file's probes, readings and alerts into PostgreSQL as they are.
  func copy(from store: SQLiteStore) throws {
    try owner.execute("INSERT INTO collector_slots (slot, epoch, owner, since) VALUES (0, 1, 'fixture', now())")
    let writer = try SlotWriter(url: url, slot: 0, epoch: 1)
    try writer.write { tx in
      var batch: [PostgresReading] = []
      for reading in try store.readings(ReadingFilter()) {
        let source = try tx.sourceID(
          site: reading.key.site, sensor: reading.key.sensor, room: reading.key.room, agent: reading.agent)
        batch.append(PostgresReading(source: source, sample: reading.sample))
      }
      _ = try tx.insertReadings(batch)
    }
    for alert in try store.alerts(AlertFilter()) {
      try owner.execute(
        """
        INSERT INTO alerts (id, kind, severity, state, site, room, sensor, product, lots, opened_ms, resolved_ms,
          acked_ms, acked_by, note, limit_value, peak, message, silenced)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
        """,
        [
          .int(alert.id), .text(alert.kind.rawValue), .text(alert.severity.rawValue), .text(alert.state.rawValue),
          .text(alert.site), .text(alert.room), .text(alert.sensor), .string(alert.product),
          .text("[" + alert.lots.map(JSONText.quoted).joined(separator: ",") + "]"), .int(alert.openedAt.milliseconds),
          .int(alert.resolvedAt?.milliseconds), .int(alert.ackedAt?.milliseconds), .string(alert.ackedBy),
          .string(alert.note), .double(alert.limit), .double(alert.peak), .text(alert.message),
          .string(alert.silenced),
        ])
    }
  }

  /// The id of `site`'s open temperature alert.
  func openAlert(of site: String) throws -> Int64 {
    try owner.execute("SELECT id FROM alerts WHERE site = $1 AND kind = 'temp_high'", [.text(site)]).rows[0].int64(0)
  }

  /// Runs the real `coldtrace` with `arguments` and, unless nil, `--db db`.
  static func coldtrace(_ arguments: [String], db: String?, environment: [String: String]? = nil) throws
    -> (status: Int32, stdout: String, stderr: String)
  {
    try Executables.run(
      Executables.product("coldtrace"), arguments + (db.map { ["--db", $0] } ?? []), environment: environment)
  }
}
