import ColdTracePostgres
import Foundation
import TestSupport

/// Two cooperatives in one migrated database: A has sites hongxuan and hongxuan2, B has dalat. Every table that
/// holds site data has rows of both, written by the owner (the collector's role), and each cooperative has a login
/// role of its own (unique per test: roles belong to the whole cluster).
struct CooperativeFixture {
  static let sitesOfA = ["hongxuan", "hongxuan2"]
  static let sitesOfB = ["dalat"]
  /// The tables holding site data, and how to count the rows of a set of sites as the owner.
  static let siteTables: [(table: String, ownerCount: String)] = [
    ("sites", "SELECT count(*) FROM sites WHERE site = ANY($1)"),
    ("sources", "SELECT count(*) FROM sources WHERE site = ANY($1)"),
    (
      "readings",
      "SELECT count(*) FROM readings r JOIN sources s ON s.id = r.source_id WHERE s.site = ANY($1)"
    ),
    (
      "engine_state",
      "SELECT count(*) FROM engine_state e JOIN sources s ON s.id = e.source_id WHERE s.site = ANY($1)"
    ),
    ("alerts", "SELECT count(*) FROM alerts WHERE site = ANY($1)"),
    (
      "journal_lines",
      "SELECT count(*) FROM journal_lines j JOIN alerts a ON a.id = j.alert_id WHERE a.site = ANY($1)"
    ),
    ("notifications", "SELECT count(*) FROM notifications WHERE site = ANY($1)"),
    (
      "quarantine",
      """
      SELECT count(*) FROM quarantine
        WHERE (split_part(topic, '/', 1) = 'coldtrace' AND split_part(topic, '/', 4) = ANY($1))
          OR (split_part(topic, '/', 1) = 'sites' AND split_part(topic, '/', 2) = ANY($1))
      """
    ),
  ]

  let url: String
  let roleA: String
  let roleB: String
  let owner: PostgresConnection

  init() throws {
    url = try PostgresClusterScope.freshDatabase()
    owner = try PostgresConnection(url: url)
    let suffix = UUID().uuidString.prefix(8).lowercased()
    roleA = "coop_a_\(suffix)"
    roleB = "coop_b_\(suffix)"
    for role in [roleA, roleB] {
      try owner.executeScript("CREATE ROLE \(role) LOGIN PASSWORD 'secret-\(role)'")
    }
    try owner.executeScript(Self.rows(sites: Self.sitesOfA + Self.sitesOfB))
  }

  /// The database URL with `role`'s own credentials.
  func url(as role: String) -> String {
    url.replacingOccurrences(of: "coldtrace@", with: "\(role):secret-\(role)@")
  }

  /// The owner's count of `sites`' rows in each site table.
  func ownerCounts(of sites: [String]) throws -> [String: Int64] {
    var counts: [String: Int64] = [:]
    for (table, sql) in Self.siteTables {
      counts[table] = try owner.execute(sql, [.textArray(sites)]).rows[0].int64(0)
    }
    return counts
  }

  /// Each site's rows: 2 probes with 3 readings and an engine state each, an open alert with its journal line and
  /// notification, and quarantined payloads: on its ColdTrace topic, on its bridged device's topic, and one whose topic
  /// only happens to have the site's id as its fourth level (shown to no cooperative).
  static func rows(sites: [String]) -> String {
    var sql = "SELECT coldtrace_ensure_month(1796083200000);\n"
    for (index, site) in sites.enumerated() {
      let alert = index + 1
      sql += """
        INSERT INTO sites (site, slot) VALUES ('\(site)', 0);
        INSERT INTO sources (site, sensor, room)
          VALUES ('\(site)', 'cold1-a', 'cold1'), ('\(site)', 'cold1-b', 'cold1');
        INSERT INTO readings (ts_ms, seq, source_id, temp_mc, rh_mpct)
          SELECT 1796083200000 + n * 60000, n, s.id, 4000 + n, 88000 FROM sources s, generate_series(1, 3) n
          WHERE s.site = '\(site)';
        INSERT INTO engine_state (source_id, state) SELECT id, '\\x01' FROM sources WHERE site = '\(site)';
        INSERT INTO alerts (id, kind, severity, state, site, room, sensor, opened_ms, message)
          VALUES (\(alert), 'high', 'critical', 'open', '\(site)', 'cold1', 'cold1-a', 1796083200000, 'too warm');
        INSERT INTO journal_lines (chain, id, alert_id, event, at_ms, line)
          VALUES (0, \(alert), \(alert), 'opened', 1796083200000, '{"alert":\(alert)}');
        INSERT INTO notifications (channel, alert_id, chain, event_id, event, site, room, severity, line, queued_ms,
          due_ms, give_up_ms)
          VALUES ('zalo', \(alert), 0, \(alert), 'opened', '\(site)', 'cold1', 'critical', 'too warm', 0, 0, 0);
        INSERT INTO quarantine (received_ms, topic, reason, detail, payload)
          VALUES (0, 'coldtrace/v1/reading/\(site)/cold1/x', 'bad_json', 'not JSON', '\\x7b'),
            (0, 'sites/\(site)/zigbee2mqtt/cold1-x', 'no_value', 'bridged device', '\\x7b'),
            (0, 'zigbee2mqtt/bridge/x/\(site)', 'unmapped_topic', 'no site for sure: nobody sees it', '\\x7b');

        """
    }
    // The chain's head, as every append keeps it (the lines above are placeholders, so is the hash).
    return sql
      + "INSERT INTO journal_heads (chain, last_id, last_hash) SELECT 0, max(id), repeat('0', 64) FROM journal_lines;\n"
  }
}
