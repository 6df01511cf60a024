#!/usr/bin/env bash
# `coldtrace report` speed: a 30-day lot with 4 probes read every minute (172,800 readings) and a few alerts, each
# format timed as the median of 5 runs of the release build. Prints a table and keeps it in
# benchmarks/results/report-<date>.txt. Needs the sqlite3 CLI (Debian `sqlite3`) to generate the data fast.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5
source benchmarks/lib.sh
bench_build coldtrace
bin="$bin/coldtrace"
# KEEP_DIR=dir keeps the generated database there (for profiling); otherwise a temporary directory is removed.
if [ -n "${KEEP_DIR:-}" ]; then
  work="$KEEP_DIR"
  mkdir -p "$work"
  rm -f "$work/bench.db"*
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
db="$work/bench.db"
t0=1780000000000 # 2026-05-28T20:26:40Z
minutes=43200    # 30 days
"$bin" lot add --db "$db" LT-BENCH --product litchi --market eu --room bench/cold1 --at "$((t0 / 1000))" >/dev/null
sqlite3 "$db" <<SQL
INSERT INTO sources (site, sensor, room, agent) VALUES
  ('bench','probe-1','cold1','edge'), ('bench','probe-2','cold1','edge'),
  ('bench','probe-3','cold1','edge'), ('bench','probe-4','cold1','edge');
-- Their room history (migration v19 on): a probe is in a lot's report only while it hung in the lot's room.
INSERT INTO probe_rooms (source_id, from_ms, room) SELECT id, 0, room FROM sources WHERE site = 'bench';
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < $minutes - 1)
INSERT INTO readings (source_id, seq, ts_ms, temp_mc, rh_mpct)
SELECT s.id, m.i + 1, $t0 + m.i * 60000 + s.id * 1000,
  CASE WHEN m.i BETWEEN 10000 AND 10040 AND s.id = 2 THEN 6500 ELSE 2000 + ((m.i * 7 + s.id * 13) % 20) * 100 END,
  88000 + ((m.i * 3 + s.id) % 12) * 500
FROM m CROSS JOIN sources s WHERE s.site = 'bench' AND NOT (m.i BETWEEN 20000 AND 20010 AND s.id = 3);
INSERT INTO alerts (kind, severity, state, site, room, sensor, product, lots, opened_ms, resolved_ms, acked_ms,
  acked_by, note, limit_value, peak, message)
VALUES ('temp_high','warning','resolved','bench','cold1','probe-2','litchi','["LT-BENCH"]', $t0 + 10030 * 60000,
  $t0 + 10041 * 60000, $t0 + 10035 * 60000, 'lan', 'door left open, closed', 5, 6.5, 'temperature above 5 °C'),
  ('offline','warning','resolved','bench','cold1','probe-3','litchi','["LT-BENCH"]', $t0 + 20005 * 60000,
  $t0 + 20011 * 60000, NULL, NULL, NULL, NULL, NULL, 'probe-3 silent');
SQL
"$bin" lot close --db "$db" LT-BENCH --at "$(((t0 + minutes * 60000) / 1000))" >/dev/null
readings=$(sqlite3 "$db" "SELECT count(*) FROM readings")
# Median wall-clock and median CPU (user + system) milliseconds of $runs runs: "wall cpu".
median_ms() {
  local walls=() cpus=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o "$work/time" "$bin" report --db "$db" LT-BENCH "$@" --out "$work/out" >/dev/null
    end=$(date +%s%N)
    walls+=($(((end - start) / 1000000)))
    cpus+=($(awk '{ printf "%d", ($1 + $2) * 1000 }' "$work/time"))
  done
  local middle=$(((runs + 1) / 2))
  echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "${middle}p") $(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${middle}p")"
}
[ "${GENERATE_ONLY:-0}" = 1 ] && exit 0
result="benchmarks/results/report-$(date -u +%Y-%m-%d).txt"
{
  echo "coldtrace report, release build, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "lot: 30 days, 4 probes every minute: $readings readings, 2 alerts; median of $runs runs (whole process)"
  echo "machine load average before: $(cut -d' ' -f1-3 /proc/loadavg) (wall time includes waiting for a core)"
  printf '%-8s %-4s %9s %8s %12s\n' format lang wall_ms cpu_ms output_bytes
  for format in text json csv html epcis; do
    for lang in en vi; do
      read -r wall cpu < <(median_ms --format "$format" --lang "$lang")
      printf '%-8s %-4s %9s %8s %12s\n' "$format" "$lang" "$wall" "$cpu" "$(stat -c %s "$work/out")"
    done
  done
  "$bin" report --db "$db" LT-BENCH --format text --out "$work/report.txt" >/dev/null
  read -r wall cpu < <(median_ms --verify "$work/report.txt")
  printf '%-8s %-4s %9s %8s\n' verify - "$wall" "$cpu"
  # Signing (Ed25519 over the whole file) and the offline check of the signed file, which reads no database.
  (cd "$work" && "$bin" keys init --out "$work/coop" >/dev/null)
  read -r wall cpu < <(median_ms --format csv --sign --key "$work/coop.key")
  printf '%-8s %-4s %9s %8s %12s\n' csv+sign en "$wall" "$cpu" "$(stat -c %s "$work/out")"
  cp "$work/out" "$work/signed.csv"
  walls=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$bin" report verify "$work/signed.csv" --key "$work/coop.pub" >/dev/null
    walls+=($((($(date +%s%N) - start) / 1000000)))
  done
  printf '%-8s %-4s %9s\n' sig-check - "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")"
} | tee "$result"
