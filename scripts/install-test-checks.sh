# Sourced by scripts/install-test.sh once the README's blocks have run: what the installed box must do.
# shellcheck shell=bash

db=/var/lib/coldtrace/coldtrace.db
config=/etc/coldtrace/collector.toml
# sql QUERY: the collector's database, read as root with sqlite3 (installed on the broker host).
sql() { in_box sqlite3 -readonly "$db" "$1"; }
air="select count(*), min(seq), max(seq) from readings where source_id = (select id from sources where sensor = 'cold2-air')"
# no_gap [FROM]: every sequence number of cold2-air from FROM (default: the first) to the last is stored once.
no_gap() {
  local row
  row=$(sql "${air/where /where seq >= ${1:-0} and }")
  IFS='|' read -r stored first last <<< "$row"
  [ -n "$first" ] && [ "$stored" -eq $((last - first + 1)) ]
}
# newer_than SEQ SECONDS: cold2-air readings past SEQ arrive.
newer_than() {
  local deadline=$((SECONDS + $2))
  until [ "$(sql "$air" | cut -d'|' -f3)" -gt "$1" ] 2> /dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 2
  done
}
main_pid() { in_box systemctl show -p MainPID --value "$1"; }

status=$(in_box systemctl is-active mosquitto coldtrace-collector coldtrace-agent | paste -sd' ' - || true)
if [ "$status" = "active active active" ]; then result "services active" PASS "mosquitto, collector, agent"; else
  result "services active" FAIL "$status"
fi

if newer_than 2 90 && no_gap; then
  tls=$(in_box ss -tnH state established '( dport = :8883 )' | wc -l)
  if [ "$tls" -ge 1 ]; then result "readings end to end over TLS" PASS "$(sql "$air" | cut -d'|' -f1) readings of \
cold2-air, agent on :8883 (mqtts, client certificate)"; else result "readings end to end over TLS" FAIL "no :8883"; fi
else
  result "readings end to end over TLS" FAIL "$(sql "$air") (count|min|max); agent: $(in_box journalctl -u \
coldtrace-agent -n 3 --no-pager -o cat | paste -sd' ' -)"
fi

lines=$(as_operator 'journalctl -u coldtrace-collector -n 5 --no-pager -o cat' 2>&1 || true)
if [ -n "$lines" ] && ! grep -q "not seeing messages\|No journal files" <<< "$lines"; then
  result "journalctl as the operator" PASS "$(tail -1 <<< "$lines" | cut -c1-60)"
else
  result "journalctl as the operator" FAIL "$(head -2 <<< "$lines" | paste -sd' ' -)"
fi

# An alert: a probe whose reads fail (a [[sensor]] whose command reports an error) raises sensor_fault after three.
in_box bash -c "cat >> /etc/coldtrace/agent.toml" << 'EOF'

[[sensor]]
id = "cold2-door"
room = "cold2"
driver = "command"
command = ["/bin/echo", "{\"error\":\"probe disconnected\"}"]
EOF
in_box systemctl restart coldtrace-agent
if wait_for 120 "sudo -u coldtrace coldtrace alerts --config $config --json | grep -q sensor_fault" \
  && in_box grep -q sensor_fault /var/log/coldtrace/alerts.jsonl; then
  result "an alert" PASS "sensor_fault of cold2-door in alerts and the journal"
else
  result "an alert" FAIL "$(in_box sudo -u coldtrace coldtrace alerts --config $config 2>&1 | head -3 | paste -sd' ' -)"
fi

last=$(sql "$air" | cut -d'|' -f3)
in_box systemctl restart mosquitto coldtrace-collector coldtrace-agent
if newer_than "$last" 90 && no_gap; then result "restart, no reading lost" PASS "$(sql "$air") (count|first|last)"; else
  result "restart, no reading lost" FAIL "$(sql "$air") (count|first|last)"
fi
last=$(sql "$air" | cut -d'|' -f3)
reboot_box
status=$(in_box systemctl is-active mosquitto coldtrace-collector coldtrace-agent | paste -sd' ' - || true)
if [ "$status" = "active active active" ] && newer_than "$last" 120 && no_gap; then
  result "reboot, no reading lost" PASS "services back by themselves; $(sql "$air") (count|first|last)"
else
  result "reboot, no reading lost" FAIL "$status; $(sql "$air")"
fi

# Backup and restore as docs/operations.md documents them once `coldtrace restore` exists: `coldtrace backup` as the
# service user (into backups/ next to the database; it prints the file), then the collector stopped,
# `coldtrace restore FILE`, `journal verify`, the collector started; the chain still verifies once it has run again.
# (`coldtrace restore --help` without the command prints the program's help and exits 0: look for its usage line.)
if in_box coldtrace restore --help 2> /dev/null | grep -q "USAGE: coldtrace restore"; then
  out=$(in_box sudo -u coldtrace coldtrace backup --config $config 2>&1) || true
  file=$(grep -o '/[^ ]*\.db' <<< "$out" | tail -1 || true)
  if [ -n "$file" ] && in_box test -s "$file"; then
    result "backup" PASS "$file, $(in_box stat -c '%a %U:%G' "$file")"
    newer_than "$(sql "$air" | cut -d'|' -f3)" 60 || true
    in_box systemctl stop coldtrace-collector
    out=$(in_box sudo -u coldtrace coldtrace restore "$file" --config $config 2>&1) && restored=1 || restored=0
    verify=$(in_box sudo -u coldtrace coldtrace journal verify --config $config 2>&1) && verified=1 || verified=0
    in_box systemctl start coldtrace-collector
    last=$(sql "$air" | cut -d'|' -f3)
    newer_than "$last" 90 || true
    again=$(in_box sudo -u coldtrace coldtrace journal verify --config $config 2>&1) && verified_again=1 || verified_again=0
    if [ $restored -eq 1 ] && [ $verified -eq 1 ] && [ $verified_again -eq 1 ]; then
      result "restore, journal verify" PASS "$(tail -1 <<< "$verify" | cut -c1-90)"
    else
      result "restore, journal verify" FAIL "$(tail -1 <<< "$out") / $(tail -1 <<< "$verify") / $(tail -1 <<< "$again")"
    fi
  else
    result "backup" FAIL "$(tail -1 <<< "$out")"
  fi
else
  file=/var/lib/coldtrace/install-test-$(date +%s).db
  out=$(in_box sudo -u coldtrace coldtrace backup --config $config "$file" 2>&1) || true
  result "backup (the current form)" "$(in_box test -s "$file" && echo PASS || echo FAIL)" \
    "$(tail -1 <<< "$out")"
  result "restore, journal verify" SKIP "no \`coldtrace restore\` in this build"
fi

# The last block again: nothing changed, so nothing is restarted.
pids="$(main_pid coldtrace-collector) $(main_pid coldtrace-agent) $(main_pid mosquitto)"
run_block 5 '~/coldtrace' 8 're-run' || true
if [ "$pids" = "$(main_pid coldtrace-collector) $(main_pid coldtrace-agent) $(main_pid mosquitto)" ] \
  && [ "$(grep -c 'keeps running: none of its files changed' "$cache/block5.log")" -eq 3 ]; then
  result "idempotent re-run" PASS "nothing replaced, nothing restarted"
else
  result "idempotent re-run" FAIL "$(grep 'restarted\|replaced' "$cache/block5.log" | head -3 | paste -sd' ' -)"
fi

# An upgrade: a new commit (a release with nothing else changed still differs by the commit it names), pulled and
# installed by the same block.
migrations=$(sql "select count(*) from grdb_migrations")
before=$(as_operator 'coldtrace --version && coldtrace-agent --version' | paste -sd' ' -)
git -C "$cache/src.git" update-ref refs/heads/main "$(git -C "$cache/src.git" commit-tree -p main -m \
  "install-test upgrade" main^{tree})"
last=$(sql "$air" | cut -d'|' -f3)
run_block 5 '~/coldtrace' 8 'upgrade' || true
after=$(as_operator 'coldtrace --version && coldtrace-agent --version' | paste -sd' ' -)
restarted=$(grep -c "^install: restarted coldtrace-\(collector\|agent\)" "$cache/block5.log" || true)
if [ "$before" != "$after" ] && [ "$restarted" -eq 2 ] && newer_than "$last" 90 && no_gap "$last" \
  && [ "$(sql "select count(*) from grdb_migrations")" = "$migrations" ]; then
  result "upgrade" PASS "$before -> $after; both restarted; $migrations migrations, none again"
else
  result "upgrade" FAIL "$before -> $after; restarted $restarted; $(sql "$air")"
fi

for unit in coldtrace-collector:3.0 coldtrace-agent:4.0; do
  score=$(in_box systemd-analyze security --no-pager "${unit%:*}" | awk '/Overall exposure/ { print $(NF-2) }')
  if awk -v s="$score" -v c="${unit#*:}" 'BEGIN { exit !(s != "" && s <= c) }'; then
    result "systemd-analyze security ${unit%:*}" PASS "$score (<= ${unit#*:})"
  else
    result "systemd-analyze security ${unit%:*}" FAIL "$score (> ${unit#*:})"
  fi
done
