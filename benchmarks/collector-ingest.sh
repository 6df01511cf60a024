#!/usr/bin/env bash
# Collector ingest rate against the broker's own delivery rate, in one run on this machine (loopback only).
#   benchmarks/collector-ingest.sh [messages-per-run]
#   COLDTRACE_BENCH_LOAD_ARGS="--incarnation 9f3c0a5e12b4d67" benchmarks/collector-ingest.sh   # payloads with inc
# 1. ceiling: `coldtrace-sim load` → mosquitto (max_queued_messages 0) → mosquitto_sub -q 1 to /dev/null;
# 2. the collector on the same stream (storing durably, evaluating rules); 3. the same with `samples` batches of 100.
# The ceiling is timed from mosquitto_sub's start to its last message; the collector both from its start (process
# start-up, opening the database and connecting included) and from its first committed batch to its last.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-20000}
source benchmarks/lib.sh
bench_setup coldtrace-ingest coldtrace coldtrace-sim
bench_broker_config
bench_start_broker
sensors=20
rate=$(python3 -c "print($total / $sensors / 5)")   # published over 5 s while the consumer is away
topic='coldtrace/v1/reading/#'
now() { date +%s.%N; }
rate_of() { python3 -c "print(f'{$1 / ($3 - $2):.0f}')"; }
load() {  # $1 = batch, $2 = seed
  "$bin/coldtrace-sim" load --broker "mqtt://127.0.0.1:$port" --sites 1 --sensors $sensors --rate "$rate" \
    --duration 5 --batch "$1" --seed "$2" --announce-outbox ${COLDTRACE_BENCH_LOAD_ARGS:-} > "$work/load-$2.txt"
}

# Every consumer drains the same kind of backlog: readings queued by the broker in its persistent session while it
# was away; the clock runs from its reconnection to its last reading.

# 1. Ceiling: the broker draining to a QoS 1 subscriber that does nothing (mosquitto_sub to /dev/null).
mosquitto_sub -h 127.0.0.1 -p "$port" -c -i ceiling -q 1 -t "$topic" -W 1 >/dev/null 2>&1 || true
load 1 1
t0=$(now)
timeout 300 mosquitto_sub -h 127.0.0.1 -p "$port" -c -i ceiling -q 1 -t "$topic" -C "$total" > /dev/null
ceiling=$(rate_of "$total" "$t0" "$(now)")

drain() {  # $1 = label, $2 = batch, $3 = seed, $4 = samples expected
  local db="$work/$1.db"
  bench_collect "$work/$1-1.log" coldtrace/v1/reading --db "$db" --id "$1"
  kill "$collector"; wait "$collector" 2>/dev/null || true
  load "$2" "$3"
  # The load generator numbers each sensor's samples 1, 2, 3, ..., so the sum of the committed watermarks is the
  # number of samples committed. Prints: stored, rate from the collector's start, rate from its first committed batch.
  python3 - "$bin/coldtrace" "$db" "$port" "$1" "$4" "$work/$1-2.log" <<'PY'
import sys
sys.path.insert(0, "benchmarks")
from lib import drain
binary, db, port, label, expected, log = sys.argv[1:7]
command = [binary, "collect", "--db", db, "--broker", f"mqtt://127.0.0.1:{port}", "--id", label]
print(*drain(command, db, log, int(expected), "SELECT COALESCE(SUM(acked_seq), 0) FROM sources",
             "SELECT COUNT(*) FROM readings"))
PY
}
read -r single_stored single_rate single_steady < <(drain single 1 2 "$total")
read -r batch_stored batch_rate batch_steady < <(drain batched 100 3 "$total")
ratio() { python3 -c "print(f'{$1/$ceiling:.2f}')"; }
{
  echo "machine: $(nproc) cores, $(date -u +%F); backlog of $total readings ($sensors sensors) drained after reconnecting"
  echo "ceiling, mosquitto → mosquitto_sub -q 1 > /dev/null: $ceiling msg/s"
  echo "collector, single-sample QoS 1 (stored, rules evaluated, acks): $single_stored stored, $single_rate readings/s" \
    "= $(ratio "$single_rate") x ceiling from the collector's start; $single_steady readings/s" \
    "= $(ratio "$single_steady") x ceiling from its first committed batch"
  echo "collector, samples batches of 100: $batch_stored stored, $batch_rate samples/s from the collector's start;" \
    "$batch_steady samples/s from its first committed batch"
} | tee benchmarks/results/collector-ingest.txt
