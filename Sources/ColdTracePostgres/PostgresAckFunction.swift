/// Migration 5: every acknowledgement goes through one function, which writes the alert's journal line with it
/// (docs/postgresql.md, "Acknowledging on PostgreSQL").
///
/// `coldtrace_acknowledge(alert, by, note)` is `SECURITY DEFINER`, owned by the schema's owner (the role that runs the
/// migrations) with `search_path` pinned to the schema, so it writes what a cooperative's role may not write itself.
/// It checks the caller (`session_user`, the login role, not the owner the function runs as): the owner and a
/// superuser may acknowledge any alert; a cooperative's role only an alert of a site granted to it with `can_ack`.
/// An alert of a site it may not see is "no alert with that id" (SQLSTATE CT404), exactly as an id that does not
/// exist, so ids reveal nothing of another cooperative; one of a site it may only read is refused (CT403). It then
/// updates the alert as SQLite's acknowledgement does (an open alert becomes acked; a resolved one keeps its state and
/// gains the acknowledgement; the note is kept unless a new one is given) and appends the journal line, in the
/// format of SQLite's `acked` line, to the chain of the alert's site's slot, with `"prev"` the hash of the chain's
/// previous line and the chain's head row locked, all in the caller's transaction. The time is the server's.
///
/// The direct column update of migration 3 is taken back from `coldtrace_ack`, so no acknowledgement escapes the
/// journal; the group may execute the function, and no one else but the owner.
///
/// The line is built in SQL with the same text as `AlertMessage.encode` (JSONText's escaping and shortest numbers,
/// RFC 3339 UTC times with milliseconds); `extra_float_digits` is pinned so numbers keep every digit. Every operand of
/// `||` is text and every number compared or multiplied has its type spelled out: an operator of the schema that
/// matched a call more exactly than pg_catalog's polymorphic or implicitly cast one would run as the owner. The
/// migration also takes CREATE on the schema from PUBLIC, and moves every policy from `current_user` to
/// `session_user`, the caller this function checks (the caller's `current_user` cannot be seen from inside it).
enum PostgresAckFunction {
  static let sql = """
    CREATE FUNCTION coldtrace_json_text(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT COALESCE(to_json(p_text)::text, 'null') $$;

    CREATE FUNCTION coldtrace_json_time(p_ms bigint) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN p_ms IS NULL THEN 'null' ELSE
        '"' || to_char(timestamp '1970-01-01' + p_ms::double precision * interval '1 millisecond',
          'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'
      END
    $$;

    -- As JSONText.number: the shortest digits that read back as the same double, positional from 1e-6 up to 1e21,
    -- exponent form beyond (1e+21, 5e-324), null for NaN and infinities.
    CREATE FUNCTION coldtrace_json_number(p_value double precision) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SET extra_float_digits = 1 AS $$
    DECLARE
      shortest text;
    BEGIN
      IF p_value IS NULL OR p_value IN ('NaN', 'Infinity', '-Infinity') THEN
        RETURN 'null';
      END IF;
      shortest := p_value::text;
      IF p_value = 0::double precision THEN
        RETURN shortest;
      END IF;
      IF abs(p_value) >= 1e-6::double precision AND abs(p_value) < 1e21::double precision THEN
        RETURN shortest::numeric::text;
      END IF;
      RETURN regexp_replace(shortest, 'e([+-])0*([0-9])', 'e\\1\\2');
    END
    $$;

    DO $migration$
    BEGIN
      EXECUTE format($function$
        CREATE FUNCTION coldtrace_acknowledge(p_alert bigint, p_by text, p_note text)
        RETURNS TABLE (chain integer, event_id bigint, state text, line text)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = %I, pg_temp SET extra_float_digits = 1
        AS $body$
        DECLARE
          caller text := session_user;
          privileged boolean;
          alert_found boolean;
          may_ack boolean;
          alert alerts%%ROWTYPE;
          slot_chain integer;
          head journal_heads%%ROWTYPE;
          at_ms bigint;
          new_line text;
        BEGIN
          IF p_by IS NULL OR btrim(p_by) = '' OR char_length(p_by) > 128 OR p_by ~ '[[:cntrl:]]' THEN
            RAISE EXCEPTION 'the person acknowledging must be named (1-128 characters, no control characters)'
              USING ERRCODE = '22023';
          END IF;
          IF char_length(p_note) > 2000 THEN
            RAISE EXCEPTION 'the note is longer than 2000 characters' USING ERRCODE = '22023';
          END IF;
          privileged := caller = current_user OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = caller AND rolsuper);
          SELECT * INTO alert FROM alerts WHERE id = p_alert;
          alert_found := FOUND;
          IF alert_found AND NOT privileged THEN
            SELECT a.can_ack INTO may_ack FROM site_access a WHERE a.role = caller AND a.site = alert.site;
          END IF;
          IF NOT alert_found OR (NOT privileged AND may_ack IS NULL) THEN
            RAISE EXCEPTION 'no alert with id %%', p_alert USING ERRCODE = 'CT404';
          END IF;
          IF NOT privileged AND NOT may_ack THEN
            RAISE EXCEPTION 'role %% may read but not acknowledge the alerts of site %%', caller, alert.site
              USING ERRCODE = 'CT403';
          END IF;

          -- The chain's head first, then the alert's row: a collector's transaction may hold the head (a line it
          -- appended) and then update an alert, so taking the alert first could deadlock with it.
          SELECT s.slot INTO slot_chain FROM sites s WHERE s.site = alert.site;
          slot_chain := COALESCE(slot_chain, 0);
          INSERT INTO journal_heads AS h (chain, last_id, last_hash)
            VALUES (slot_chain, 0, repeat('0', 64)) ON CONFLICT DO NOTHING;
          SELECT * INTO head FROM journal_heads h WHERE h.chain = slot_chain FOR UPDATE;
          at_ms := floor(extract(epoch FROM clock_timestamp()) * 1000::numeric)::bigint;
          -- The row as it stands now (an alert's site never changes, so the checks above still hold).
          UPDATE alerts SET state = CASE WHEN alerts.state = 'open' THEN 'acked' ELSE alerts.state END,
            acked_ms = at_ms, acked_by = p_by, note = COALESCE(p_note, alerts.note)
          WHERE id = p_alert RETURNING * INTO alert;

          new_line := '{"prev":' || coldtrace_json_text(head.last_hash)
            || ',"event":"acked","event_id":' || (head.last_id + 1)::text
            || ',"at":' || coldtrace_json_time(at_ms)
            || ',"id":' || alert.id::text
            || ',"kind":' || coldtrace_json_text(alert.kind)
            || ',"severity":' || coldtrace_json_text(alert.severity)
            || ',"state":' || coldtrace_json_text(alert.state)
            || ',"site":' || coldtrace_json_text(alert.site)
            || ',"room":' || coldtrace_json_text(alert.room)
            || ',"sensor":' || coldtrace_json_text(alert.sensor)
            || ',"lots":[' || COALESCE((
                 SELECT string_agg(to_json(lot.value)::text, ',' ORDER BY lot.ordinal)
                 FROM jsonb_array_elements_text(alert.lots::jsonb) WITH ORDINALITY AS lot(value, ordinal)), '')
            || '],"product":' || coldtrace_json_text(alert.product)
            || ',"opened_at":' || coldtrace_json_time(alert.opened_ms)
            || ',"resolved_at":' || coldtrace_json_time(alert.resolved_ms)
            || ',"acked_at":' || coldtrace_json_time(alert.acked_ms)
            || ',"acked_by":' || coldtrace_json_text(alert.acked_by)
            || ',"note":' || coldtrace_json_text(alert.note)
            || ',"limit":' || coldtrace_json_number(alert.limit_value)
            || ',"peak":' || coldtrace_json_number(alert.peak)
            || ',"message":' || coldtrace_json_text(alert.message)
            || ',"unacknowledged":false'
            || ',"silenced":' || coldtrace_json_text(alert.silenced)
            || '}';
          INSERT INTO journal_lines (chain, id, alert_id, lot_id, event, at_ms, line)
            VALUES (slot_chain, head.last_id + 1, alert.id, NULL, 'acked', at_ms, new_line);
          UPDATE journal_heads h SET last_id = head.last_id + 1,
            last_hash = encode(sha256(convert_to(new_line, 'UTF8')), 'hex')
          WHERE h.chain = slot_chain;
          RETURN QUERY SELECT slot_chain, head.last_id + 1, alert.state, new_line;
        END
        $body$
      $function$, current_schema());
    END
    $migration$;

    REVOKE ALL ON FUNCTION coldtrace_acknowledge(bigint, text, text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION coldtrace_acknowledge(bigint, text, text) TO coldtrace_ack;
    -- Every acknowledgement is journaled: no direct update of alerts is left to the cooperatives.
    REVOKE UPDATE (state, acked_ms, acked_by, note) ON alerts FROM coldtrace_ack;
    DROP POLICY acknowledge ON alerts;

    -- One caller everywhere: the login role (session_user), which no one but a superuser can change, and which
    -- site_access names (`coldtrace access grant` grants login roles only). The function cannot see its caller's
    -- current_user (inside it, current_user is the owner), so the policies of migrations 3 and 4 are moved from
    -- current_user to session_user: a login role that SETs ROLE to a cooperative's role sees what its login may see,
    -- in `alerts` as in `ack`. Also nobody but the schema's owner may create in it (PostgreSQL 15 makes `public` so,
    -- a database upgraded from 14 may not): an operator there could otherwise catch a call of the function above.
    DO $policies$
    DECLARE
      policy record;
    BEGIN
      EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', current_schema());
      -- Only the privilege's grantor may take it back: on a schema owned by someone else (public owned by postgres,
      -- a database upgraded from 14) the REVOKE above only warns. Refused, not left open.
      IF has_schema_privilege('public', current_schema(), 'CREATE') THEN
        RAISE EXCEPTION 'anyone may create in schema %, which lets a caller catch the acknowledgement function',
          current_schema()
          USING HINT = format('as the superuser: REVOKE CREATE ON SCHEMA %I FROM PUBLIC (deploy/postgresql/owner.sql '
            || 'does it), then run coldtrace database setup again', current_schema());
      END IF;
      FOR policy IN
        SELECT p.polname, c.relname, pg_get_expr(p.polqual, p.polrelid) AS qual,
          pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        WHERE c.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = current_schema())
      LOOP
        IF policy.qual LIKE '%CURRENT_USER%' THEN
          EXECUTE format('ALTER POLICY %I ON %I USING (%s)', policy.polname, policy.relname,
            replace(policy.qual, 'CURRENT_USER', 'SESSION_USER'));
        END IF;
        IF policy.with_check LIKE '%CURRENT_USER%' THEN
          EXECUTE format('ALTER POLICY %I ON %I WITH CHECK (%s)', policy.polname, policy.relname,
            replace(policy.with_check, 'CURRENT_USER', 'SESSION_USER'));
        END IF;
      END LOOP;
    END
    $policies$;
    """
}
