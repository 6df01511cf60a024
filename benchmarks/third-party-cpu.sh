#!/usr/bin/env bash
# The collector's CPU per third-party (`[[source]]`) QoS 0 reading: figures that, unlike the wall-clock ratio of
# third-party-ingest.sh, hold still on a shared machine.
#   benchmarks/third-party-cpu.sh [messages] [runs]          # CPU µs per reading (user + system, /proc), per thread
#   COLDTRACE_BENCH_CALLGRIND=1 benchmarks/third-party-cpu.sh 20000 1   # instructions per reading (valgrind)
#   COLDTRACE_BENCH_BIN=/tmp/before benchmarks/third-party-cpu.sh    # a binary built before (as lib.sh says)
# Each run drains the same backlog as third-party-ingest.sh (one `mosquitto_pub -l` of `preset = "json"` payloads
# with their own time, queued at QoS 0 for the collector's persistent session while it was away) into a new
# database, and stops the collector once every reading is stored. A run with no backlog first gives the start-up
# cost (start, migrations, connect, subscribe), which is subtracted: what is left is the drain alone.
# CPU: utime + stime of the collector's process and of each of its threads (/proc/PID/task/TID/stat, in clock ticks
# of 10 ms: use 100,000 messages or more). Callgrind: the release binary without its debug info (callgrind refuses
# it: benchmarks/README.md), every thread's instructions summed; under valgrind the writer sees smaller batches than
# at full speed, so compare instruction counts with each other, not with the CPU figures. Each run's profile stays
# in the work directory (`profile=`) for `callgrind_annotate`.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-100000}
runs=${2:-3}
source benchmarks/lib.sh
bench_setup coldtrace-third-party-cpu coldtrace
bench_broker_config
echo 'queue_qos0_messages true' >> "$work/mosquitto.conf"
bench_start_broker
topic=farm/cold1/p1/json
bench_third_party_backlog "$total"
collector_binary=$bin/coldtrace
runner=()
if [ -n "${COLDTRACE_BENCH_CALLGRIND:-}" ]; then
  strip -g "$bin/coldtrace" -o "$work/coldtrace-stripped"
  collector_binary=$work/coldtrace-stripped
  runner=(valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.%p" --dump-instr=no)
fi

# One drain of $1 messages (0: the start-up run); prints its figures as one line of key=value.
measure() {
  local messages=$1 label="run-$RANDOM"
  local db="$work/$label.db"
  # The persistent session first (a collector that subscribes and stops), then the backlog it will find.
  bench_collect "$work/$label-1.log" farm/+/+/json --config "$work/collector.toml" --db "$db" --id "$label"
  kill "$collector"; wait "$collector" 2>/dev/null || true
  if [ "$messages" -gt 0 ]; then
    mosquitto_pub -h 127.0.0.1 -p "$port" -q 0 -t "$topic" -l < <(head -n "$messages" "$work/payloads.txt")
  fi
  python3 - "$db" "$port" "$label" "$messages" "$work/$label-2.log" "$work/collector.toml" "$collector_binary" \
    "${runner[@]}" <<'PY'
import glob, os, signal, sqlite3, subprocess, sys, time
db, port, label, expected, log, config, binary, *runner = sys.argv[1:]
expected = int(expected)
command = runner + [binary, "collect", "--config", config, "--db", db, "--broker", f"mqtt://127.0.0.1:{port}",
                    "--id", label]
ticks = os.sysconf("SC_CLK_TCK")
started = time.monotonic()
collector = subprocess.Popen(command, stderr=open(log, "w"))

def cpu(stat_path):
    fields = open(stat_path).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)

def threads():
    result = {}
    for task in glob.glob(f"/proc/{collector.pid}/task/*"):
        try:
            name = open(f"{task}/comm").read().strip()
            result[f"{name}/{os.path.basename(task)}"] = cpu(f"{task}/stat")
        except OSError:
            pass
    return result

stored, progress = 0, (started, 0)
connection = None
# Until every reading is stored, or a minute passes without one more (a stalled drain is reported, not waited out).
while time.monotonic() - progress[0] < 60:
    time.sleep(0.02)
    if expected == 0:
        if "subscribed to" in open(log).read():
            time.sleep(3 if runner else 0.3)
            break
        continue
    try:
        connection = connection or sqlite3.connect(db, timeout=5)
        stored = connection.execute("SELECT COUNT(*) FROM readings").fetchone()[0]
    except sqlite3.OperationalError:  # no tables yet
        connection = None
        continue
    if stored >= expected:
        break
    if stored > progress[1]:
        progress = (time.monotonic(), stored)
elapsed = time.monotonic() - started
total_cpu = cpu(f"/proc/{collector.pid}/stat")
per_thread = threads()
collector.send_signal(signal.SIGTERM)
collector.wait()
line = [f"messages={expected}", f"stored={stored}", f"wall_s={elapsed:.3f}", f"cpu_s={total_cpu:.2f}"]
if "disconnected from broker" in open(log).read():
    line.append("reconnected=yes")  # a drain cut by a reconnection (keepalive under valgrind): not comparable
if runner:
    outputs = glob.glob(os.path.join(os.path.dirname(db), f"callgrind.{collector.pid}*"))
    instructions = 0
    for path in outputs:
        for text in open(path):
            if text.startswith("summary:") or text.startswith("totals:"):
                instructions += int(text.split()[1])
                break
    line.append(f"instructions={instructions}")
    line.append("profile=" + ",".join(outputs))
else:
    busiest = sorted(per_thread.items(), key=lambda item: -item[1])[:3]
    line.append("threads=" + ",".join(f"{name}:{seconds:.2f}" for name, seconds in busiest))
print(" ".join(line))
PY
}

value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2"; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), binary: $bin/coldtrace; backlog of $total" \
  "QoS 0 third-party readings (preset json, payload time)${COLDTRACE_BENCH_CALLGRIND:+, under callgrind}"
baseline=$(measure 0)
echo "start-up (no backlog): $baseline"
for run in $(seq 1 "$runs"); do
  line=$(measure "$total")
  if [ -n "${COLDTRACE_BENCH_CALLGRIND:-}" ]; then
    per=$(python3 -c "print(f'{($(value instructions "$line") - $(value instructions "$baseline")) / $total:.0f}')")
    echo "run $run: $line -> $per instructions per reading (start-up subtracted)"
  else
    per=$(python3 -c "print(f'{($(value cpu_s "$line") - $(value cpu_s "$baseline")) * 1e6 / $total:.2f}')")
    echo "run $run: $line -> $per µs CPU per reading (start-up subtracted)"
  fi
done
