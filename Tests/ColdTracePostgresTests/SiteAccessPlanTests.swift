import ColdTracePostgres
import Foundation
import TestSupport
import Testing

extension SiteAccessTests {
  /// One query's plan and time as `connection`'s role (EXPLAIN ANALYZE): the plan's text and the execution time.
  static func explain(_ sql: String, _ parameters: [PostgresValue] = [], on connection: PostgresConnection) throws
    -> (plan: String, milliseconds: Double)
  {
    let lines = try connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, parameters).rows.map { try $0.string(0) }
    let time = lines.last { $0.hasPrefix("Execution Time:") }?.split(separator: " ").dropFirst(2).first
    return (lines.joined(separator: "\n"), time.flatMap { Double($0) } ?? -1)
  }

  /// Row-level security on 1 M readings (100 sites of 10 probes, 1,000 readings each; cooperative A has 10 sites):
  /// a probe's day stays an index scan of the readings' key, and A's whole month is counted right. Prints the times.
  @Test func rowLevelSecurityOnAMillionReadingsKeepsAProbesDayAnIndexScan() throws {
    let url = try PostgresClusterScope.freshDatabase()
    let owner = try PostgresConnection(url: url)
    let role = "coop_plan_\(UUID().uuidString.prefix(8).lowercased())"
    try owner.executeScript(
      """
      CREATE ROLE \(role) LOGIN;
      SELECT coldtrace_ensure_month(1796083200000);
      INSERT INTO sites (site) SELECT 'site' || n FROM generate_series(1, 100) n;
      INSERT INTO sources (site, sensor, room) SELECT 'site' || s, 'probe' || p, 'cold1'
        FROM generate_series(1, 100) s, generate_series(1, 10) p;
      INSERT INTO readings (ts_ms, seq, source_id, temp_mc, rh_mpct)
        SELECT 1796083200000 + n * 60000, n, id, 4000 + n % 500, 88000 FROM sources, generate_series(1, 1000) n;
      ANALYZE;
      """)
    try SiteAccess.grant(role: role, sites: (1...10).map { "site\($0)" }, ack: false, on: owner)
    let asA = try PostgresConnection(url: url.replacingOccurrences(of: "coldtrace@", with: "\(role)@"))
    let probe = try owner.execute("SELECT id FROM sources WHERE site = 'site3' AND sensor = 'probe7'").rows[0].int64(0)
    let day =
      "SELECT count(*), avg(temp_mc) FROM readings WHERE source_id = $1 AND ts_ms >= 1796083200000 "
      + "AND ts_ms < 1796083200000 + 86400000"
    for _ in 0..<2 { _ = try asA.execute(day, [.int(probe)]) }  // warm the cache
    let probeDay = try Self.explain(day, [.int(probe)], on: asA)
    let ownerDay = try Self.explain(day, [.int(probe)], on: owner)
    #expect(probeDay.plan.contains("Index"), "\(probeDay.plan)")
    #expect(try asA.execute(day, [.int(probe)]).rows[0].int64(0) == 1000)

    let month = "SELECT count(*) FROM readings"
    _ = try asA.execute(month)
    let monthAsA = try Self.explain(month, on: asA)
    #expect(try asA.execute(month).rows[0].int64(0) == 100_000)
    let ownersCount = try Self.explain(
      "SELECT count(*) FROM readings r JOIN sources s ON s.id = r.source_id WHERE s.site = ANY($1)",
      [.textArray((1...10).map { "site\($0)" })], on: owner)
    let otherProbe = try owner.execute("SELECT id FROM sources WHERE site = 'site50' LIMIT 1").rows[0].int64(0)
    #expect(try asA.execute(day, [.int(otherProbe)]).rows[0].int64(0) == 0)
    print(
      "row-level security on 1,000,000 readings: a probe's day as the cooperative \(probeDay.milliseconds) ms "
        + "(as the owner \(ownerDay.milliseconds) ms); the cooperative's 100,000 readings counted in "
        + "\(monthAsA.milliseconds) ms (the same count as the owner, joining sources: "
        + "\(ownersCount.milliseconds) ms)\n\(probeDay.plan)\n\(monthAsA.plan)")
  }
}
