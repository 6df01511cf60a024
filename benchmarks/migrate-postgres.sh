#!/usr/bin/env bash
# Moving up (issue 20; docs/postgresql.md, "Moving up"): `coldtrace migrate --to postgres://…` of a database with
# 1,000,000 readings and 100,000 alerts into a throw-away PostgreSQL 15 cluster (the server's durable defaults).
#   benchmarks/migrate-postgres.sh [minutes]        (default 50000: 50,000 minutes × 20 probes = 1,000,000 readings)
# 1. The SQLite database: benchmarks/generate-query-db.sh (20 probes, one reading a minute, 100,000 alerts with
#    their `opened`/`resolved` journal lines, a lot added and closed by the real `coldtrace lot`). That script writes
#    the alert lines with 64 zeros as `prev`; here they are chained for real (each `prev` the SHA-256 of the line
#    before, as the collector writes them), so the source's journal verifies like a collector's.
# 2. `coldtrace migrate` into an empty database: wall time, readings/s, the per-table counts it prints.
# 3. `coldtrace journal verify --db postgres://…` on the copy, and the copy's size.
# COLDTRACE_BENCH_BIN=.build/debug uses the debug build instead of a release build. Results also go to
# benchmarks/results/migrate-postgres-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-50000}
source benchmarks/lib.sh
bench_setup coldtrace-migrate-bench coldtrace
db=$work/source/coldtrace.db
mkdir -p "$work/source"
began=$(date +%s%N)
COLDTRACE="$bin/coldtrace" benchmarks/generate-query-db.sh "$db" "$minutes" >"$work/generate.log"
python3 - "$db" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
prev = "0" * 64
rows = db.execute("SELECT id, line FROM alert_events ORDER BY id").fetchall()
with db:
    for event_id, line in rows:
        assert line.startswith('{"prev":"'), line[:20]
        line = '{"prev":"' + prev + line[9 + 64:]
        db.execute("UPDATE alert_events SET line = ? WHERE id = ?", (line, event_id))
        prev = hashlib.sha256(line.encode()).hexdigest()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
PY
generated_ms=$(( ($(date +%s%N) - began) / 1000000 ))
bench_start_postgres
mkdir -p benchmarks/results
{
  echo "coldtrace migrate to PostgreSQL, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(nproc) cores," \
    "load $(cut -d' ' -f1-3 /proc/loadavg), binaries $bin"
  echo "source: $(sqlite3 "$db" 'SELECT count(*) FROM readings') readings, $(sqlite3 "$db" 'SELECT count(*) FROM alerts')" \
    "alerts, $(sqlite3 "$db" 'SELECT count(*) FROM alert_events') journal lines, $(stat -c %s "$db") bytes" \
    "(generated and chained in $generated_ms ms)"
  echo "target: $(sql 'SELECT version()' | cut -d' ' -f1-2); fsync $(sql 'SHOW fsync'), synchronous_commit" \
    "$(sql 'SHOW synchronous_commit'), empty database"
  echo "\$ coldtrace migrate --db coldtrace.db --to postgres://…"
  start=$(date +%s%N)
  status=0
  "$bin/coldtrace" migrate --db "$db" --to "$url" 2>"$work/progress.log" || status=$?
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  readings=$(sql 'SELECT count(*) FROM readings')
  echo "migrate: exit $status, $elapsed_ms ms wall, $(( readings * 1000 / (elapsed_ms > 0 ? elapsed_ms : 1) )) readings/s" \
    "(process start to exit, schema included); progress lines on stderr: $(wc -l <"$work/progress.log")"
  sed 's/^/  stderr: /' "$work/progress.log"
  echo "\$ coldtrace journal verify --db postgres://…"
  start=$(date +%s%N)
  status=0
  "$bin/coldtrace" journal verify --db "$url" || status=$?
  echo "journal verify: exit $status, $(( ($(date +%s%N) - start) / 1000000 )) ms"
  sql "VACUUM ANALYZE" >/dev/null
  echo "copy: database $(sql "SELECT pg_size_pretty(pg_database_size(current_database()))"), readings" \
    "$(sql "SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) FROM pg_partition_tree('readings') WHERE isleaf")" \
    "in $(sql "SELECT count(*) FROM pg_partition_tree('readings') WHERE isleaf") monthly partitions"
} | tee "benchmarks/results/migrate-postgres-$(date -u +%F).txt"
