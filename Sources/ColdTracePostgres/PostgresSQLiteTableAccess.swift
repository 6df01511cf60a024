/// Migration 4's row-level security: each table it adds that holds a site's data is readable by `coldtrace_reader`
/// for the role's own sites only, as migration 3 does for the core tables (`PostgresSiteAccess`).
///
/// - By `site`: lot placements, agent outboxes, probe placements, room spans and conditions, silences, agent
///   incarnations, the probe registry and pending probes, site bridges.
/// - By probe (`source_id` of one of the role's sites' probes): room history, retirements, calibrations, late
///   readings, probe incarnations.
/// - Lots have no site of their own: a lot is the role's when it was placed in one of its sites (`lot_placements`),
///   and its rule state, imported legs and their readings follow the lot. A lot that moved between two
///   cooperatives' sites is seen by both. Journal lines of such a lot (lot added, moved, closed) are shown too, beside
///   the alert lines migration 3 shows.
/// - `journal_imports` is not granted to readers (it names the source database's path).
enum PostgresSQLiteTableAccess {
  static let ownSites = "SELECT a.site FROM site_access a WHERE a.role = current_user"
  static let ownProbes = "SELECT s.id FROM sources s WHERE s.site IN (\(ownSites))"
  static let ownLots = "SELECT p.lot_id FROM lot_placements p WHERE p.site IN (\(ownSites))"

  static let bySite = [
    "lot_placements", "agent_outboxes", "probe_placements", "room_spans", "room_conditions", "silences",
    "agent_incarnations", "probe_registry", "pending_probes", "site_bridges",
  ]
  static let byProbe = [
    "probe_rooms", "probe_retirements", "probe_calibrations", "late_readings", "source_incarnations",
  ]
  /// Every table with a policy here, as readers may select from.
  static let readable = bySite + byProbe + ["lots", "lot_rule_state", "leg_imports", "leg_readings"]

  static var sql: String {
    var text = "GRANT SELECT ON \(readable.joined(separator: ", ")) TO coldtrace_reader;\n"
    for table in bySite {
      text += policy(table, "site IN (\(ownSites))")
    }
    for table in byProbe {
      text += policy(table, "source_id IN (\(ownProbes))")
    }
    text += policy("lots", "id IN (\(ownLots))")
    text += policy("lot_rule_state", "lot_id IN (\(ownLots))")
    text += policy("leg_imports", "lot_id IN (\(ownLots))")
    text += policy("leg_readings", "import_id IN (SELECT i.id FROM leg_imports i WHERE i.lot_id IN (\(ownLots)))")
    // Permissive policies add up: a line is shown when its alert is the role's (migration 3) or its lot is.
    text += "CREATE POLICY own_lots ON journal_lines FOR SELECT TO coldtrace_reader USING (lot_id IN (\(ownLots)));\n"
    return text
  }

  private static func policy(_ table: String, _ condition: String) -> String {
    """
    ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON \(table) FOR SELECT TO coldtrace_reader USING (\(condition));

    """
  }
}
