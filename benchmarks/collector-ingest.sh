#!/usr/bin/env bash
# Collector ingest rate against the broker's own delivery rate, in one run on this machine (loopback only).
#   benchmarks/collector-ingest.sh [messages-per-run]
# 1. ceiling: `coldtrace-sim load` → mosquitto (max_queued_messages 0) → mosquitto_sub -q 1 to /dev/null;
# 2. the collector on the same stream (storing durably, evaluating rules); 3. the same with `samples` batches of 100.
# Rates are messages (or samples) per second from the first to the last one the consumer got.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-20000}
if [ -z "${COLDTRACE_BENCH_BUILT:-}" ]; then  # run-all.sh builds once
  scripts/bootstrap.sh >/dev/null
  swift build -c release --product coldtrace >/dev/null
  swift build -c release --product coldtrace-sim >/dev/null
fi
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/coldtrace-ingest-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\npersistence false\n%s\n' \
  "$port" "$( [ "$(id -u)" = 0 ] && echo 'user root')" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 & pids+=($!)
sleep 0.5
sensors=20
rate=$(python3 -c "print($total / $sensors / 5)")   # published over 5 s while the consumer is away
topic='coldtrace/v1/reading/#'
now() { date +%s.%N; }
rate_of() { python3 -c "print(f'{$1 / ($3 - $2):.0f}')"; }
load() {  # $1 = batch, $2 = seed
  "$bin/coldtrace-sim" load --broker "mqtt://127.0.0.1:$port" --sites 1 --sensors $sensors --rate "$rate" \
    --duration 5 --batch "$1" --seed "$2" --announce-outbox > "$work/load-$2.txt"
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
  "$bin/coldtrace" collect --db "$db" --broker "mqtt://127.0.0.1:$port" --id "$1" 2>"$work/$1-1.log" & local pid=$!
  until grep -q "subscribed to coldtrace/v1/reading" "$work/$1-1.log"; do sleep 0.05; done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  load "$2" "$3"
  local t0; t0=$(now)
  "$bin/coldtrace" collect --db "$db" --broker "mqtt://127.0.0.1:$port" --id "$1" 2>"$work/$1-2.log" & pid=$!
  pids+=("$pid")
  local deadline=$(( $(date +%s) + 300 ))
  while [ "$(sqlite3 "$db" 'SELECT COUNT(*) FROM readings' 2>/dev/null || echo 0)" -lt "$4" ] \
    && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.02; done
  local t1; t1=$(now)
  local stored; stored=$(sqlite3 "$db" 'SELECT COUNT(*) FROM readings')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$stored $(rate_of "$stored" "$t0" "$t1")"
}
read -r single_stored single_rate < <(drain single 1 2 "$total")
read -r batch_stored batch_rate < <(drain batched 100 3 "$total")
{
  echo "machine: $(nproc) cores, $(date -u +%F); backlog of $total readings ($sensors sensors) drained after reconnecting"
  echo "ceiling, mosquitto → mosquitto_sub -q 1 > /dev/null: $ceiling msg/s"
  echo "collector, single-sample QoS 1 (stored, rules evaluated, acks): $single_stored stored, $single_rate readings/s" \
    "= $(python3 -c "print(f'{$single_rate/$ceiling:.2f}')") x ceiling"
  echo "collector, samples batches of 100: $batch_stored stored, $batch_rate samples/s"
} | tee benchmarks/results/collector-ingest.txt
