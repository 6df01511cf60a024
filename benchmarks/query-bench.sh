#!/usr/bin/env bash
# Shell queries on a database of 10 million readings and 100,000 alerts (benchmarks/generate-query-db.sh).
#   benchmarks/query-bench.sh [db-path] [runs]
# The database is generated when the path does not exist yet (about two minutes), then kept for later runs. Each
# command runs `runs` times (default 3) with its output to /dev/null; the median wall time is printed. Also: database
# bytes per stored reading after a checkpoint, whole file and the readings table with its indexes alone.
# Results in benchmarks/results/query-bench.txt, as `figure<TAB>value<TAB>command` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-/tmp/coldtrace-query-10m.db}
runs=${2:-3}
source benchmarks/lib.sh
if [ -z "${COLDTRACE_BENCH_BUILT:-}" ]; then bench_build coldtrace; else bench_build_path; fi
[ -f "$db" ] || COLDTRACE="$bin/coldtrace" benchmarks/generate-query-db.sh "$db" >&2
# Let the current code migrate the generated database (new indexes) before anything is timed.
COLDTRACE_DB="$db" "$bin/coldtrace" alerts --since 1m >/dev/null

median_ms() {  # the command's median wall time over $runs runs, output discarded
  python3 - "$runs" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, command = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    times.append((time.perf_counter() - t0) * 1000)
    if done.returncode != 0:
        print(f"failed ({done.returncode}): {done.stderr.decode().strip()[:80]}")
        sys.exit(0)
print(f"{statistics.median(times):.0f} ms")
PY
}
export COLDTRACE_DB="$db"
rows() {  # figure, command...
  local figure=$1; shift
  printf '%s\t%s\t%s\n' "$figure" "$(median_ms "$@")" "${*/#$bin\//}"
}
{
  rows "alerts --since 30d (table)" "$bin/coldtrace" alerts --since 30d
  rows "alerts --since 30d --json" "$bin/coldtrace" alerts --since 30d --json
  rows "status" "$bin/coldtrace" status
  if "$bin/coldtrace" --help | grep -q '^ *report '; then
    rows "report of a 30-day lot" "$bin/coldtrace" report bench-lot
  else
    printf 'report of a 30-day lot\tn/a: report not merged\tcoldtrace report bench-lot\n'
  fi
  sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  readings=$(sqlite3 "$db" 'SELECT COUNT(*) FROM readings')
  bytes=$(stat -c %s "$db")
  table_bytes=$(sqlite3 "$db" "SELECT SUM(pgsize) FROM dbstat WHERE name = 'readings' OR name IN
    (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'readings')")
  printf 'database bytes per reading (whole file)\t%s\t%s\n' \
    "$(python3 -c "print(f'{$bytes / $readings:.1f}')")" "stat -c %s db / SELECT COUNT(*) FROM readings"
  printf 'bytes per reading (readings table + its indexes)\t%s\t%s\n' \
    "$(python3 -c "print(f'{$table_bytes / $readings:.1f}')")" "SUM(pgsize) FROM dbstat for readings and its indexes"
  sqlite3 "$db" "SELECT name, SUM(pgsize), SUM(ncell), ROUND(1.0 * SUM(pgsize) / $readings, 1) FROM dbstat
    WHERE name = 'readings' OR name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'readings')
    GROUP BY name" | awk -F'|' '{printf "  %s\t%s bytes per reading\t(%s bytes, %s cells)\n", $1, $4, $2, $3}'
} | tee benchmarks/results/query-bench.txt
