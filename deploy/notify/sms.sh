#!/bin/sh
# ColdTrace SMS notification program (a [[notify]] channel's `command`): reads the alert events of one room as JSON
# lines on standard input, writes ONE text message for them (a power cut that trips a room's probes is one SMS) and
# queues it with gammu-smsd-inject to each number in COLDTRACE_CONTACTS (comma-separated); gammu-smsd sends it
# through the 4G modem, which works when the internet does not.
#
# The message is Vietnamese without diacritics in the GSM 7-bit alphabet, at most 160 characters: one SMS, never a
# multi-part one by accident. It names the severity, site/room, alert id, kind, probe, peak and limit, the local
# time, and how to acknowledge ("Tra loi: OK 42", which deploy/notify/sms-receive.sh handles). When it would be
# longer, details are dropped in a fixed order (lots and probe, then words, then per-alert details, then the list of
# alerts) until it fits.
#
# Needs: gammu-smsd (gammu-smsd-inject) and jq (Debian packages). Settings, all optional, from the environment:
#   COLDTRACE_SMSD_CONFIG   gammu-smsd configuration given to gammu-smsd-inject -c (default: /etc/gammu-smsdrc)
#   COLDTRACE_SMS_UNICODE   1: Vietnamese with diacritics in UCS-2 (70 characters for one SMS, 67 a part when longer,
#                           up to 3 parts); default 0: without diacritics, one GSM 7-bit SMS of at most 160 characters
#   COLDTRACE_SMS_ZONE      the UTC offset of the times in the message (default: +07:00, Vietnam)
#   COLDTRACE_SMS_SENT      a file of "<notification id> <number>" lines already queued: a repeated run (after a crash,
#                           or a retry after one number failed) queues nothing twice to the same number
# Usage: sms.sh            queue the message (the collector runs it so)
#        sms.sh --print    print the message and its length on standard output, queue nothing (a preview)
#        sms.sh --fold     print standard input without diacritics, as the message is written (one line at a time)
# Exit status: 0 queued to every contact (or a repeat), anything else makes the collector retry later. Errors go to
# standard error, which the collector logs. gammu-smsd then sends from its outbox folder, retrying on its own; a
# message it could not send ends in its error folder (deploy/notify/README.md tells how to watch it).
set -eu

print=no
case "${1:-}" in
  --print) print=yes ;;
  --fold) print="fold" ;;
  "") ;;
  *) echo "sms.sh: unknown argument $1 (only --print or --fold)" >&2; exit 2 ;;
esac

# jq definitions: Vietnamese letters with diacritics and their base letters, one for one; combining marks (a
# decomposed text) are dropped; anything else outside ASCII becomes "?", and "`" (not in the GSM alphabet) "'".
# Not `iconv -t ASCII//TRANSLIT`: it folds Vietnamese in C.UTF-8 only, and gives "?" in the C locale or in a locale
# that is not installed (as a service's environment often is).
# shellcheck disable=SC2016 # a jq program, not shell
fold_defs='
  def fold_table:
    ("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
     + "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ" | explode) as $from
    | ("aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
     + "AAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD" | explode) as $to
    | reduce range(0; $from | length) as $i ({}; .[$from[$i] | tostring] = $to[$i]);
  def fold($table):
    explode | map(if . < 128 then (if . == 96 then 39 else . end)
      elif . >= 768 and . <= 879 then empty
      else ($table[tostring] // 63) end) | implode;
'

if [ "$print" = fold ]; then
  jq -Rr "$fold_defs"' fold(fold_table)'
  exit 0
fi

contacts=$(printf '%s' "${COLDTRACE_CONTACTS:-}" | tr -d ' ')
if [ -z "$contacts" ] && [ "$print" = no ]; then
  echo "sms.sh: COLDTRACE_CONTACTS is empty: set contacts in the [[notify]] table" >&2
  exit 2
fi
ids=${COLDTRACE_NOTIFICATION_IDS:-}
sent=${COLDTRACE_SMS_SENT:-}
smsdrc=${COLDTRACE_SMSD_CONFIG:-/etc/gammu-smsdrc}
unicode=${COLDTRACE_SMS_UNICODE:-0}
zone=${COLDTRACE_SMS_ZONE:-+07:00}

case "$zone" in
  [+-][0-9][0-9]:[0-9][0-9]) ;;
  *) echo "sms.sh: COLDTRACE_SMS_ZONE must look like +07:00, not $zone" >&2; exit 2 ;;
esac
case "$unicode" in
  0|1) ;;
  *) echo "sms.sh: COLDTRACE_SMS_UNICODE must be 0 or 1, not $unicode" >&2; exit 2 ;;
esac

# Whether every id of this run is recorded in the sent file for number $1.
already_sent() {
  [ -n "$sent" ] && [ -n "$ids" ] && [ -f "$sent" ] || return 1
  for id in $(printf '%s' "$ids" | tr ',' ' '); do
    grep -Fqx "$id $1" "$sent" || return 1
  done
  return 0
}

if [ "$print" = no ]; then
  pending=no
  for number in $(printf '%s' "$contacts" | tr ',' ' '); do
    already_sent "$number" || { pending=yes; break; }
  done
  if [ "$pending" = no ]; then
    cat > /dev/null
    exit 0
  fi
fi

events=$(cat)
[ -n "$events" ] || exit 0

# The text, built by jq from the events (slurped): the Vietnamese template with diacritics, folded to ASCII unless
# unicode; the first level of detail that fits the budget, else the shortest, cut before the acknowledgement.
text=$(printf '%s\n' "$events" | jq -rs --arg unicode "$unicode" --arg zone "$zone" \
  --arg escalation "${COLDTRACE_ESCALATION:-0}" "$fold_defs"'
  # Characters of the GSM alphabet that take two (its extension table).
  def gsm_length: length + ([explode[] | select(. == 94 or . == 123 or . == 125 or . == 92 or . == 91
    or . == 93 or . == 126 or . == 124)] | length);
  def budget: if $unicode == "1" then 201 else 160 end;
  def fits: if $unicode == "1" then length <= budget else gsm_length <= budget end;

  def offset: ($zone[0:1] | if . == "-" then -1 else 1 end) * (($zone[1:3] | tonumber) * 3600
    + ($zone[4:6] | tonumber) * 60);
  def seconds: sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z") | fromdateiso8601;
  def local($format): (seconds + offset) | strftime($format);
  def number: if . == null then "-" else (. * 10 | round / 10 | tostring) end;
  def unit: {"temp_high": "C", "temp_low": "C", "temp_trend": "C/h", "treatment": "C", "rh_high": "%",
    "rh_low": "%", "offline": " phút", "agent_offline": " phút", "door_open": " phút",
    "defrost_overrun": " phút", "calibration_due": " ngày"}[.kind] // "";
  def event_word: {"escalated": "nâng mức", "resolved": "đã hết", "renotified": "nhắc lại",
    "unsilenced": "hết tạm im", "test": "thử"}[.event];
  def suffix: if event_word then " (\(event_word))" else "" end;
  def peak: if .peak == null then "-" else "\(.peak | number)\(unit)" end;
  def limit: if .limit == null then "-" else "\(.limit | number)\(unit)" end;

  # One alert at a level of detail: 0 everything, 1 without probe and lots, 2 terse, 3 id and kind.
  def item($level):
    if $level == 0 then
      "\(.id) \(.kind)\(suffix), đầu dò \(.sensor), đỉnh \(peak) (ngưỡng \(limit)), lúc \(.at | local("%H:%M %d/%m"))"
      + (if (.lots // []) | length > 0 then ", lô \(.lots | join(","))" else "" end)
    elif $level == 1 then
      "\(.id) \(.kind)\(suffix), đỉnh \(peak) (ngưỡng \(limit)), lúc \(.at | local("%H:%M %d/%m"))"
    elif $level == 2 then "\(.id) \(.kind)\(suffix) \(peak)/\(limit) \(.at | local("%H:%M"))"
    else "\(.id) \(.kind)\(suffix)" end;

  . as $events
  | ($events | length) as $count
  | (if any($events[]; .severity == "critical") then "KHẨN" else "CẢNH BÁO" end) as $severity
  | (if $escalation == "1" then "CHƯA AI XÁC NHẬN " else "" end) as $unacknowledged
  | "\($unacknowledged)\($severity) \($events[0].site)/\($events[0].room)" as $where
  | (if all($events[]; .event == "test") then ". Tin thử ColdTrace, không cần trả lời."
     else
       # The alert to acknowledge: the first critical one still open, else the first open one, else the first.
       ([$events[] | select(.event != "resolved")] as $open
        | ([$open[] | select(.severity == "critical")] + $open + $events)[0].id) as $ack
       | ". Trả lời: OK \($ack)"
     end) as $reply
  | [range(0; 6) as $level
     | if $level <= 3 then
         if $count == 1 then "\($where): cảnh báo \($events[0] | item($level))\($reply)"
         else "\($where), \($count) cảnh báo: \([$events[] | item($level)] | join("; "))\($reply)" end
       elif $count == 1 then "\($where): cảnh báo \($events[0].id)\($reply)"
       elif $level == 4 then
         "\($where), \($count) cảnh báo \($events[0].id)-\($events[-1].id): \([$events[].kind] | unique | join(","))"
         + $reply
       else "\($where), \($count) cảnh báo từ \($events[0].id)\($reply)" end
     | if $unicode == "1" then . else fold(fold_table) end] as $texts
  | ([$texts[] | select(fits)] | first)
    // ($texts[-1] | (rindex(". ") // length) as $cut
        | .[:$cut] as $head | .[$cut:] as $tail
        | $head[:([0, budget - ($tail | length) - 2] | max)] + "..." + $tail[1:]
        | .[:budget])')

if [ "$print" = yes ]; then
  printf '%s\n' "$text"
  printf '%s' "$text" | jq -Rr 'length'
  exit 0
fi

set -- -c "$smsdrc" TEXT
failed=0
for number in $(printf '%s' "$contacts" | tr ',' ' '); do
  already_sent "$number" && continue
  if [ "$unicode" = 1 ]; then
    length=$(printf '%s' "$text" | jq -Rr 'length')
    output=$(LC_ALL=C.UTF-8 gammu-smsd-inject "$@" "$number" -unicode -len "$length" -text "$text" 2>&1) || {
      printf 'sms.sh: gammu-smsd-inject to %s failed: %s\n' "$number" "$(printf '%s' "$output" | tail -n 3)" >&2
      failed=1
      continue
    }
  else
    output=$(gammu-smsd-inject "$@" "$number" -text "$text" 2>&1) || {
      printf 'sms.sh: gammu-smsd-inject to %s failed: %s\n' "$number" "$(printf '%s' "$output" | tail -n 3)" >&2
      failed=1
      continue
    }
  fi
  if [ -n "$sent" ] && [ -n "$ids" ]; then
    for id in $(printf '%s' "$ids" | tr ',' ' '); do printf '%s %s\n' "$id" "$number"; done >> "$sent"
  fi
done
exit "$failed"
