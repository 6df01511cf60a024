#!/bin/sh
# ColdTrace e-mail notification program (a [[notify]] channel's `command`): reads the alert events of one room as
# JSON lines on standard input, writes one e-mail (subject: severity, room, kinds; body: each event in Vietnamese
# and English) and sends it with msmtp to the addresses in COLDTRACE_CONTACTS (comma-separated).
#
# Needs: msmtp and jq (Debian packages). Settings, all optional, from the environment:
#   COLDTRACE_MSMTP_CONFIG  msmtp configuration file (default: msmtp's own, ~/.msmtprc or /etc/msmtprc)
#   COLDTRACE_MAIL_FROM     the From address (default: the msmtp account's `from`)
#   COLDTRACE_EMAIL_SENT    a file of notification ids already sent: a run whose ids are all in it sends nothing
#                           (the collector delivers at least once; this drops the rare repeat after a crash)
# Exit status: 0 sent (or a repeat), anything else makes the collector retry later. Errors go to standard error,
# which the collector logs.
set -eu

contacts=${COLDTRACE_CONTACTS:-}
if [ -z "$contacts" ]; then
  echo "email.sh: COLDTRACE_CONTACTS is empty: set contacts in the [[notify]] table" >&2
  exit 2
fi
# Notification 0 is `coldtrace notify test`: sent every time it is run, never remembered.
ids=$(printf '%s' "${COLDTRACE_NOTIFICATION_IDS:-}" | tr ',' '\n' | grep -vx '0' | paste -sd, -) || true
sent=${COLDTRACE_EMAIL_SENT:-}
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

# Subject: the worst severity, the room, the kinds; ASCII-safe as RFC 2047 base64 (it holds Vietnamese).
severity=$(printf '%s\n' "$events" | jq -rs 'if any(.[]; .severity == "critical") then "KHẨN/CRITICAL"
  else "Cảnh báo/Warning" end')
room=$(printf '%s\n' "$events" | jq -rs '.[0] | "\(.site)/\(.room)"')
kinds=$(printf '%s\n' "$events" | jq -rs '[.[] | .kind] | unique | join(", ")')
count=$(printf '%s\n' "$events" | jq -s 'length')
subject="[ColdTrace] $severity $room: $kinds"
[ "$count" -gt 1 ] && subject="$subject ($count)"
if [ "${COLDTRACE_ESCALATION:-0}" = 1 ]; then subject="[ColdTrace] CHƯA AI XÁC NHẬN/UNACKNOWLEDGED $room: $kinds"; fi
encoded_subject="=?UTF-8?B?$(printf '%s' "$subject" | base64 | tr -d '\n')?="

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

set -- 
if [ -n "${COLDTRACE_MSMTP_CONFIG:-}" ]; then set -- -C "$COLDTRACE_MSMTP_CONFIG"; fi
if [ -n "${COLDTRACE_MAIL_FROM:-}" ]; then set -- "$@" -f "$COLDTRACE_MAIL_FROM"; fi
recipients=$(printf '%s' "$contacts" | tr ',' ' ')
to=$(printf '%s' "$contacts" | sed 's/,/, /g')

# shellcheck disable=SC2086 # one argument per recipient
{
  printf 'To: %s\n' "$to"
  printf 'Subject: %s\n' "$encoded_subject"
  printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n'
  printf 'X-ColdTrace-Notification-Ids: %s\n\n' "$ids"
  printf '%s\n\n' "$body"
  printf '%s\n' "-- " "ColdTrace: trả lời bằng \`coldtrace ack <mã> --by <tên>\` / acknowledge with \`coldtrace ack <id> --by <name>\`"
} | msmtp "$@" -- $recipients

if [ -n "$sent" ] && [ -n "$ids" ]; then
  printf '%s\n' "$ids" | tr ',' '\n' >> "$sent"
fi
