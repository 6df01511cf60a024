/// Migration 2: the functions every writer calls, so the rules hold whatever client writes.
///
/// - `coldtrace_fence(slot, epoch)`: the first statement of every write transaction of a slot (`SlotWriter`). It
///   takes the slot's row FOR SHARE and raises SQLSTATE CT409 unless the epoch is the writer's: after a takeover bumped
///   it, a stale owner's transaction fails before it writes anything. While a transaction holds the row FOR SHARE, a
///   takeover's UPDATE of the epoch waits for it to end, so every write is ordered either before the takeover (and
///   committed under the old owner) or after it (and refused).
/// - `coldtrace_ensure_month(ms)`: creates the month of `ms` as a partition of `readings` unless it is there, and
///   returns its name (`readings_y2026m12`). The table is created on its own and then attached, which takes only a
///   SHARE UPDATE EXCLUSIVE lock on `readings` (CREATE TABLE … PARTITION OF would lock out every reader). A month that
///   was detached is refused, not made again empty: its rows are in the detached table.
enum PostgresFunctions {
  static let sql = """
    CREATE FUNCTION coldtrace_fence(p_slot integer, p_epoch bigint) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
      holder collector_slots%ROWTYPE;
    BEGIN
      SELECT * INTO holder FROM collector_slots WHERE slot = p_slot FOR SHARE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'slot % has no owner; a writer holding epoch % may not write (fenced)', p_slot, p_epoch
          USING ERRCODE = 'CT409';
      END IF;
      IF holder.epoch <> p_epoch THEN
        RAISE EXCEPTION 'slot % was taken over by % at epoch % (%); this writer holds epoch % and may not write (fenced)',
          p_slot, holder.owner, holder.epoch, holder.since, p_epoch
          USING ERRCODE = 'CT409';
      END IF;
    END
    $$;

    CREATE FUNCTION coldtrace_ensure_month(p_ms bigint) RETURNS text
    LANGUAGE plpgsql AS $$
    DECLARE
      month_start timestamp := date_trunc('month', to_timestamp(p_ms / 1000.0) AT TIME ZONE 'UTC');
      from_ms bigint := (extract(epoch FROM month_start) * 1000)::bigint;
      to_ms bigint := (extract(epoch FROM month_start + interval '1 month') * 1000)::bigint;
      name text := 'readings_y' || to_char(month_start, 'YYYY') || 'm' || to_char(month_start, 'MM');
    BEGIN
      -- Two writers making the same month: the second waits, then finds it.
      PERFORM pg_advisory_xact_lock(4850082474931790194);
      IF to_regclass(name) IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(name)
                       AND inhparent = 'readings'::regclass) THEN
          RAISE EXCEPTION 'the month of % is detached (table % exists but is no partition of readings): attach it again to store readings of that month',
            to_char(month_start, 'YYYY-MM'), name;
        END IF;
        RETURN name;
      END IF;
      EXECUTE format('CREATE TABLE %I (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
      EXECUTE format('ALTER TABLE readings ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', name, from_ms, to_ms);
      RETURN name;
    END
    $$;
    """
}
