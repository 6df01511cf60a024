#!/usr/bin/env bash
# Writes deploy/coldtrace-agent.order: the functions that `coldtrace-agent run` executes, for lld's
# --symbol-ordering-file (Package.swift, target coldtrace-agent). The linker then puts them together at the start of
# .text, so the kernel maps (and counts in RSS) the few hundred kB the agent runs instead of most of its 6 MB of code:
# a page fault maps the 64 kB around it, and spread-out functions touch most of .text (benchmarks/README.md, "Agent
# RSS").
#   scripts/agent-symbol-order.sh [seconds]
# Needs valgrind (callgrind lists the functions that ran). Two runs, each with a local broker: the footprint
# benchmark's (10 simulated probes every second, a collector confirming) for [seconds] (default 20), then the
# 1-wire, IIO and hwmon drivers on the Tests/Fixtures/sysfs-pi tree. Run it again after larger changes to the agent:
# names that no longer exist are skipped by the linker, and a function missing from the list costs memory, never
# correctness.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
command -v valgrind >/dev/null || { echo "agent-symbol-order: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
source benchmarks/lib.sh
bench_setup coldtrace-order coldtrace-agent coldtrace
# The link map says which input section holds each symbol (the output is the same binary).
swift build -c release --static-swift-stdlib --scratch-path "$bench_scratch" --product coldtrace-agent \
  -Xlinker -Map="$work/agent.map" >/dev/null
bench_broker_config
bench_start_broker
"$bin/coldtrace" collect --db "$work/order.db" --broker "mqtt://127.0.0.1:$port" 2>"$work/collector.log" &
pids+=($!)
sleep 1

callgrind() {  # $1 = output name, then the agent's arguments (exec: in the background, $! is valgrind itself)
  local out=$1; shift
  exec valgrind --tool=callgrind --demangle=no --compress-strings=no --compress-pos=no \
    --callgrind-out-file="$work/$out.callgrind" "$bin/coldtrace-agent" "$@" 2>"$work/$out.log"
}

# 1. The footprint benchmark's agent, stopped by SIGTERM as systemd stops it. Names with digits, dashes and
# underscores: checking an identifier runs code for each kind of character.
mkdir -p "$work/simulated"
{
  echo 'site = "site-1"'; echo 'agent = "site-1-edge"'; echo "broker = \"mqtt://127.0.0.1:$port\""
  echo "state_dir = \"$work/simulated\""; echo "interval_seconds = 1"
  for i in $(seq 1 10); do
    printf '[[sensor]]\nid = "probe-%s"\nroom = "cold1"\ndriver = "simulated"\nseed = %s\n' "$i" "$i"
  done
} > "$work/simulated/agent.toml"
callgrind simulated run --config "$work/simulated/agent.toml" &
agent=$!; pids+=("$agent")
sleep "$seconds"
kill -TERM "$agent"; wait "$agent" || true

# 2. The sysfs drivers, on the sensors `probe` finds in the fixture tree.
fixture=Tests/Fixtures/sysfs-pi
mkdir -p "$work/sysfs"
{
  echo 'site = "hx_2"'; echo 'agent = "hx-edge-2"'; echo "broker = \"mqtt://127.0.0.1:$port\""
  echo "state_dir = \"$work/sysfs\""; echo "interval_seconds = 1"
  "$bin/coldtrace-agent" probe --sysfs-root "$fixture" | sed 's/^room = "unassigned".*/room = "cold1"/'
} > "$work/sysfs/agent.toml"
(callgrind sysfs run --config "$work/sysfs/agent.toml" --sysfs-root "$fixture" --samples 3 --drain-seconds 5)

python3 scripts/agent-symbol-order.py "$bin/coldtrace-agent" "$work/agent.map" \
  "$work/simulated.callgrind" "$work/sysfs.callgrind" > deploy/coldtrace-agent.order
# The order file is not an input SwiftPM tracks: link the agent again with it.
rm -f "$bin/coldtrace-agent"
bench_build coldtrace-agent
echo "agent-symbol-order: wrote deploy/coldtrace-agent.order ($(wc -l < deploy/coldtrace-agent.order) functions)" \
  "and linked $bin/coldtrace-agent with it"
