/// Migration 3: each cooperative sees only its own sites (docs/postgresql.md, "Each cooperative sees only its own").
///
/// A cooperative logs in with a role of its own, a member of `coldtrace_reader` (and of `coldtrace_ack` when it may
/// acknowledge alerts). `site_access` names the sites each login role may see. Row-level security on every table that
/// holds site data lets such a role see the rows of its sites only; it may write nothing but an alert's
/// acknowledgement fields, and only with `can_ack` for that alert's site. The tables' owner (the collector's role,
/// which runs the migrations) is not subject to these policies (no FORCE ROW LEVEL SECURITY), nor is a superuser.
enum PostgresSiteAccess {
  static let sql = """
    -- The group roles, unless the cluster has them. Roles belong to the whole cluster, so another database of it may
    -- have made them already (and another migration may be making them at this moment: a duplicate is fine); the
    -- owner made by deploy/postgresql/owner.sql has no CREATEROLE (the superuser made them), so CREATE ROLE is tried
    -- only for a role that is missing.
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coldtrace_reader') THEN
        BEGIN
          CREATE ROLE coldtrace_reader NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
      END IF;
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coldtrace_ack') THEN
        BEGIN
          CREATE ROLE coldtrace_ack NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
      END IF;
    END
    $$;

    -- Which sites a login role may see, and whether it may acknowledge their alerts (coldtrace access grant).
    CREATE TABLE site_access (
      role text NOT NULL,
      site text NOT NULL REFERENCES sites(site) ON DELETE CASCADE,
      can_ack boolean NOT NULL DEFAULT false,
      granted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (role, site)
    );

    -- Read-only for the readers; each table's rows are filtered by the policies below. Not granted: the partitions
    -- themselves (readings_y2026m12: a reader reads months through `readings` only), collector_slots, journal_heads.
    GRANT SELECT ON sites, sources, readings, engine_state, alerts, journal_lines, notifications, quarantine,
      site_access, coldtrace_migrations TO coldtrace_reader;
    -- Acknowledging is an update of these columns of alerts, nothing else.
    GRANT UPDATE (state, acked_ms, acked_by, note) ON alerts TO coldtrace_ack;

    ALTER TABLE site_access ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_rows ON site_access FOR SELECT TO coldtrace_reader USING (role = current_user);

    ALTER TABLE sites ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON sites FOR SELECT TO coldtrace_reader
      USING (site IN (SELECT a.site FROM site_access a WHERE a.role = current_user));

    ALTER TABLE sources ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON sources FOR SELECT TO coldtrace_reader
      USING (site IN (SELECT a.site FROM site_access a WHERE a.role = current_user));

    -- Readings and engine state by their probe's site: the role's probes are found through sources' unique
    -- (site, sensor) index and hashed once per query; the readings are then filtered by source_id (their key's first
    -- column), so a query for one probe stays an index scan.
    ALTER TABLE readings ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON readings FOR SELECT TO coldtrace_reader
      USING (source_id IN (
        SELECT s.id FROM sources s WHERE s.site IN (SELECT a.site FROM site_access a WHERE a.role = current_user)));

    ALTER TABLE engine_state ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON engine_state FOR SELECT TO coldtrace_reader
      USING (source_id IN (
        SELECT s.id FROM sources s WHERE s.site IN (SELECT a.site FROM site_access a WHERE a.role = current_user)));

    ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON alerts FOR SELECT TO coldtrace_reader
      USING (site IN (SELECT a.site FROM site_access a WHERE a.role = current_user));
    CREATE POLICY acknowledge ON alerts FOR UPDATE TO coldtrace_ack
      USING (site IN (SELECT a.site FROM site_access a WHERE a.role = current_user AND a.can_ack))
      WITH CHECK (site IN (SELECT a.site FROM site_access a WHERE a.role = current_user AND a.can_ack));

    -- Journal lines by their alert's site. Lines of no alert (lot events) are not shown to cooperatives yet: lots are
    -- not in the PostgreSQL schema.
    ALTER TABLE journal_lines ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON journal_lines FOR SELECT TO coldtrace_reader
      USING (alert_id IN (
        SELECT al.id FROM alerts al WHERE al.site IN (SELECT a.site FROM site_access a WHERE a.role = current_user)));

    ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON notifications FOR SELECT TO coldtrace_reader
      USING (site IN (SELECT a.site FROM site_access a WHERE a.role = current_user));

    -- A refused payload by the site its topic names: ColdTrace's own (coldtrace/v1/<kind>/<site>/…) or a device's
    -- bridged from a site broker (sites/<site>/…). Another third-party topic names no site for sure (a level equal
    -- to a granted site's id proves nothing), so it is shown to no cooperative.
    ALTER TABLE quarantine ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_sites ON quarantine FOR SELECT TO coldtrace_reader
      USING (
        CASE split_part(topic, '/', 1)
          WHEN 'coldtrace' THEN split_part(topic, '/', 4)
          WHEN 'sites' THEN split_part(topic, '/', 2)
        END IN (SELECT a.site FROM site_access a WHERE a.role = current_user));
    """
}
