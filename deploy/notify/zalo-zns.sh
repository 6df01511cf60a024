#!/bin/sh
# ColdTrace Zalo ZNS notification program (a [[notify]] channel's `command`), an example: reads the alert events of
# one room as JSON lines on standard input and sends one ZNS template message per event to each phone number in
# COLDTRACE_CONTACTS, through Zalo's ZNS API (POST <api>/message/template, header access_token). It needs a verified
# Zalo Official Account, an approved ZNS template and a Zalo app: see deploy/notify/zalo.md.
#
# Needs: curl, jq and flock (util-linux). Settings:
#   COLDTRACE_ZALO_CONFIG  a JSON file (default /etc/coldtrace/zalo.json), readable by the collector's user only:
#     app_id           the Zalo app's id
#     secret_key_file  a file holding the app's secret key (or secret_key, the key itself)
#     template_id      the approved ZNS template's id
#     template_data    {"<template parameter>": "<field>", ...}: each parameter gets one field of the event (room,
#                      site, room_name, sensor, kind, kind_vi, severity, severity_vi, event, event_vi, peak, limit,
#                      at, at_local, alert_id, lots, message) or, written "=text", the text itself
#     state_dir        a directory of the collector's user: tokens.json (the access and refresh tokens), sent (the
#                      notification ids and phones already sent), lock
#     utc_offset_minutes  for at_local (default 420: Vietnam, UTC+7)
#   COLDTRACE_ZALO_API, COLDTRACE_ZALO_OAUTH  the base URLs (default https://business.openapi.zalo.me and
#                                             https://oauth.zaloapp.com): a test points them at a local stub
# The access token lives about 25 hours; it is refreshed when it has less than 10 minutes left, or when Zalo answers
# -124 (access token invalid or expired), once per run. Zalo's refresh token is single-use and the answer carries the
# next one: the answer is flushed to disk in state_dir first, then the new pair is written to a temporary file there,
# flushed and renamed over tokens.json (mode 600), all under a lock, so neither a crash nor a second run loses it.
# Exit status: 0 sent (or every message a repeat), 2 a configuration error, 3 a failure worth retrying (network,
# Zalo busy), 4 a failure that needs a person (template, phone number, quota, refresh token): the first line of
# standard error, which ends up in `coldtrace notify status`, says which. The collector retries either way; the
# messages already sent are not sent again.
set -eu
umask 077

fail() {
  status=$1
  shift
  echo "zalo-zns.sh: $*" >&2
  exit "$status"
}

for tool in curl jq flock; do
  command -v "$tool" > /dev/null 2>&1 || fail 2 "$tool is not installed (apt-get install curl jq util-linux)"
done
config=${COLDTRACE_ZALO_CONFIG:-/etc/coldtrace/zalo.json}
[ -r "$config" ] || fail 2 "cannot read $config (COLDTRACE_ZALO_CONFIG)"
jq -e 'type == "object" and (.template_data | type) == "object"' "$config" > /dev/null 2>&1 \
  || fail 2 "$config is not a JSON object with a template_data object"
setting() { jq -r --arg key "$1" '.[$key] // "" | tostring' "$config"; }
app_id=$(setting app_id)
template_id=$(setting template_id)
state=$(setting state_dir)
secret=$(setting secret_key)
secret_file=$(setting secret_key_file)
offset=$(setting utc_offset_minutes)
if [ -z "$secret" ] && [ -n "$secret_file" ]; then
  secret=$(cat "$secret_file") || fail 2 "cannot read the secret key file $secret_file"
fi
if [ -z "$app_id" ] || [ -z "$template_id" ] || [ -z "$state" ] || [ -z "$secret" ]; then
  fail 2 "$config needs app_id, template_id, state_dir and secret_key_file (or secret_key)"
fi
[ -d "$state" ] || fail 2 "state_dir $state is not a directory"
tokens=$state/tokens.json
sent=$state/sent
[ -r "$tokens" ] || fail 2 "no $tokens: write the first refresh token into it (deploy/notify/zalo.md)"
contacts=${COLDTRACE_CONTACTS:-}
[ -n "$contacts" ] || fail 2 "COLDTRACE_CONTACTS is empty: set phone numbers as contacts in the [[notify]] table"
api=${COLDTRACE_ZALO_API:-https://business.openapi.zalo.me}
oauth=${COLDTRACE_ZALO_OAUTH:-https://oauth.zaloapp.com}
ids=${COLDTRACE_NOTIFICATION_IDS:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/coldtrace-zalo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/events"
printf '%s\n' "$contacts" | tr ',' '\n' > "$work/contacts"
touch "$sent"

# One run at a time: the token refresh and the sent list are shared by every run of the channel (and by
# `coldtrace notify test`). Waits at most 30 s for the other run.
exec 9>> "$state/lock"
flock -w 30 9 || fail 3 "another run still holds $state/lock after 30 s"

# 84xxxxxxxxx from 0xxx, +84xxx, 0084xxx or 84xxx, spaces, dots, dashes and brackets dropped; nothing if not a
# Vietnamese number.
normalise() {
  number=$(printf '%s' "$1" | tr -d ' .()-')
  case $number in
    +84*) number=${number#+} ;;
    0084*) number=${number#00} ;;
    0*) number=84${number#0} ;;
  esac
  if printf '%s' "$number" | grep -Eqx '84[0-9]{9,10}'; then printf '%s' "$number"; fi
}

# Zalo's answer to a refresh goes straight to $answer in state_dir and is flushed to disk before anything else: from
# then on the new pair survives a crash. adopt turns it into tokens.json (a temporary file, flushed, renamed over
# tokens.json, the directory flushed: the file is always the old pair or the new one, whole) and removes it; a run
# that finds an $answer left by a crash adopts it first.
answer=$state/refresh-answer.json
is_pair() { jq -e '(.access_token | type) == "string" and (.refresh_token | type) == "string"' "$1" > /dev/null 2>&1; }
adopt() {
  now=$(date +%s)
  jq --argjson now "$now" '{access_token, refresh_token,
    expires_at: ($now + ((.expires_in // 90000) | tonumber? // 90000)), refreshed_at: $now}' "$answer" \
    > "$tokens.tmp"
  chmod 600 "$tokens.tmp"
  sync "$tokens.tmp" 2> /dev/null || sync
  mv -f "$tokens.tmp" "$tokens"
  sync "$state" 2> /dev/null || sync
  rm -f "$answer"
}
if [ -s "$answer" ]; then
  if is_pair "$answer"; then
    echo "zalo-zns.sh: storing the token pair of a refresh a crash interrupted" >&2
    adopt
  else
    rm -f "$answer"
  fi
fi

# The refresh: POST <oauth>/v4/oa/access_token, header secret_key, form app_id, refresh_token, grant_type. Secrets go
# to curl in files, not on its command line (which every local user can read in /proc).
refreshed=no
refresh() {
  refreshed=yes
  jq -j '.refresh_token // ""' "$tokens" > "$work/refresh_token"
  [ -s "$work/refresh_token" ] || fail 4 "PERMANENT: no refresh_token in $tokens: authorise the app again (zalo.md)"
  printf 'secret_key: %s\n' "$secret" > "$work/oauth-headers"
  if ! curl -sS --max-time 15 -X POST -H @"$work/oauth-headers" --data-urlencode "app_id=$app_id" \
    --data-urlencode "refresh_token@$work/refresh_token" --data-urlencode "grant_type=refresh_token" \
    -o "$answer" "$oauth/v4/oa/access_token" 2> "$work/curl-error"; then
    # No answer, or part of one: if Zalo did take the refresh token, nothing here can recover the new one.
    rm -f "$answer"
    fail 3 "token refresh: cannot reach $oauth: $(head -n 1 "$work/curl-error"); $tokens unchanged"
  fi
  sync "$answer" 2> /dev/null || sync
  if ! is_pair "$answer"; then
    # Zalo answers a refused refresh with {error, message} or {error_name, error_reason, error_description},
    # sometimes with HTTP 200.
    why=$(jq -r '[.error, .message, .error_name, .error_description] | map(select(. != null) | tostring)
      | join(": ")' "$answer" 2> /dev/null || head -c 200 "$answer")
    rm -f "$answer"
    fail 4 "PERMANENT: Zalo refused the token refresh ($why); $tokens unchanged: if the refresh token expired or was" \
      "used, authorise the app again (zalo.md)"
  fi
  adopt
}

access=""
token() {
  access=$(jq -r '.access_token // ""' "$tokens")
  expires=$(jq -r '.expires_at // 0 | tonumber? // 0' "$tokens")
  if [ -z "$access" ] || [ $((expires - $(date +%s))) -lt 600 ]; then
    refresh
    access=$(jq -r '.access_token' "$tokens")
  fi
}

# Sends $work/body with the current access token; sets code (Zalo's error, or "network") and why.
send() {
  printf 'access_token: %s\nContent-Type: application/json\n' "$access" > "$work/headers"
  if ! curl -sS --max-time 15 -X POST -H @"$work/headers" --data-binary @"$work/body" -o "$work/answer" \
    "$api/message/template" 2> "$work/curl-error"; then
    code=network
    why=$(head -n 1 "$work/curl-error")
    return
  fi
  code=$(jq -r '.error // "none" | tostring' "$work/answer" 2> /dev/null) || code=none
  why=$(jq -r '.message // "" | tostring' "$work/answer" 2> /dev/null) || why=$(head -c 200 "$work/answer")
}

# The template's parameters, from one event and the config's template_data (a jq program: $map and $offset are jq's).
# shellcheck disable=SC2016
mapping='
  def value(v): if v == null then "-" else (v | tostring) end;
  def kinds: {"temp_high": "nhiệt độ cao", "temp_low": "nhiệt độ thấp", "rh_high": "độ ẩm cao",
    "rh_low": "độ ẩm thấp", "temp_trend": "nhiệt độ tăng nhanh", "budget": "hết ngân sách nhiệt",
    "treatment": "xử lý lạnh hỏng", "offline": "đầu dò mất tín hiệu", "agent_offline": "máy thu mất kết nối",
    "sensor_fault": "đầu dò hỏng", "calibration_due": "đến hạn hiệu chuẩn", "door_open": "cửa mở lâu",
    "defrost_overrun": "xả đá quá lâu"};
  def events: {"opened": "mở", "escalated": "nâng mức", "resolved": "đã hết", "renotified": "nhắc lại",
    "unsilenced": "hết tạm im", "escalation": "chưa ai xác nhận", "test": "thử"};
  . as $event
  | {room: "\(.site)/\(.room)", site: .site, room_name: .room, sensor: .sensor, kind: .kind,
     kind_vi: (kinds[.kind] // .kind), severity: .severity,
     severity_vi: (if .severity == "critical" then "KHẨN" else "Cảnh báo" end), event: .event,
     event_vi: (events[.event] // .event), peak: value(.peak), limit: value(.limit), at: .at,
     at_local: (try (.at | sub("\\.[0-9]+"; "") | fromdateiso8601 + $offset * 60 | strftime("%H:%M %d/%m/%Y"))
       catch .at),
     alert_id: (.id | tostring), lots: ((.lots // []) | join(", ")), message: (.message // "")} as $fields
  | $map | with_entries(.value |= (if startswith("=") then .[1:]
      else ($fields[.] // error("template_data: unknown field \(.)")) end))'
map=$(jq -c '.template_data' "$config")

failures=0
permanent=0
index=0
while IFS= read -r event <&3; do
  [ -n "$event" ] || continue
  index=$((index + 1))
  id=$(printf '%s\n' "$ids" | awk -F, -v field="$index" '{ print $field }')
  [ -n "$id" ] || id=0
  data=$(printf '%s\n' "$event" | jq -c --argjson map "$map" --argjson offset "${offset:-420}" "$mapping" 2>&1) \
    || fail 2 "$config: $data"
  while IFS= read -r contact <&4; do
    [ -n "$contact" ] || continue
    phone=$(normalise "$contact")
    if [ -z "$phone" ]; then
      echo "zalo-zns.sh: PERMANENT: \"$contact\" is not a Vietnamese phone number (84xxxxxxxxx or 0xxxxxxxxx)" >&2
      failures=$((failures + 1))
      permanent=1
      continue
    fi
    # Notification 0 is `coldtrace notify test`: sent every time, never remembered.
    if [ "$id" != 0 ] && grep -qx "$id $phone" "$sent"; then continue; fi
    tracking=$id
    [ "$id" != 0 ] || tracking=test$(date +%s)
    jq -cn --arg phone "$phone" --arg template "$template_id" --arg tracking "$tracking" --argjson data "$data" \
      '{phone: $phone, template_id: $template, template_data: $data, tracking_id: $tracking}' > "$work/body"
    [ -n "$access" ] || token
    send
    if [ "$code" = -124 ] && [ "$refreshed" = no ]; then
      refresh
      access=$(jq -r '.access_token' "$tokens")
      send
    fi
    case $code in
      0)
        [ "$id" = 0 ] || printf '%s %s\n' "$id" "$phone" >> "$sent"
        ;;
      network | none)
        echo "zalo-zns.sh: notification $id to $phone not sent: no answer from $api ($why)" >&2
        failures=$((failures + 1))
        ;;
      # zalo.cloud's ZNS error table: the app (-101 to -105), the method (-106), the phone number (-108), the
      # template id (-109) or its data (-111, -112); -118 (no Zalo account on the number) as seen in Zalo clients; a
      # -124 (access token invalid) right after a refresh. Other codes (-100 unknown error, quota, ...) are retried.
      -101 | -102 | -103 | -104 | -105 | -106 | -108 | -109 | -111 | -112 | -118 | -124)
        echo "zalo-zns.sh: PERMANENT: notification $id to $phone refused by Zalo, error $code: $why" >&2
        failures=$((failures + 1))
        permanent=1
        ;;
      *)
        echo "zalo-zns.sh: notification $id to $phone refused by Zalo, error $code: $why" >&2
        failures=$((failures + 1))
        ;;
    esac
  done 4< "$work/contacts"
done 3< "$work/events"

if [ "$failures" -gt 0 ]; then
  [ "$permanent" = 1 ] && exit 4
  exit 3
fi
exit 0
