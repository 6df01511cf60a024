#!/usr/bin/env bash
# One site invents sensor ids (issue 24): the collector's memory and tables before and after one reading from each
# of N ids of one site, with the default site limits (loopback only).
#   benchmarks/site-flood.sh [ids]      (default 60000)
# Prints VmRSS of the collector (/proc/<pid>/status) before and after, its sources rows, its quarantine by reason
# and its log lines.
set -euo pipefail
cd "$(dirname "$0")/.."
ids=${1:-60000}
source benchmarks/lib.sh
bench_setup coldtrace-flood coldtrace
bench_broker_config
bench_start_broker
db="$work/flood.db"
bench_collect "$work/collector.log" coldtrace/v1/reading --db "$db"
python3 benchmarks/site-flood.py "$port" hongxuan 2 >/dev/null   # two probes first: the collector's usual state
sleep 1
before=$(awk '/VmRSS/ {print $2}' "/proc/$collector/status")
python3 benchmarks/site-flood.py "$port" hongxuan "$ids" >/dev/null
handled() { sqlite3 "$db" 'SELECT (SELECT COUNT(*) FROM readings) + (SELECT COUNT(*) FROM quarantine)'; }
bench_wait_for_count "$ids" 300 handled
sleep 2
after=$(awk '/VmRSS/ {print $2}' "/proc/$collector/status")
{
  echo "machine: $(nproc) cores, $(date -u +%F), commit $(git rev-parse --short HEAD); $ids invented ids of one site"
  echo "collector VmRSS: $before kB before, $after kB after (+$(( (after - before) / 1024 )) MiB)"
  echo "sources rows: $(sqlite3 "$db" 'SELECT COUNT(*) FROM sources'); quarantine:" \
    "$(sqlite3 "$db" "SELECT group_concat(reason || '=' || n, ' ') FROM (SELECT reason, COUNT(*) n FROM quarantine GROUP BY reason)")"
  echo "open alerts: $(sqlite3 "$db" "SELECT group_concat(kind || '=' || n, ' ') FROM (SELECT kind, COUNT(*) n FROM alerts GROUP BY kind)");" \
    "collector log lines: $(wc -l < "$work/collector.log")"
} | tee benchmarks/results/site-flood.txt
