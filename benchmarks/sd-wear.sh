#!/usr/bin/env bash
# SD-card wear (issue 21): what the agent and the collector write to storage for 10 probes sampled every 1 s and every
# 60 s, measured over a window and extrapolated to a day.
#   benchmarks/sd-wear.sh [window-seconds-1s] [window-seconds-60s]      (defaults 120 and 300)
# Both cases run at the same time, each with its own broker, collector and agent (10 simulated probes), state and
# database on this machine's disk. After a 5-s warm-up (connect, database creation, first round), each process is
# measured for the window: /proc/<pid>/io write_bytes (bytes of page cache the process dirtied, i.e. what reaches the
# card; counted per 4 KiB page, so appending one small record dirties a whole page), syscw (write calls, sockets
# included) and, with `strace -f -c`, its fsync and fdatasync calls. Per day = window figure × 86,400 / window.
# COLDTRACE_BENCH_BIN=.build/debug uses already-built binaries instead of the release build of lib.sh (the figures are
# syscalls and bytes, the same in both). Results also go to benchmarks/results/sd-wear.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
fast_window=${1:-120}
slow_window=${2:-300}
source benchmarks/lib.sh
command -v strace >/dev/null || scripts/bootstrap.sh >/dev/null
bench_tmp=/var/tmp   # on the disk, whatever /tmp is mounted as
bench_setup coldtrace-wear coldtrace-agent coldtrace

io_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/io"; }

# Runs one case in $work/$1: interval $2 s, measured for $3 s; prints its rows to $work/$1/rows.
measure_case() {
  local dir=$work/$1 interval=$2 window=$3
  mkdir -p "$dir/state"
  local port; port=$(bench_free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\npersistence false\n%s\n' \
    "$port" "$( [ "$(id -u)" = 0 ] && echo 'user root')" > "$dir/mosquitto.conf"
  mosquitto -c "$dir/mosquitto.conf" >/dev/null 2>&1 & local broker=$!
  sleep 0.5
  {
    echo "site = \"wear$interval\""; echo "agent = \"wear$interval-edge\""; echo "broker = \"mqtt://127.0.0.1:$port\""
    echo "state_dir = \"$dir/state\""; echo "interval_seconds = $interval"
    for i in $(seq 1 10); do printf '[[sensor]]\nid = "probe-%s"\nroom = "cold1"\ndriver = "simulated"\nseed = %s\n' "$i" "$i"; done
  } > "$dir/agent.toml"
  "$bin/coldtrace" collect --db "$dir/coldtrace.db" --broker "mqtt://127.0.0.1:$port" 2>"$dir/collector.log" &
  local collector=$!
  sleep 1
  "$bin/coldtrace-agent" run --config "$dir/agent.toml" 2>"$dir/agent.log" & local agent=$!
  sleep 5
  local name pid
  for name in agent collector; do
    pid=$([ $name = agent ] && echo $agent || echo $collector)
    echo "$(io_field $pid write_bytes) $(io_field $pid syscw)" > "$dir/$name.before"
    timeout --signal=INT "$window" strace -f -c -e trace=fsync,fdatasync -p "$pid" -o "$dir/$name.strace" 2>/dev/null &
  done
  sleep "$window"
  sleep 1  # strace prints its summary on detach
  for name in agent collector; do
    pid=$([ $name = agent ] && echo $agent || echo $collector)
    read -r bytes0 calls0 < "$dir/$name.before"
    local bytes=$(( $(io_field $pid write_bytes) - bytes0 )) calls=$(( $(io_field $pid syscw) - calls0 ))
    local fsyncs; fsyncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$dir/$name.strace")
    local rounds=$(( window / ${interval%.*} ))
    awk -v name="$name" -v i="$interval" -v w="$window" -v b="$bytes" -v c="$calls" -v f="$fsyncs" -v r="$rounds" \
      'BEGIN { d = 86400 / w
               printf "| %s | %s s | %d s | %.1f MiB | %d | %d | %.2f | %s |\n", name, i, w, b * d / 1048576, c * d, f * d,
                 f / r, b / 1024 " KiB, " f " syncs" }' >> "$dir/rows"
  done
  kill "$agent" "$collector" "$broker" 2>/dev/null || true
  wait "$agent" "$collector" "$broker" 2>/dev/null || true
}

measure_case fast 1 "$fast_window" &
measure_case slow 60 "$slow_window" &
wait
{
  echo "SD-card wear, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD), $(nproc) cores; 10 simulated probes"
  echo "Command: benchmarks/sd-wear.sh $fast_window $slow_window (windows of $fast_window s and $slow_window s after a 5-s warm-up)"
  echo
  echo "| process | interval | window | written per day | write calls per day | fsyncs per day | fsyncs per round | in the window |"
  echo "|---|---|---|---|---|---|---|---|"
  cat "$work/fast/rows" "$work/slow/rows"
} | tee benchmarks/results/sd-wear.txt
