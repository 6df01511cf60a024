#!/usr/bin/env bash
# Agent footprint at rest and at work, with collectd doing the same job in the same window as the anchor, and the
# backlog drain; against a local broker and collector (loopback only).
#   benchmarks/agent-footprint.sh [seconds-per-window] [windows]       (defaults 60 and 2)
# 1. 10 probes every 1 s: coldtrace-agent and collectd 5.12 (table plugin reading 10 temperatures and 10 humidities
#    from a file every second, threshold plugin, mqtt plugin publishing each value at QoS 1 to the same broker) run
#    side by side; each window measures both: CPU share (nanoseconds on CPU summed over threads, and the 10 ms
#    ticks), wake-ups per second (voluntary context switches over every thread), RSS; then where the agent's RSS
#    goes (/proc/PID/smaps).
# 2. 10 probes every 60 s: the agent alone, CPU and wake-ups per second over each window (each holds one round).
# 3. The drain rate of a backlog built while the broker was down.
# Needs collectd-core (apt-get install -y collectd-core; installed here when missing). Results also go to
# benchmarks/results/agent-footprint.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
windows=${2:-2}
source benchmarks/lib.sh
if ! command -v collectd >/dev/null; then
  $( [ "$(id -u)" = 0 ] || echo sudo ) apt-get install -y collectd-core >/dev/null
fi
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
collectd_config() {  # $1 = directory; 10 probes, a temperature and a humidity each, read from a file every second
  mkdir -p "$1"
  for i in $(seq 1 10); do echo "probe-$i 3.$i 9$((i % 10)).5"; done > "$1/probes.txt"
  cat > "$1/collectd.conf" <<CONF
Hostname "bench"
FQDNLookup false
BaseDir "$1"
PIDFile "$1/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
Interval 1
AutoLoadPlugin false
LoadPlugin logfile
<Plugin logfile>
  LogLevel warning
  File "$1/collectd.log"
</Plugin>
LoadPlugin table
<Plugin table>
  <Table "$1/probes.txt">
    Instance "cold1"
    Separator " "
    <Result>
      Type temperature
      InstancesFrom 0
      ValuesFrom 1
    </Result>
    <Result>
      Type humidity
      InstancesFrom 0
      ValuesFrom 2
    </Result>
  </Table>
</Plugin>
LoadPlugin threshold
<Plugin threshold>
  <Type "temperature">
    WarningMax 8
    FailureMax 10
  </Type>
  <Type "humidity">
    WarningMin 80
  </Type>
</Plugin>
LoadPlugin mqtt
<Plugin mqtt>
  <Publish "coldtrace">
    Host "127.0.0.1"
    Port "$port"
    ClientId "collectd-bench"
    QoS 1
    Prefix "collectd"
  </Publish>
</Plugin>
CONF
}
count() { sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM readings JOIN sources ON sources.id = source_id WHERE site = '$1'"; }
sample() { python3 benchmarks/footprint-sample.py "$@"; }

bench_start_broker
"$bin/coldtrace" collect --db "$work/bench.db" --broker "mqtt://127.0.0.1:$port" 2>"$work/collector.log" &
pids+=($!)
sleep 1

# 1. 10 probes every second: the agent and collectd side by side, measured in the same windows.
agent_config "$work/steady" 1 steady
"$bin/coldtrace-agent" run --config "$work/steady/agent.toml" 2>"$work/steady/agent.log" &
agent=$!; pids+=("$agent")
collectd_config "$work/collectd"
collectd -f -C "$work/collectd/collectd.conf" &
collectd=$!; pids+=("$collectd")
sleep 5
: > "$work/busy.txt"
for w in $(seq 1 "$windows"); do sample "$seconds" agent="$agent" collectd="$collectd" | tee -a "$work/busy.txt" >&2; done
received=$(timeout 3 mosquitto_sub -h 127.0.0.1 -p "$port" -t 'collectd/#' -C 20 -W 3 2>/dev/null | wc -l || true)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent/status"); hwm=$(awk '/VmHWM/ {print $2}' "/proc/$agent/status")
collectd_rss=$(awk '/VmRSS/ {print $2}' "/proc/$collectd/status")
python3 benchmarks/footprint-smaps.py "$agent" > "$work/agent-smaps.txt"
grep -E '^(Rss|Pss|Shared_Clean|Private_Clean|Private_Dirty|Anonymous)' "/proc/$agent/smaps_rollup" \
  | awk '{printf "  %s %s kB", $1, $2} END {print ""}' > "$work/agent-rollup.txt"
kill "$agent" "$collectd"; wait "$agent" "$collectd" 2>/dev/null || true
median() { python3 -c "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f'{statistics.median(v):.3f}')" "$@"; }
figure() { grep "^$1:" "$work/$2" | sed -E "s/.*$3 ([0-9.]+).*/\1/"; }
agent_cpu=$(median $(figure agent busy.txt cpu_ns)); collectd_cpu=$(median $(figure collectd busy.txt cpu_ns))
agent_wake=$(median $(figure agent busy.txt wakeups)); collectd_wake=$(median $(figure collectd busy.txt wakeups))
ratios=$(paste <(figure agent busy.txt cpu_ns) <(figure collectd busy.txt cpu_ns) \
  | awk '{printf "%s%.2f", (NR > 1 ? ", " : ""), ($2 > 0 ? $1 / $2 : 0)}')

# 2. 10 probes every 60 s: the agent at rest.
agent_config "$work/rest" 60 rest
"$bin/coldtrace-agent" run --config "$work/rest/agent.toml" 2>"$work/rest/agent.log" &
agent=$!; pids+=("$agent")
sleep 5
: > "$work/rest.txt"
for w in $(seq 1 "$windows"); do sample "$seconds" agent="$agent" | tee -a "$work/rest.txt" >&2; done
rest_rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent/status")
start_ns=$(date +%s%N); kill "$agent"; wait "$agent" 2>/dev/null || true; stop_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
rest_cpu=$(median $(figure agent rest.txt cpu_ns)); rest_wake=$(median $(figure agent rest.txt wakeups))

# 3. Backlog drain: record with the broker down, then time the replay into the collector.
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
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "coldtrace-agent release, static Swift stdlib: $((size / 1024 / 1024)) MB ($size bytes)"
  echo "10 probes every 1 s for ${windows} x ${seconds} s: RSS ${rss} kB now, ${hwm} kB peak; CPU ${agent_cpu} %"
  echo "collectd $(collectd -h | sed -nE 's/^collectd ([0-9]+\.[0-9]+\.[0-9]+).*/\1/p') same job, same windows: RSS ${collectd_rss} kB; cpu ${collectd_cpu} %; ${received} values read back from the broker in 3 s"
  echo "agent / collectd cpu by window: ${ratios}; wake-ups/s agent ${agent_wake}, collectd ${collectd_wake}"
  echo "10 probes every 60 s for ${windows} x ${seconds} s: cpu ${rest_cpu} %, ${rest_wake} wake-ups/s, RSS ${rest_rss} kB; SIGTERM to exit ${stop_ms} ms"
  echo "backlog drain: $(count backlog) of 30000 samples stored; ${stored} in ${drain_seconds} s after the first = ${rate} samples/s"
  echo "windows (probes every 1 s):"; sed 's/^/  /' "$work/busy.txt"
  echo "windows (probes every 60 s):"; sed 's/^/  /' "$work/rest.txt"
  echo "agent smaps_rollup (probes every 1 s):"; cat "$work/agent-rollup.txt"
  echo "agent RSS by mapping (probes every 1 s):"; cat "$work/agent-smaps.txt"
} | tee benchmarks/results/agent-footprint.txt
