#!/usr/bin/env bash
# Fair ingest (issue 24): site B's publish → alert latency without and with site A flooding, in one run (loopback).
#   benchmarks/site-fairness.sh [seconds] [admitted|limited] [flooders]   (defaults: 15 s per phase, admitted, 2)
# Site B (`coldtrace-sim load`, site sim-site-01, 20 probes × 20 readings/s, an agent with an outbox) raises and
# resolves litchi's critical high over and over, timed as in alert-latency.sh (event time one minute per reading,
# every journal line's `at` is the `ts` of the reading that caused it). It runs for three phases: alone, while site A
# (`floodsite`, `flooders` agents of 25 probes each, `site-fairness-flood.py`) publishes numbered single-sample QoS 1
# readings as fast as the broker takes them, and alone again. `admitted`: site A's limits are raised so the collector stores its whole flood
# (a site draining a backlog); `limited`: the default site limits (1,000 readings/s, burst 60,000), so most of the
# flood is quarantined as `site_rate_limit`.
# The anchor: the same flood into a QoS 1 `mosquitto_sub` to /dev/null on the same broker (the broker's own rate).
# Prints B's p50/p99/max per phase, the flood's rate, what the collector stored; a copy goes to a new file,
# results/site-fairness-<mode>-<UTC date and time>.txt (a run never replaces an earlier result).
# The binaries: the release build of lib.sh (COLDTRACE_BENCH_BUILT=1: already built, in .build-static), or
# COLDTRACE_BENCH_BIN=<dir> (another build's coldtrace and coldtrace-sim, e.g. to compare two commits).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
mode=${2:-admitted}
flooders=${3:-2}
case "$mode" in admitted|limited) ;; *) echo "site-fairness.sh: mode must be admitted or limited" >&2; exit 2 ;; esac
source benchmarks/lib.sh
if [ -n "${COLDTRACE_BENCH_BIN:-}" ]; then COLDTRACE_BENCH_BUILT=1; fi
bench_setup coldtrace-fairness coldtrace coldtrace-sim
if [ -n "${COLDTRACE_BENCH_BIN:-}" ]; then bin=$(cd "$COLDTRACE_BENCH_BIN" 2>/dev/null && pwd || echo "$COLDTRACE_BENCH_BIN"); fi
for program in coldtrace coldtrace-sim; do
  if [ ! -x "$bin/$program" ]; then
    echo "site-fairness.sh: no $bin/$program: build it first (without COLDTRACE_BENCH_BUILT and COLDTRACE_BENCH_BIN, lib.sh builds it)" >&2
    exit 1
  fi
done
results="benchmarks/results/site-fairness-$mode-$(date -u +%Y-%m-%dT%H%M%S).txt"
bench_broker_config
bench_start_broker

# 1. The anchor: the broker's rate for this flood when its subscriber does nothing.
mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -i ceiling -t 'coldtrace/v1/reading/#' > /dev/null & sub=$!
pids+=("$sub")
sleep 0.3
flood() {  # $1 = site, $2 = seconds, $3 = output prefix: the flooders at once, then their lines summed
  local tag running=()
  for tag in $(seq "$flooders"); do
    python3 benchmarks/site-fairness-flood.py "$port" "$1" 25 "$2" 2000 "$tag" > "$3-$tag.txt" &
    running+=($!)
  done
  wait "${running[@]}"
  python3 - "$3" "$flooders" <<'PY'
import sys
prefix, count = sys.argv[1], int(sys.argv[2])
runs = []
for tag in range(1, count + 1):
    parts = open(f"{prefix}-{tag}.txt").read().split()
    runs.append({parts[i]: int(float(parts[i + 1])) for i in range(0, len(parts) - 1, 2)})
start, end = min(r["start_us"] for r in runs), max(r["end_us"] for r in runs)
published = sum(r["published"] for r in runs)
print(f"published {published} acknowledged {sum(r['acknowledged'] for r in runs)} start_us {start} end_us {end}"
      f" rate {published / ((end - start) / 1e6):.0f}")
PY
}
flood anchorsite 5 "$work/anchor" > "$work/anchor.txt"
kill "$sub"

# 2. The collector: site B alone, with A's flood, alone again.
printf 'offline_after_minutes = 10080\n' > "$work/collector.toml"
if [ "$mode" = admitted ]; then
  printf '[sites.floodsite]\nmax_readings_per_second = 1000000\nburst_readings = 10000000\n' >> "$work/collector.toml"
fi
bench_collect "$work/collector.log" coldtrace/v1/reading --config "$work/collector.toml" --db "$work/fair.db" \
  --journal "$work/journal.jsonl"
bench_stamp_journal "$work/journal.jsonl" "$work/seen.txt"
"$bin/coldtrace-sim" load --broker "mqtt://127.0.0.1:$port" --sensors 20 --rate 20 --duration $((3 * seconds)) \
  --event-step 60 --excursion-every 40 --publish-log "$work/sent.txt" --announce-outbox > "$work/load.txt" & b=$!
sleep "$seconds"
flood floodsite "$seconds" "$work/flood" > "$work/flood.txt"
flood_stored_at_end=$(sqlite3 "$work/fair.db" "SELECT COUNT(*) FROM readings r JOIN sources s ON s.id = r.source_id
  WHERE s.site = 'floodsite'" 2>/dev/null || echo '?')
wait "$b"
b_stored() { sqlite3 "$work/fair.db" "SELECT COUNT(*) FROM readings r JOIN sources s ON s.id = r.source_id
  WHERE s.site = 'sim-site-01'" 2>/dev/null || echo 0; }
bench_wait_for_count "$(wc -l < "$work/sent.txt")" 300 b_stored
sleep 1
flood_stored=$(sqlite3 "$work/fair.db" "SELECT COUNT(*) FROM readings r JOIN sources s ON s.id = r.source_id
  WHERE s.site = 'floodsite'")
quarantined=$(sqlite3 "$work/fair.db" "SELECT group_concat(reason || '=' || n, ' ') FROM
  (SELECT reason, COUNT(*) n FROM quarantine GROUP BY reason)")
python3 - "$work" "$mode" "$seconds" "$flood_stored_at_end" "$flood_stored" "${quarantined:-none}" "$flooders" "$bin" \
  <<'PY' \
  | tee "$results"
import json, sys, datetime, os, subprocess
sys.path.insert(0, "benchmarks")
from lib import journal_key, publish_times
work, mode, seconds, stored_at_end, stored, quarantined, flooders, binaries = sys.argv[1:]
def fields(path):
    parts = open(path).read().split()
    return {parts[i]: parts[i + 1] for i in range(0, len(parts) - 1, 2)}
anchor, flood = fields(f"{work}/anchor.txt"), fields(f"{work}/flood.txt")
start, end = int(flood["start_us"]), int(flood["end_us"])
sent = publish_times(f"{work}/sent.txt")
phases = {"alone before": [], "with the flood": [], "alone after": []}
for line in open(f"{work}/seen.txt"):
    stamp, text = line.split(" ", 1)
    event = json.loads(text)
    if event.get("site") != "sim-site-01" or event.get("kind") != "temp_high":
        continue
    published = sent.get(journal_key(event))
    if published is None:
        continue
    phase = "alone before" if published < start else "with the flood" if published <= end else "alone after"
    phases[phase].append((int(stamp) - published) / 1000)
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print(f"machine: {os.cpu_count()} cores, {datetime.date.today()}, commit {commit}, load average "
      f"{os.getloadavg()[0]:.1f}; mode {mode}, {seconds} s per phase, {flooders} flooders; binaries {binaries}")
print(f"anchor: the broker took the flood at {anchor['rate']} msg/s into mosquitto_sub -q 1 > /dev/null")
duration = (end - start) / 1e6
quarantined_count = sum(int(part.split("=")[1]) for part in quarantined.split() if "=" in part)
# The flooder keeps no outbox: what the collector deferred (turned away, unacknowledged) is never sent again here,
# where a real agent would send it again after its ack_timeout_seconds.
deferred = int(flood["published"]) - int(stored) - quarantined_count
print(f"flood: site A published {flood['published']} readings in {duration:.1f} s ({flood['rate']} msg/s acknowledged"
      f" by the broker) with the collector subscribed; stored {stored_at_end} by its end, {stored} in all;"
      f" quarantine: {quarantined}; deferred (left to the agent to send again): {deferred}")
def q(values, p):
    return values[min(len(values) - 1, int(p * len(values)))]
for name, values in phases.items():
    values.sort()
    if values:
        print(f"site B publish → alert line, {name}: p50 {q(values, 0.5):.2f} ms, p99 {q(values, 0.99):.2f} ms,"
              f" max {values[-1]:.2f} ms over {len(values)} lines")
    else:
        print(f"site B publish → alert line, {name}: no lines")
before, during = sorted(phases["alone before"]), sorted(phases["with the flood"])
if before and during:
    ratio = q(during, 0.99) / q(before, 0.99)
    met = ratio <= 2 and q(during, 0.99) <= 100
    print(f"p99 with the flood / alone: {ratio:.2f}× (target ≤ 2× and ≤ 100 ms: {'met' if met else 'not met'})")
# The collector's own account of its slow rounds (COLDTRACE_SLOW_ROUND_MS, 20 ms by default): B's slowest, split into
# the network side (publish → its MQTT handler, from the publish log) and the writer's phases.
import re
sent_by_seq = {}
for line in open(f"{work}/sent.txt"):
    topic, seq, _, us = line.split()
    sent_by_seq[(topic, seq)] = int(us)
rounds, handlers = [], []
for line in open(f"{work}/collector.log", errors="replace"):
    if "slow MQTT handler" in line:
        handlers.append(line.split("slow MQTT handler: ", 1)[1].strip())
    if "slow writer round" not in line:
        continue
    text = line.split("slow writer round: ", 1)[1].strip()
    found = re.search(r"(coldtrace/v1/reading/sim-site-01/\S+) seq (\d+) received_us (\d+)", text)
    waited = re.search(r"waited ([0-9.]+) ms to its alert lines", text)
    if found and waited and (found.group(1), found.group(2)) in sent_by_seq:
        network = (int(found.group(3)) - sent_by_seq[(found.group(1), found.group(2))]) / 1000
        rounds.append((network + float(waited.group(1)), network, text))
rounds.sort(reverse=True)
print(f"collector: {len(rounds)} slow rounds held a site B reading, {len(handlers)} slow MQTT handler calls")
for total, network, text in rounds[:3]:
    print(f"  B {total:.1f} ms = network {network:.1f} ms (publish → handler) + {text}")
for text in handlers[:3]:
    print(f"  handler: {text}")
PY
