#!/usr/bin/env bash
# Every figure of the performance brief in one run on this machine, as one table:
#   benchmarks/run-all.sh [runs]          (default 3 runs of each item; the median is reported)
# 1–3 collector-ingest.sh 60000 (broker ceiling, collector single-sample, batches of 100), 4 alert-latency.sh,
# 5 agent-footprint.sh, 6 query-bench.sh (10 M readings / 100 k alerts, generated once into
# /tmp/coldtrace-query-10m.db and kept). Each sub-script can run alone; their last outputs stay in
# benchmarks/results/<name>.txt and every run of every item is kept in the log next to the table.
# Writes benchmarks/results/all-<date>.txt (the table, the machine, the commit) and all-<date>.log (raw outputs).
# RUN_ALL_TABLE_ONLY=1 benchmarks/run-all.sh [runs] rebuilds the table from the day's log.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
day=$(date -u +%F)
table=benchmarks/results/all-$day.txt
log=benchmarks/results/all-$day.log
export COLDTRACE_BENCH_BUILT=1
# RUN_ALL_TABLE_ONLY=1 prints the table again from the day's log without running anything.
if [ -z "${RUN_ALL_TABLE_ONLY:-}" ]; then
source benchmarks/lib.sh
bench_build coldtrace coldtrace-sim coldtrace-agent
: > "$log"

step() {  # name, command...: runs the command, appends its output to the log under a header
  local name=$1; shift
  echo "## $name: $* (load average $(cut -d' ' -f1-3 /proc/loadavg))" >> "$log"
  "$@" >> "$log" 2>&1 || echo "(exit status $?)" >> "$log"
}
for run in $(seq 1 "$runs"); do
  echo "run $run of $runs: ingest, alert latency, agent footprint" >&2
  step "ingest run $run" benchmarks/collector-ingest.sh 60000
  step "latency run $run" benchmarks/alert-latency.sh 20 2000
  step "agent run $run" benchmarks/agent-footprint.sh 60 1
done
echo "queries (the database is generated on the first run)" >&2
step "queries" benchmarks/query-bench.sh /tmp/coldtrace-query-10m.db "$runs"
fi

python3 - "$log" "$runs" <<'PY' | tee "$table"
import re, statistics, subprocess, sys
log, runs = open(sys.argv[1]).read(), int(sys.argv[2])

def values(pattern):
    return [float(m.replace(",", "")) for m in re.findall(pattern, log)]

def median(pattern):
    found = values(pattern)
    return statistics.median(found) if found else None

def sh(command):
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout.strip()

rows = []
def row(figure, value, unit, target, met, command):
    text = "n/a" if value is None else (f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}") + f" {unit}"
    rows.append((figure, text, target, met, command))

ceiling = median(r"ceiling, [^:]*: (\d+) msg/s")
single = median(r"single-sample QoS 1 [^:]*: \d+ stored, (\d+) readings/s")
single_steady = median(r"x ceiling from the collector's start; (\d+) readings/s")
stored = values(r"single-sample QoS 1 [^:]*: (\d+) stored")
batched = median(r"batches of 100: \d+ stored, (\d+) samples/s")
batched_steady = median(r"samples/s from the collector's start; (\d+) samples/s")
ingest = "benchmarks/collector-ingest.sh 60000"
row("1. broker ceiling, QoS 1 → mosquitto_sub", ceiling, "msg/s", "-", "-", ingest)
backlogs = values(r"backlog of (\d+) readings")
lost = "nothing lost" if stored and all(s >= b for s, b in zip(stored, backlogs)) else f"stored {stored} of {backlogs}"
for label, value in [("2. collector, single-sample QoS 1, from its start", single),
                     ("2. collector, single-sample QoS 1, first to last batch", single_steady)]:
    ratio = value / ceiling if value and ceiling else None
    row(label, value, "readings/s", "≥ 0.9 × ceiling",
        f"{ratio:.2f} × ({'met' if ratio and ratio >= 0.9 else 'missed'}; {lost})" if ratio else "n/a", ingest)
for label, value in [("3. collector, batches of 100, from its start", batched),
                     ("3. collector, batches of 100, first to last batch", batched_steady)]:
    row(label, value, "samples/s", "≥ 200,000",
        f"{value / 200000:.2f} ({'met' if value and value >= 200000 else 'missed'})" if value else "n/a", ingest)
p50 = median(r"journal line: p50 ([\d.]+) ms")
p99 = median(r"journal line: [^,]*, p99 ([\d.]+) ms")
latency = "benchmarks/alert-latency.sh 20 2000"
row("4. alert latency p50 at 2,000 readings/s", p50, "ms", "-", "-", latency)
row("4. alert latency p99 at 2,000 readings/s", p99, "ms", "≤ 20 ms",
    f"{p99 / 20:.2f} ({'met' if p99 <= 20 else 'missed'})" if p99 is not None else "n/a", latency)
agent = "benchmarks/agent-footprint.sh 60 1"
size = median(r"static Swift stdlib: \d+ MB \((\d+) bytes\)")
row("5. agent binary (release, static stdlib)", size / 1e6 if size else None, "MB", "-", "-", agent)
rss = median(r"RSS (\d+) kB now")
row("5. agent RSS, 10 probes every 1 s", rss / 1024 if rss else None, "MiB", "≤ 6 MB",
    f"{rss * 1024 / 6e6:.2f} ({'met' if rss and rss * 1024 <= 6e6 else 'missed'})" if rss else "n/a", agent)
agent_cpu, collectd_cpu = median(r"CPU ([\d.]+) %"), median(r"same windows: RSS \d+ kB; cpu ([\d.]+) %")
row("5. agent CPU, 10 probes every 1 s", agent_cpu, "%", "≤ collectd's",
    f"{agent_cpu / collectd_cpu:.2f} × collectd's {collectd_cpu:.3f} % ({'met' if agent_cpu <= collectd_cpu else 'missed'})"
    if agent_cpu is not None and collectd_cpu else "n/a", agent)
collectd_rss = median(r"same windows: RSS (\d+) kB")
row("5. collectd RSS, same job (anchor)", collectd_rss / 1024 if collectd_rss else None, "MiB", "-", "-", agent)
rest_cpu, rest_wake = median(r"every 60 s [^:]*: cpu ([\d.]+) %"), median(r"every 60 s [^:]*: cpu [\d.]+ %, ([\d.]+) wake-ups/s")
row("5. agent CPU at rest, 10 probes every 60 s", rest_cpu, "%", "≤ 0.05 %",
    f"{rest_cpu / 0.05:.2f} ({'met' if rest_cpu <= 0.05 else 'missed'})" if rest_cpu is not None else "n/a", agent)
row("5. agent wake-ups at rest, 10 probes every 60 s", rest_wake, "/s", "≤ 2 /s",
    f"{rest_wake / 2:.2f} ({'met' if rest_wake <= 2 else 'missed'})" if rest_wake is not None else "n/a", agent)
row("5. agent backlog drain", median(r"= (\d+) samples/s"), "samples/s", "-", "-", agent)
queries = "benchmarks/query-bench.sh"
for figure, target_ms, label in [
    ("alerts --since 30d (table)", 100, "6. coldtrace alerts --since 30d (table)"),
    ("alerts --since 30d --json", 100, "6. coldtrace alerts --since 30d --json"),
    ("status", None, "6. coldtrace status"),
    ("report of a 30-day lot", 1000, "6. coldtrace report <30-day lot>"),
]:
    m = re.search(re.escape(figure) + r"\t([^\t]+)\t([^\n]+)", log)
    value = float(m.group(1).split()[0]) if m and m.group(1).endswith(" ms") else None
    command = f"{queries}: {m.group(2)}" if m else queries
    if value is None:
        rows.append((label, m.group(1) if m else "n/a", f"≤ {target_ms} ms" if target_ms else "-", "n/a", command))
    else:
        met = f"{value / target_ms:.2f} ({'met' if value <= target_ms else 'missed'})" if target_ms else "-"
        row(label, value, "ms", f"≤ {target_ms} ms" if target_ms else "-", met, command)
bpr = re.search(r"database bytes per reading \(whole file\)\t([\d.]+)", log)
bpr_table = re.search(r"bytes per reading \(readings table \+ its indexes\)\t([\d.]+)", log)
for label, m in [("6. database bytes per reading (whole file)", bpr),
                 ("6. bytes per reading (readings + indexes)", bpr_table)]:
    value = float(m.group(1)) if m else None
    row(label, value, "B", "≤ 64 B", f"{value / 64:.2f} ({'met' if value <= 64 else 'missed'})" if value else "n/a",
        queries)

widths = [max(len(r[i]) for r in rows + [("FIGURE", "VALUE", "TARGET", "RATIO / MET", "COMMAND")]) for i in range(5)]
def line(cells):
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
print(f"ColdTrace benchmarks, {sh('date -u +%FT%TZ')}, commit {sh('git rev-parse --short HEAD')}"
      f"{' (uncommitted changes)' if sh('git status --porcelain --untracked-files=no -- . :!benchmarks/results') else ''}; medians of {runs} runs")
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
mem = sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")
load = " ".join(open("/proc/loadavg").read().split()[:3])
during = [float(m) for m in re.findall(r"\(load average ([\d.]+) ", log)]
during = f"{min(during):.1f}–{max(during):.1f} (1-minute, at each step)" if during else "not logged"
print(f"machine: {sh('nproc')} cores ({cpu}), {mem}, Linux {sh('uname -r')}; load average during the runs {during},"
      f" now {load}")
print()
print(line(("FIGURE", "VALUE", "TARGET", "RATIO / MET", "COMMAND")))
for r in rows:
    print(line(r))
PY
echo "raw outputs of every run: $log" >&2
