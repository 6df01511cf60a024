#!/usr/bin/env bash
# What one sampling round's outbox sync costs the agent: 10 simulated probes every second, its state on this machine's
# disk, a local broker and collector (loopback only).
#   benchmarks/outbox-sync.sh [window-seconds] [bin-dir]       (defaults 60 and the release build of lib.sh)
# After a 5-s warm-up, two windows: the first untraced (the agent's CPU from /proc/PID/task/*/schedstat, the bytes
# it dirtied from /proc/PID/io write_bytes), the second under `strace -f -c -w` for its fsync, fdatasync and write
# calls (count, and wall time spent in each: for fdatasync, the wait for the device and any filesystem journal
# commit). Prints per-round figures. [bin-dir] holds coldtrace and coldtrace-agent (e.g. .build/debug, or an older
# build to compare with: the figures are system calls and bytes, the same in debug and release but for the CPU).
# COLDTRACE_SYNC_DIR puts the agent's state directory there (e.g. a journaled ext4 mounted from a loop device); when
# its filesystem has a journal, the journal's commits per round are counted too (/proc/fs/jbd2/<device>-*/info:
# that filesystem's alone).
set -euo pipefail
cd "$(dirname "$0")/.."
window=${1:-60}
source benchmarks/lib.sh
command -v strace >/dev/null || scripts/bootstrap.sh >/dev/null
if [ -n "${2:-}" ]; then
  bin=$(cd "$2" && pwd)
  work=$(mktemp -d /var/tmp/coldtrace-sync-XXXXXX)
  pids=()
  trap bench_cleanup EXIT
else
  bench_setup coldtrace-sync coldtrace-agent coldtrace
fi
bench_broker_config
bench_start_broker
"$bin/coldtrace" collect --db "$work/sync.db" --broker "mqtt://127.0.0.1:$port" 2>"$work/collector.log" &
pids+=($!)
sleep 1
state=$(mktemp -d "${COLDTRACE_SYNC_DIR:-$work}/coldtrace-sync-state-XXXXXX")
journal=$(ls /proc/fs/jbd2/"$(basename "$(df --output=source "$state" | tail -1)")"-*/info 2>/dev/null | head -1 || true)
commits() { if [ -n "$journal" ]; then awk 'NR == 1 { print $1 }' "$journal"; else echo 0; fi; }
{
  echo 'site = "sync"'; echo 'agent = "sync-edge"'; echo "broker = \"mqtt://127.0.0.1:$port\""
  echo "state_dir = \"$state\""; echo "interval_seconds = 1"
  for i in $(seq 1 10); do printf '[[sensor]]\nid = "probe-%s"\nroom = "cold1"\ndriver = "simulated"\nseed = %s\n' "$i" "$i"; done
} > "$work/agent.toml"
"$bin/coldtrace-agent" run --config "$work/agent.toml" 2>"$work/agent.log" &
agent=$!; pids+=("$agent")
sleep 5
cpu_ns() { cat /proc/"$agent"/task/*/schedstat | awk '{ n += $1 } END { print n }'; }
written() { awk '$1 == "write_bytes:" { print $2 }' "/proc/$agent/io"; }
cpu0=$(cpu_ns); bytes0=$(written); commits0=$(commits)
sleep "$window"
cpu=$(( $(cpu_ns) - cpu0 )); bytes=$(( $(written) - bytes0 )); journal_commits=$(( $(commits) - commits0 ))
timeout --signal=INT "$window" strace -f -c -w -e trace=fsync,fdatasync,write,pwrite64 -p "$agent" \
  -o "$work/strace" 2>/dev/null || true
sleep 1
calls() { awk -v c="$1" '$NF == c { print $4; found = 1 } END { if (!found) print 0 }' "$work/strace"; }
usecs() { awk -v c="$1" '$NF == c { print $3; found = 1 } END { if (!found) print 0 }' "$work/strace"; }
segment=$(ls -l "$state/outbox" | awk '/seg-/ { print $5; exit }')
{
  echo "outbox sync, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD), agent $bin/coldtrace-agent," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "10 simulated probes every 1 s, state on $(df -T "$state" | awk 'NR == 2 { print $2 }') (${journal:-no journal}); windows of $window s;" \
    "first segment file: $segment bytes"
  awk -v w="$window" -v c="$cpu" -v b="$bytes" 'BEGIN {
    printf "untraced: agent CPU %.0f us per round (%.3f %%); %.1f KiB dirtied per round", c / w / 1000, c / w / 1e7, b / w / 1024 }'
  [ -n "$journal" ] && awk -v w="$window" -v j="$journal_commits" 'BEGIN { printf "; %.2f journal commits per round", j / w }'
  echo
  awk -v w="$window" -v fd="$(calls fdatasync)" -v fdu="$(usecs fdatasync)" -v fs="$(calls fsync)" \
    -v fsu="$(usecs fsync)" -v wr="$(calls write)" -v pw="$(calls pwrite64)" 'BEGIN {
    printf "traced: per round %.2f fdatasync (%s us each, wall), %.2f fsync (%s us each), %.2f write, %.2f pwrite64\n",
      fd / w, fdu, fs / w, fsu, wr / w, pw / w }'
  echo "strace -f -c -w:"; sed 's/^/  /' "$work/strace"
}
