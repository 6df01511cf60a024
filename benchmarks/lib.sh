# Shared by the benchmark scripts (sourced, not run): release binaries, a work directory, processes stopped on exit,
# and a mosquitto on a free loopback port that never drops a queued message (docs/mqtt-facts.md: max_queued_messages 0).
#   bench_build <product>...                     builds the products as deploy/install.sh installs them: release,
#                                                with the static Swift standard library, in .build-static; sets $bin
#   bench_build_path                             sets $bin alone (the products are built already)
#   bench_setup <work-dir-prefix> <product>...   bench_build unless COLDTRACE_BENCH_BUILT is set (run-all.sh builds
#                                                once) or COLDTRACE_BENCH_BIN names built binaries (e.g. .build/debug,
#                                                for a quick check of a script); sets $bin and $work (in
#                                                $bench_tmp, default /tmp)
#   bench_broker_config                          sets $port and writes $work/mosquitto.conf
#   bench_start_broker                           starts it; sets $broker
#   bench_wait_for_line <file> <text>            waits until a line of the file holds the text
#   bench_collect <log> <subscribed> <arg>...    starts `coldtrace collect <arg>... --broker <ours>` (error output to
#                                                <log>) and waits until the log says `subscribed to <subscribed>`;
#                                                sets $collector
#   bench_stamp_journal <journal> <out>          copies each line added to the journal to <out>, after the Unix µs
#                                                when tail (inotify) saw it
#   bench_wait_for_count <n> <seconds> <cmd>...  polls the number cmd prints every 0.2 s until it is n or more, or
#                                                the seconds have passed (a collector behind is still working)
# The Python parts share benchmarks/lib.py the same way (MQTT packets, a timed drain, the load generator's publish log).
bench_scratch=.build-static
bench_build() {
  scripts/bootstrap.sh >/dev/null
  local product
  for product in "$@"; do
    swift build -c release --static-swift-stdlib --scratch-path "$bench_scratch" --product "$product" >/dev/null
  done
  bench_build_path
}

bench_build_path() {
  bin=$(swift build -c release --static-swift-stdlib --scratch-path "$bench_scratch" --show-bin-path)
}

bench_setup() {
  local prefix=$1; shift
  if [ -n "${COLDTRACE_BENCH_BIN:-}" ]; then
    bin=$(cd "$COLDTRACE_BENCH_BIN" && pwd)
  elif [ -z "${COLDTRACE_BENCH_BUILT:-}" ]; then
    bench_build "$@"
  else
    bench_build_path
  fi
  work=$(mktemp -d "${bench_tmp:-/tmp}/$prefix-XXXXXX")
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${pg_data:-}" ]; then
    "${as_pg[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
}

bench_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

bench_broker_config() {
  port=$(bench_free_port)
  # set_tcp_nodelay as in deploy/mosquitto/coldtrace.conf (the ceiling's broker too: every consumer gets the same).
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\npersistence false\nset_tcp_nodelay true\n%s\n' \
    "$port" "$( [ "$(id -u)" = 0 ] && echo 'user root')" > "$work/mosquitto.conf"
}

bench_start_broker() { mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 & broker=$!; pids+=("$broker"); sleep 0.5; }

bench_wait_for_line() { until grep -qF "$2" "$1" 2>/dev/null; do sleep 0.05; done; }

bench_collect() {
  local log=$1 subscribed=$2; shift 2
  "$bin/coldtrace" collect "$@" --broker "mqtt://127.0.0.1:$port" 2>"$log" & collector=$!
  pids+=("$collector")
  local deadline=$(( $(date +%s) + 60 ))
  until grep -qsF "subscribed to $subscribed" "$log"; do
    if ! kill -0 "$collector" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$(basename "$0"): the collector did not subscribe within 60 s; its log ($log):" >&2
      tail -5 "$log" >&2 || true
      exit 1
    fi
    sleep 0.05
  done
}

bench_stamp_journal() {
  touch "$1"
  tail -F -n 0 "$1" 2>/dev/null | python3 -u -c '
import sys, time
out = open(sys.argv[1], "w", buffering=1)
for line in sys.stdin.buffer:
    out.write(f"{time.time_ns() // 1000} {line.decode().strip()}\n")
' "$2" & pids+=($!)
  sleep 0.3
}

bench_wait_for_count() {
  local least=$1 deadline=$(( $(date +%s) + $2 )); shift 2
  while [ "$("$@")" -lt "$least" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
}

# bench_third_party_backlog <total>: $work/payloads.txt, one `preset = "json"` payload a line with its own time (a
# millisecond apart, ending a minute ago: a reading's time must not be in the future), and the `[[source]]` that maps
# them appended to $work/collector.toml (site hx, its burst raised so a large backlog is measured, not quarantined).
bench_third_party_backlog() {
  python3 - "$1" > "$work/payloads.txt" <<'PY'
import sys, time
total = int(sys.argv[1])
start = int(time.time() * 1000) - 60_000 - total
for i in range(total):
    ms = start + i
    print(f'{{"t":{3 + (i % 100) / 100},"ts":{ms // 1000}.{ms % 1000:03d}}}')
PY
  cat >> "$work/collector.toml" <<'TOML'
[[source]]
id = "farm-json"
site = "hx"
preset = "json"
topic = "farm/{room}/{sensor}/json"
temperature_field = "t"
time = "payload"
time_field = "ts"

# A backlog larger than the default burst (60,000) would be quarantined as over the site's rate: this measures
# ingest, not the limit.
[sites.hx]
max_readings_per_second = 1000000
burst_readings = 10000000
TOML
}

# bench_start_postgres: a throw-away PostgreSQL 15 cluster in $work/data (durable defaults; run as the postgres user
# when root, as PostgreSQL refuses root) on a free loopback port and a socket in $work; sets $url (superuser
# coldtrace, database postgres) and sql(); stopped, and $work removed, at exit by bench_cleanup.
bench_start_postgres() {
  local pg=/usr/lib/postgresql/15/bin pg_port
  as_pg=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$work"; as_pg=(runuser -u postgres --); fi
  pg_port=$(bench_free_port)
  "${as_pg[@]}" "$pg/initdb" -D "$work/data" -U coldtrace --auth=trust -E UTF8 --no-locale --no-sync >/dev/null
  pg_data=$work/data
  "${as_pg[@]}" "$pg/pg_ctl" -D "$pg_data" -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" \
    -l "$work/server.log" -w start >/dev/null
  url="postgres://coldtrace@127.0.0.1:$pg_port/postgres"
}
sql() { psql "$url" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
