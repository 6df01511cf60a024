#!/bin/sh
# ColdTrace Apprise notification program (a [[notify]] channel's `command`): reads the alert events of one room as
# JSON lines on standard input, writes one message (title: severity, room, kinds; body: each event in Vietnamese and
# English) and sends it with the `apprise` command line tool (Debian package `apprise`) to every service of an
# Apprise configuration file, or to the Apprise URLs in COLDTRACE_CONTACTS.
#
# Needs: apprise and jq (Debian packages). Settings, all optional, from the environment:
#   COLDTRACE_APPRISE_CONFIG  an Apprise configuration file (text or YAML). Its services are chosen by tag: the
#                             batch's severity (`critical` or `warning`), plus `escalation` for an escalation run;
#                             a service tagged `always` gets everything. Without it, COLDTRACE_CONTACTS are the
#                             Apprise URLs (e.g. contacts = ["ntfy://ntfy.sh/hongxuan-cold", "json://10.0.0.5/"]).
#   COLDTRACE_APPRISE_SENT    a file of notification ids already sent: a run whose ids are all in it sends nothing
#                             (the collector delivers at least once; this drops the rare repeat after a crash)
#   COLDTRACE_APPRISE         the apprise program (default: apprise on PATH)
# Exit status: 0 sent (or a repeat, or no service of the configuration has the batch's tags), 2 a configuration
# error, anything else (apprise's own 1: a service failed) makes the collector retry later. Apprise's log (warnings
# and errors) goes to standard error, which the collector logs.
set -eu

config=${COLDTRACE_APPRISE_CONFIG:-}
contacts=${COLDTRACE_CONTACTS:-}
apprise=${COLDTRACE_APPRISE:-apprise}
if [ -n "$config" ]; then
  if [ ! -r "$config" ]; then
    echo "apprise.sh: cannot read the Apprise configuration $config (COLDTRACE_APPRISE_CONFIG)" >&2
    exit 2
  fi
elif [ -z "$contacts" ]; then
  echo "apprise.sh: no services: set COLDTRACE_APPRISE_CONFIG, or Apprise URLs as contacts in the [[notify]] table" >&2
  exit 2
fi
for tool in "$apprise" jq; do
  if ! command -v "$tool" > /dev/null 2>&1; then
    echo "apprise.sh: $tool is not installed (apt-get install apprise jq)" >&2
    exit 2
  fi
done

# Notification 0 is `coldtrace notify test`: sent every time it is run, never remembered.
ids=$(printf '%s' "${COLDTRACE_NOTIFICATION_IDS:-}" | tr ',' '\n' | grep -vx '0' | paste -sd, -) || true
sent=${COLDTRACE_APPRISE_SENT:-}
if [ -n "$sent" ] && [ -n "$ids" ] && [ -f "$sent" ]; then
  repeat=yes
  for id in $(printf '%s' "$ids" | tr ',' ' '); do
    grep -qx "$id" "$sent" || { repeat=no; break; }
  done
  if [ "$repeat" = yes ]; then
    cat > /dev/null
    exit 0
  fi
fi

events=$(cat)
[ -n "$events" ] || exit 0

# The worst severity names the tag and Apprise's notification type (failure: red, warning: yellow); a batch of
# resolutions only is a success (green).
severity=$(printf '%s\n' "$events" | jq -rs 'if any(.[]; .severity == "critical") then "critical" else "warning" end')
type=$(printf '%s\n' "$events" | jq -rs --arg severity "$severity" 'if all(.[]; .event == "resolved") then "success"
  elif $severity == "critical" then "failure" else "warning" end')
label=$(printf '%s\n' "$events" | jq -rs 'if any(.[]; .severity == "critical") then "KHẨN/CRITICAL"
  else "Cảnh báo/Warning" end')
room=$(printf '%s\n' "$events" | jq -rs '.[0] | "\(.site)/\(.room)"')
kinds=$(printf '%s\n' "$events" | jq -rs '[.[] | .kind] | unique | join(", ")')
count=$(printf '%s\n' "$events" | jq -s 'length')
title="[ColdTrace] $label $room: $kinds"
[ "$count" -gt 1 ] && title="$title ($count)"
escalation=${COLDTRACE_ESCALATION:-0}
if [ "$escalation" = 1 ]; then title="[ColdTrace] CHƯA AI XÁC NHẬN/UNACKNOWLEDGED $room: $kinds"; fi

body=$(printf '%s\n' "$events" | jq -r '
  def vi_event: {"opened": "mở", "escalated": "nâng mức", "resolved": "đã hết", "renotified": "nhắc lại",
    "unsilenced": "hết tạm im", "escalation": "chưa ai xác nhận", "test": "thử"}[.event] // .event;
  def value(v): if v == null then "-" else (v | tostring) end;
  "\(if .severity == "critical" then "KHẨN" else "Cảnh báo" end) (\(vi_event)): \(.site)/\(.room), đầu dò \(.sensor):"
  + " \(.kind), đỉnh \(value(.peak)) (ngưỡng \(value(.limit))), lúc \(.at). Mã cảnh báo \(.id)."
  + (if (.lots | length) > 0 then " Lô: \(.lots | join(", "))." else "" end),
  "\(.severity | ascii_upcase) (\(.event)): \(.site)/\(.room), probe \(.sensor): \(.kind), peak \(value(.peak))"
  + " (limit \(value(.limit))), at \(.at). Alert \(.id). \(.message)",
  ""')
body="$body
ColdTrace: coldtrace ack <mã/id> --by <tên/name>"

# apprise logs on standard output: send it to standard error, where the collector reads it. -v: warnings too (a
# service's HTTP status, a refused connection), not only errors.
status=0
if [ -n "$config" ]; then
  set -- --config "$config" --tag "$severity"
  [ "$escalation" = 1 ] && set -- "$@" --tag escalation
  "$apprise" -v "$@" --notification-type "$type" --title "$title" --body "$body" >&2 || status=$?
else
  # One argument: Apprise splits it into URLs itself, at each "scheme://", so a comma inside a URL
  # (mailto://...?to=a@x,b@y) stays in its URL.
  "$apprise" -v --notification-type "$type" --title "$title" --body "$body" "$contacts" >&2 || status=$?
fi
case $status in
  0) ;;
  3)
    # Apprise's 3: no service matched the tags. The configuration sends nothing for this severity: not a failure.
    tags=$severity
    [ "$escalation" = 1 ] && tags="$tags or escalation"
    echo "apprise.sh: no service in $config is tagged $tags or always: nothing sent" >&2
    ;;
  *)
    echo "apprise.sh: apprise exited with status $status: not delivered (to every service), retried later" >&2
    exit "$status"
    ;;
esac

if [ -n "$sent" ] && [ -n "$ids" ]; then
  printf '%s\n' "$ids" | tr ',' '\n' >> "$sent"
fi
