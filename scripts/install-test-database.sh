# Sourced by scripts/install-test.sh after the README's blocks and their checks: `deploy/install.sh --database` on the
# same booted Debian 12 (docs/postgresql.md, "Installing the database"), run as the operator from the checkout with
# the `coldtrace` block 2 built, then run again.
# shellcheck shell=bash

pg_url='postgres:///coldtrace?host=/run/postgresql'
began=$SECONDS
if as_operator 'cd ~/coldtrace && sudo deploy/install.sh --database --no-build' > "$cache/database.log" 2>&1; then
  result "install.sh --database" PASS "$((SECONDS - began)) s; $(grep '^install: database ready' "$cache/database.log")"
else
  result "install.sh --database" FAIL "$(tail -3 "$cache/database.log" | paste -sd' ' -) (log: $cache/database.log)"
fi
sed 's/^/    /' "$cache/database.log" | grep -v "^    +\|^  *ok " | tail -12

# What it made: the settings in force, the owner role as it should be, the schema, peer login as the system user.
as_postgres() { in_box runuser -u postgres -- psql -X -At -d coldtrace -c "$1" 2> /dev/null || true; }
settings=$(as_postgres "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN
  ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'max_wal_senders', 'listen_addresses')")
expected="fsync=on full_page_writes=on listen_addresses=localhost max_wal_senders=10 synchronous_commit=on wal_level=replica"
if [ "$settings" = "$expected" ]; then result "the cluster's settings" PASS "$settings"; else
  result "the cluster's settings" FAIL "$settings"
fi
role=$(as_postgres "SELECT rolcanlogin, rolcreaterole, rolsuper, pg_get_userbyid(datdba) FROM pg_roles, pg_database
  WHERE rolname = 'coldtrace' AND datname = 'coldtrace'")
status=$(in_box runuser -u coldtrace -- coldtrace database status --db "$pg_url" 2>&1 || true)
if [ "$role" = "t|f|f|coldtrace" ] && grep -q "ColdTrace schema version [1-9]" <<< "$status" \
  && ! grep -q "not yet" <<< "$status"; then
  result "owner role, schema, peer login" PASS "$(head -1 <<< "$status" | cut -c1-80)"
else
  result "owner role, schema, peer login" FAIL "role $role; $(paste -sd' ' <<< "$status" | cut -c1-160)"
fi

# Again: nothing replaced, PostgreSQL not restarted, no migration applied.
postmaster=$(in_box systemctl show -p MainPID --value postgresql@15-main)
as_operator 'cd ~/coldtrace && sudo deploy/install.sh --database --no-build' > "$cache/database-again.log" 2>&1 || true
if grep -q "PostgreSQL keeps running: none of its files changed" "$cache/database-again.log" \
  && grep -q "up to date; nothing applied" "$cache/database-again.log" \
  && grep -q "keep role coldtrace" "$cache/database-again.log" \
  && [ "$postmaster" = "$(in_box systemctl show -p MainPID --value postgresql@15-main)" ]; then
  result "install.sh --database again" PASS "nothing replaced or restarted, nothing applied"
else
  result "install.sh --database again" FAIL "$(grep 'restarted\|replaced\|applied\|would' "$cache/database-again.log" \
    | head -3 | paste -sd' ' -)"
fi
