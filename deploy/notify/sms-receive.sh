#!/bin/sh
# ColdTrace: acknowledge alerts by SMS. gammu-smsd runs this program for each message it receives (its RunOnReceive
# setting) with the message in its environment: SMS_MESSAGES parts, each SMS_<n>_NUMBER and SMS_<n>_TEXT, and for a
# concatenated (multi-part) message the whole text in DECODED_<n>_TEXT (DECODED_PARTS of them).
#
# A message "OK <id> [note]" (any case, extra spaces, "OK #42" and "OK: 42" too) from a number on the allowlist runs
#   coldtrace ack <id> --by <number> --note "<note> (SMS)"
# and answers the sender "Da xac nhan canh bao <id>", or why it could not (e.g. no alert with that id). Numbers are
# compared in international form: +84912345678, 84912345678, 0084912345678 and 0912345678 are the same number, and
# --by gets +84912345678. Anything else (a number not on the allowlist, a text that is not an OK command) is written
# to standard error and otherwise ignored: no answer, so nobody pays for SMS to spammers.
#
# Needs: gammu-smsd (gammu-smsd-inject for the answer) and coldtrace. Settings from the environment (set them in the
# RunOnReceive line: `runonreceive = /usr/bin/env COLDTRACE_CONFIG=/etc/coldtrace/collector.toml <this program>`):
#   COLDTRACE_SMS_ALLOWLIST  file of the numbers that may acknowledge, one a line, "#" starts a comment
#                            (default: /etc/coldtrace/sms-allowlist)
#   COLDTRACE_BIN            the coldtrace program (default: /usr/local/bin/coldtrace, else coldtrace on PATH)
#   COLDTRACE_CONFIG         collector configuration given to coldtrace as --config (optional)
#   COLDTRACE_DB             database given to coldtrace as --db (optional: else the configuration's)
#   COLDTRACE_SMSD_CONFIG    gammu-smsd configuration for the answer (default: /etc/gammu-smsdrc)
#   COLDTRACE_SMS_COUNTRY    country calling code of national numbers, those starting with 0 (default: 84)
#   COLDTRACE_SMS_REPLY      0: send no answer (default: 1)
#   COLDTRACE_SMS_SYSLOG     1: also log each line to syslog (logger, tag coldtrace-sms) (default: 0)
# Exit status: 0 when every message was handled (acknowledged, refused or ignored), 2 for a setting that is wrong
# (gammu-smsd logs it), 1 when an answer could not be queued.
set -eu

allowlist=${COLDTRACE_SMS_ALLOWLIST:-/etc/coldtrace/sms-allowlist}
smsdrc=${COLDTRACE_SMSD_CONFIG:-/etc/gammu-smsdrc}
country=${COLDTRACE_SMS_COUNTRY:-84}
reply=${COLDTRACE_SMS_REPLY:-1}
bin=${COLDTRACE_BIN:-}
if [ -z "$bin" ]; then
  if [ -x /usr/local/bin/coldtrace ]; then bin=/usr/local/bin/coldtrace; else bin=coldtrace; fi
fi

log() {
  printf 'sms-receive: %s\n' "$1" >&2
  if [ "${COLDTRACE_SMS_SYSLOG:-0}" = 1 ]; then logger -t coldtrace-sms -- "$1" || true; fi
}

case "$country" in
  ''|*[!0-9]*) log "COLDTRACE_SMS_COUNTRY must be digits (84), not $country"; exit 2 ;;
esac
if [ ! -r "$allowlist" ]; then
  log "cannot read the allowlist $allowlist (COLDTRACE_SMS_ALLOWLIST): every message is ignored"
  exit 2
fi

# A phone number in international form: spaces, dots, dashes and brackets dropped; 00<cc>…, <cc>… (the country's
# own code, national number 9 or 10 digits) and 0… (national) become +<cc>…. Anything else is printed unchanged.
normalise() {
  printf '%s' "$1" | tr -d ' .()\t-' | sed -E \
    -e "s/^00([1-9][0-9]{6,14})$/+\\1/" \
    -e "s/^0([1-9][0-9]{7,10})$/+$country\\1/" \
    -e "s/^$country([1-9][0-9]{8,9})$/+$country\\1/"
}

allowed() {
  sed -e 's/#.*//' "$allowlist" | while IFS= read -r line; do
    [ -n "$(printf '%s' "$line" | tr -d ' \t\r')" ] || continue
    if [ "$(normalise "$line")" = "$1" ]; then echo yes; break; fi
  done | grep -q yes
}

# Printable, one line, at most $2 characters: for the log and the answer.
clean() {
  printf '%s' "$1" | tr '\n\r\t' '   ' | tr -d '\000-\037\177' | cut -c "1-$2"
}

# Queues an answer to $1 (the number as received).
answer() {
  [ "$reply" = 1 ] || return 0
  if ! output=$(gammu-smsd-inject -c "$smsdrc" TEXT "$1" -text "$2" 2>&1); then
    log "could not queue the answer to $1: $(printf '%s' "$output" | tail -n 1)"
    return 1
  fi
}

# The messages of this run: gammu-smsd gives one received message a run, in parts when it was concatenated; the
# decoded text is then whole in DECODED_<n>_TEXT, else the parts are joined.
messages=${SMS_MESSAGES:-0}
case "$messages" in ''|*[!0-9]*) messages=0 ;; esac
if [ "$messages" -eq 0 ]; then
  log "no message in the environment (SMS_MESSAGES=${SMS_MESSAGES:-}): run by gammu-smsd's RunOnReceive"
  exit 0
fi
sender=${SMS_1_NUMBER:-}
text=""
parts=${DECODED_PARTS:-0}
case "$parts" in ''|*[!0-9]*) parts=0 ;; esac
n=1
while [ "$n" -le "$parts" ]; do
  eval "text=\"\$text\${DECODED_${n}_TEXT:-}\""
  n=$((n + 1))
done
if [ -z "$text" ]; then
  n=1
  while [ "$n" -le "$messages" ]; do
    eval "text=\"\$text\${SMS_${n}_TEXT:-}\""
    n=$((n + 1))
  done
fi

number=$(normalise "$sender")
line=$(clean "$text" 160)
if ! allowed "$number"; then
  log "ignored a message from $(clean "$sender" 32), not on the allowlist: $line"
  exit 0
fi
# OK <id> [note]: case-insensitive, "#" or ":" tolerated before the id.
command=$(printf '%s' "$line" | sed -E -n 's/^[[:space:]]*[Oo][Kk][[:space:]:]*#?[[:space:]]*([0-9]{1,18})([[:space:]]+(.*))?[[:space:]]*$/\1 \3/p')
if [ -z "$command" ]; then
  log "ignored a message from $number that is not \"OK <id> [note]\": $line"
  exit 0
fi
id=${command%% *}
note=$(printf '%s' "${command#* }" | sed -E 's/[[:space:]]+$//')
note="${note:+$note }(SMS)"

set -- ack "$id" --by "$number" --note "$note"
if [ -n "${COLDTRACE_CONFIG:-}" ]; then set -- "$@" --config "$COLDTRACE_CONFIG"; fi
if [ -n "${COLDTRACE_DB:-}" ]; then set -- "$@" --db "$COLDTRACE_DB"; fi
if output=$("$bin" "$@" 2>&1); then
  log "alert $id acknowledged by $number: $(clean "$output" 200)"
  answer "$sender" "Da xac nhan canh bao $id. ColdTrace"
else
  status=$?
  reason=$(printf '%s' "$output" | head -n 1 | sed -E 's/^coldtrace: (error: )?//')
  reason=${reason:-exit status $status}
  log "alert $id: coldtrace ack by $number failed (status $status): $(clean "$reason" 200)"
  answer "$sender" "$(clean "Khong xac nhan duoc canh bao $id: $(printf '%s' "$reason" | \
    jq -Rr 'explode | map(if . < 128 and . != 96 then . else 63 end) | implode')" 160)"
fi
