#!/usr/bin/env bash
# Collector ingest rate of third-party (`[[source]]`) traffic against the broker's own delivery rate, at QoS 0 and
# QoS 1, in one run on this machine (loopback only).
#   benchmarks/third-party-ingest.sh [messages-per-run]
#   COLDTRACE_BENCH_BIN=.build/debug benchmarks/third-party-ingest.sh   # already-built binaries, no release build
#   COLDTRACE_BENCH_QOS=0 benchmarks/third-party-ingest.sh 300000     # one QoS only (mosquitto 2.0.11 itself slows to
#     ~1,000 msg/s with 300,000 QoS 1 messages queued for one session, so a long backlog is measured at QoS 0)
#   COLDTRACE_BENCH_WINDOW=100 benchmarks/third-party-ingest.sh          # the collector on MQTT 3.1.1, the broker's
#     max_inflight_messages 100: the QoS 1 messages it sends ahead of the collector's PUBACKs (under MQTT 5, the
#     default, the collector announces its own Receive Maximum)
# The publisher is one `mosquitto_pub -l` (a message per line) of `preset = "json"` payloads with their own time, as
# a plain publisher without an outbox sends them. Each consumer drains the same backlog: readings the broker queued in
# its persistent session while it was away (`queue_qos0_messages true`, so QoS 0 ones are queued too).
# 1. ceiling: mosquitto → mosquitto_sub -q 1 to /dev/null; 2. `coldtrace collect` with the source (mapped, stored,
# rules evaluated). The clock runs from the consumer's start to its last message (the collector's also from its
# first stored reading).
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-20000}
source benchmarks/lib.sh
bench_setup coldtrace-third-party coldtrace
bench_broker_config
echo 'queue_qos0_messages true' >> "$work/mosquitto.conf"
[ -z "${COLDTRACE_BENCH_WINDOW:-}" ] || echo "max_inflight_messages $COLDTRACE_BENCH_WINDOW" >> "$work/mosquitto.conf"
bench_start_broker
topic=farm/cold1/p1/json
now() { date +%s.%N; }
rate_of() { python3 -c "print(f'{$1 / ($3 - $2):.0f}')"; }
[ -z "${COLDTRACE_BENCH_WINDOW:-}" ] || echo 'mqtt_version = 311' > "$work/collector.toml"
bench_third_party_backlog "$total"
publish() { mosquitto_pub -h 127.0.0.1 -p "$port" -q "$1" -t "$topic" -l < "$work/payloads.txt"; }

ceiling() {  # $1 = QoS of the publisher
  mosquitto_sub -h 127.0.0.1 -p "$port" -c -i "ceiling-$1" -q 1 -t "$topic" -W 1 >/dev/null 2>&1 || true
  publish "$1"
  local t0; t0=$(now)
  timeout 300 mosquitto_sub -h 127.0.0.1 -p "$port" -c -i "ceiling-$1" -q 1 -t "$topic" -C "$total" > /dev/null
  rate_of "$total" "$t0" "$(now)"
}

drain() {  # $1 = QoS of the publisher; prints: stored, rate from the collector's start, rate from its first reading
  local label="qos$1" db="$work/qos$1.db"
  bench_collect "$work/$label-1.log" farm/+/+/json --config "$work/collector.toml" --db "$db" --id "$label"
  kill "$collector"; wait "$collector" 2>/dev/null || true
  publish "$1"
  python3 - "$bin/coldtrace" "$db" "$port" "$label" "$total" "$work/$label-2.log" "$work/collector.toml" <<'PY'
import sys
sys.path.insert(0, "benchmarks")
from lib import drain
binary, db, port, label, expected, log, config = sys.argv[1:8]
command = [binary, "collect", "--config", config, "--db", db, "--broker", f"mqtt://127.0.0.1:{port}", "--id", label]
print(*drain(command, db, log, int(expected), "SELECT COUNT(*) FROM readings"))
PY
}

qos_levels=${COLDTRACE_BENCH_QOS:-0 1}
declare -A ceilings lines
for qos in $qos_levels; do ceilings[$qos]=$(ceiling "$qos"); done
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
for qos in $qos_levels; do
  read -r stored rate steady < <(drain "$qos")
  lines[$qos]="collector, QoS $qos: $stored stored, $rate readings/s = $(ratio "$rate" "${ceilings[$qos]}") x ceiling from its start; $steady readings/s = $(ratio "$steady" "${ceilings[$qos]}") x ceiling from its first stored reading"
done
{
  echo "machine: $(nproc) cores, $(date -u +%F), binaries: $bin; backlog of $total third-party readings" \
    "(preset json, payload time) drained after reconnecting${COLDTRACE_BENCH_WINDOW:+; MQTT 3.1.1, broker max_inflight_messages $COLDTRACE_BENCH_WINDOW}"
  for qos in $qos_levels; do
    echo "ceiling QoS $qos, mosquitto → mosquitto_sub -q 1 > /dev/null: ${ceilings[$qos]} msg/s"
  done
  for qos in $qos_levels; do echo "${lines[$qos]}"; done
} | tee "benchmarks/results/third-party-ingest${COLDTRACE_BENCH_LABEL:+-$COLDTRACE_BENCH_LABEL}.txt"
