#!/usr/bin/env bash
# Agent footprint and backlog drain, on this machine, against a local broker and collector (loopback only).
#   benchmarks/agent-footprint.sh [seconds-to-sample]
# Prints: binary size; RSS (current and peak) and CPU share of `coldtrace-agent` with 10 simulated probes sampled
# every second; the drain rate of a backlog built while the broker was down. Results also go to
# benchmarks/results/agent-footprint.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
source benchmarks/lib.sh
bench_setup coldtrace-bench coldtrace-agent coldtrace
bench_broker_config
agent_config() {  # $1 = state dir, $2 = interval, $3 = site
  mkdir -p "$1"
  {
    echo "site = \"$3\""; echo "agent = \"$3-edge\""; echo "broker = \"mqtt://127.0.0.1:$port\""
    echo "state_dir = \"$1\""; echo "interval_seconds = $2"
    for i in $(seq 1 10); do printf '[[sensor]]\nid = "probe-%s"\nroom = "cold1"\ndriver = "simulated"\nseed = %s\n' "$i" "$i"; done
  } > "$1/agent.toml"
}
count() { sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM readings JOIN sources ON sources.id = source_id WHERE site = '$1'"; }
stat_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

bench_start_broker
"$bin/coldtrace" collect --db "$work/bench.db" --broker "mqtt://127.0.0.1:$port" 2>"$work/collector.log" &
pids+=($!)
sleep 1

# 1. Steady state: 10 probes every second.
agent_config "$work/steady" 1 steady
"$bin/coldtrace-agent" run --config "$work/steady/agent.toml" 2>"$work/steady/agent.log" &
agent=$!; pids+=("$agent")
sleep 3
ticks0=$(stat_ticks "$agent"); t0=$(date +%s.%N)
sleep "$seconds"
ticks1=$(stat_ticks "$agent"); t1=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent/status"); hwm=$(awk '/VmHWM/ {print $2}' "/proc/$agent/status")
hz=$(getconf CLK_TCK)
cpu=$(python3 -c "print(f'{100*($ticks1-$ticks0)/$hz/($t1-$t0):.2f}')")
kill "$agent"; wait "$agent" 2>/dev/null || true

# 2. Backlog drain: record with the broker down, then time the replay into the collector.
kill "$broker"; wait "$broker" 2>/dev/null || true
agent_config "$work/backlog" 0.002 backlog
"$bin/coldtrace-agent" run --config "$work/backlog/agent.toml" --samples 3000 --drain-seconds 300 \
  2>"$work/backlog/agent.log" &
agent=$!; pids+=("$agent")
sleep 12
bench_start_broker
# The clock starts at the first replayed sample, not at the broker's start (the agent's reconnect back-off).
until [ "$(count backlog 2>/dev/null || echo 0)" -gt 0 ]; do sleep 0.01; done
t0=$(date +%s.%N); first=$(count backlog)
deadline=$(( $(date +%s) + 120 ))
while [ "$(count backlog)" -lt 30000 ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.02; done
t1=$(date +%s.%N)
stored=$(( $(count backlog) - first ))
rate=$(python3 -c "print(f'{$stored/($t1-$t0):.0f}')")
drain_seconds=$(python3 -c "print(f'{$t1-$t0:.2f}')")

size=$(stat -c %s "$bin/coldtrace-agent")
{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)"
  echo "coldtrace-agent release, static Swift stdlib: $((size / 1024 / 1024)) MB ($size bytes)"
  echo "10 probes every 1 s for ${seconds} s: RSS ${rss} kB now, ${hwm} kB peak; CPU ${cpu} %"
  echo "backlog drain: $(count backlog) of 30000 samples stored; ${stored} in ${drain_seconds} s after the first = ${rate} samples/s"
} | tee benchmarks/results/agent-footprint.txt
