#!/usr/bin/env bash
# Alert latency at a steady rate: the wall time from publishing a reading to its alert line in the journal file.
#   benchmarks/alert-latency.sh [seconds] [readings-per-second]     (defaults: 20 s at 2,000 readings/s)
# 20 sensors publish single-sample QoS 1 readings (`coldtrace-sim load`, 100 per second each at 2,000/s). Event time
# is fast-forwarded (one minute per reading, history ending now) and the second half of every 40 readings of a
# sensor reads 9 °C: litchi's critical-high (8 °C for 10 min) opens exactly at the 10th warm reading, and the next
# cool reading resolves it. So each journal line's `at` is the `ts` of the reading that caused it; the load generator
# logs when it published each reading, and `tail -F` of the journal stamps each line as it appears.
# Prints p50, p99 and max over every opened and resolved line (and how many of the expected lines came); results in
# benchmarks/results/alert-latency.txt.
# The collector runs with offline_after_minutes = 10080 so the fast-forwarded history raises no offline alerts.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
per_second=${2:-2000}
sensors=20
source benchmarks/lib.sh
bench_setup coldtrace-latency coldtrace coldtrace-sim
bench_broker_config
bench_start_broker
printf 'offline_after_minutes = 10080\n' > "$work/collector.toml"
bench_collect "$work/collector.log" coldtrace/v1/reading --config "$work/collector.toml" --db "$work/latency.db" \
  --journal "$work/journal.jsonl"
# Stamp each journal line the moment tail (inotify) sees it.
bench_stamp_journal "$work/journal.jsonl" "$work/seen.txt"
rate=$(python3 -c "print($per_second / $sensors)")
"$bin/coldtrace-sim" load --broker "mqtt://127.0.0.1:$port" --sensors $sensors --rate "$rate" --duration "$seconds" \
  --event-step 60 --excursion-every 40 --publish-log "$work/sent.txt" --announce-outbox > "$work/load.txt"
# A collector that fell behind is still working: wait until it stored every reading, then for its last lines.
stored() { sqlite3 "$work/latency.db" 'SELECT COUNT(*) FROM readings' 2>/dev/null || echo 0; }
bench_wait_for_count "$(wc -l < "$work/sent.txt")" 300 stored
sleep 1
python3 - "$work/sent.txt" "$work/seen.txt" "$seconds" "$per_second" <<'PY' | tee benchmarks/results/alert-latency.txt
import json, sys
sys.path.insert(0, "benchmarks")
from lib import journal_key, publish_times
sent_path, seen_path, seconds, per_second = sys.argv[1:]
sent = publish_times(sent_path)
latencies, unmatched, events = [], 0, {}
for line in open(seen_path):
    stamp, text = line.split(" ", 1)
    event = json.loads(text)
    key = journal_key(event)
    events[event["event"]] = events.get(event["event"], 0) + 1
    if key in sent:
        latencies.append((int(stamp) - sent[key]) / 1000)
    else:
        unmatched += 1
# Expected: per sensor, critical-high opens at index 30 of each 40 and resolves at index 0 of the next cycle.
last_index = {}
for site, sensor, _ in sent:
    last_index[(site, sensor)] = last_index.get((site, sensor), 0) + 1
expected = sum(len([i for i in range(n) if i % 40 == 30 or (i % 40 == 0 and i > 0)]) for n in last_index.values())
latencies.sort()
q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))]
print(f"steady {per_second} readings/s for {seconds} s, {len(sent)} readings; journal lines: "
      + ", ".join(f"{k} {v}" for k, v in sorted(events.items())) + f" of {expected} expected; unmatched {unmatched}")
print(f"alert latency publish → journal line: p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms, max {latencies[-1]:.2f} ms"
      f" over {len(latencies)} lines")
PY
