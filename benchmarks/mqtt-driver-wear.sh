#!/usr/bin/env bash
# SD-card wear of the agent's `mqtt` driver: fsyncs per message from the site broker, one message at a time (a chatty
# Zigbee2MQTT device), measured with `strace -f -c` on the agent.
#   benchmarks/mqtt-driver-wear.sh [messages] [seconds-between-messages]      (defaults 200 and 0.05)
#   COLDTRACE_BENCH_BIN=/path/to/dir benchmarks/mqtt-driver-wear.sh      # another build's coldtrace-agent
# One mosquitto on a free loopback port is both the site broker and the uplink (no collector: nothing is
# acknowledged, so the outbox deletes no segment). `mosquitto_pub` sends each message with its own `last_seen`.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
gap=${2:-0.05}
agent_bin=${COLDTRACE_BENCH_BIN:-.build/debug}/coldtrace-agent
command -v strace >/dev/null || scripts/bootstrap.sh >/dev/null
[ -x "$agent_bin" ] || swift build --product coldtrace-agent >/dev/null
work=$(mktemp -d /var/tmp/ct-mqtt-wear-XXXXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 & broker=$!
trap 'kill ${tracer:-} ${agent:-} $broker 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 0.5
cat > "$work/agent.toml" <<TOML
site = "wear"
agent = "wear-edge"
broker = "mqtt://127.0.0.1:$port"
state_dir = "$work/state"

[[mqtt_source]]
id = "z2m"
broker = "mqtt://127.0.0.1:$port"
preset = "zigbee2mqtt"
topic = "zigbee2mqtt/{room}-{sensor}"
time = "payload"
TOML
"$agent_bin" run --config "$work/agent.toml" 2>"$work/agent.log" & agent=$!
sleep 3
strace -f -c -e trace=fsync,fdatasync -p "$agent" -o "$work/strace" 2>/dev/null & tracer=$!
sleep 1
now=$(date +%s%3N)
for i in $(seq 1 "$count"); do
  printf '{"battery":90,"humidity":88.5,"temperature":%s,"last_seen":%s}\n' "$((i % 7)).$((i % 10))" "$((now - 100000 + i * 100))"
done > "$work/lines"
while read -r line; do
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "zigbee2mqtt/cold1-snzb$(( RANDOM % 4 ))" -m "$line"
  sleep "$gap"
done < "$work/lines"
sleep 2
kill -INT "$tracer"; wait "$tracer" || true
kill -INT "$agent"; wait "$agent" || true
stored=$(cat "$work"/state/outbox/seg-*.log | wc -c)
fsyncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$work/strace")
echo "messages $count, fsyncs $fsyncs, per message $(python3 -c "print(round($fsyncs/$count,2))"), outbox bytes $stored"
cat "$work/strace"
