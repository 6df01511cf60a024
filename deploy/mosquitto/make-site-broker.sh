#!/usr/bin/env bash
# Writes a site broker's mosquitto configuration (deploy/mosquitto/site-broker.conf filled in) on standard output, or
# into FILE with --out: a local broker for one facility, bridged to the central broker over TLS as the site's account.
#
#   make-site-broker.sh SITE --centre HOST[:PORT] --ca FILE [--cert FILE --key FILE] [--password-file FILE]
#                       [--listen ADDRESS[:PORT]] [--local-passwd FILE] [--forward PREFIX]... [--autosave SECONDS]
#                       [--out FILE]
#
# SITE: the site id (the site's MQTT account on the central broker, deploy/mosquitto/add-site.sh). --centre: the
# central broker's TLS listener (port 8883 by default); its certificate must name HOST. --ca: ColdTrace's CA;
# --cert/--key: the site's client certificate (the central broker requires one); --password-file: the site's
# password (its first line). --listen: where the facility's clients connect (default 127.0.0.1:1883; 0.0.0.0 for
# devices on the LAN); --local-passwd: a mosquitto password file those clients must log in with (default: anonymous).
# --forward PREFIX: bridge the local tree PREFIX/# up as sites/SITE/PREFIX/# for the collector's [[source]] tables
# (e.g. --forward zigbee2mqtt). --autosave: seconds between saves of the queue (default 30). Bad input: exit 2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
fail() {
  echo "make-site-broker: $*" >&2
  exit 2
}
[ $# -ge 1 ] || usage
site=$1
shift
centre="" ca="" cert="" key="" password_file="" listen=127.0.0.1:1883 local_passwd="" autosave=30 out=""
forwards=()
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --centre) centre=$2 ;;
    --ca) ca=$2 ;;
    --cert) cert=$2 ;;
    --key) key=$2 ;;
    --password-file) password_file=$2 ;;
    --listen) listen=$2 ;;
    --local-passwd) local_passwd=$2 ;;
    --forward) forwards+=("$2") ;;
    --autosave) autosave=$2 ;;
    --out) out=$2 ;;
    *) usage ;;
  esac
  shift 2
done
if ! [[ $site =~ ^[A-Za-z0-9._-]{1,64}$ ]] || [ "$site" = . ] || [ "$site" = .. ] || [ "$site" = collector ]; then
  fail "\"$site\" is not a valid site id (1-64 of A-Z a-z 0-9 . _ -; \"collector\" is reserved)"
fi
[ -n "$centre" ] || fail "--centre HOST[:PORT] is required (the central broker's TLS listener)"
[[ $centre =~ ^[A-Za-z0-9.-]+(:[0-9]{1,5})?$ ]] || fail "--centre \"$centre\" is not HOST or HOST:PORT"
[[ $centre == *:* ]] || centre="$centre:8883"
[ -n "$ca" ] || fail "--ca FILE is required (ColdTrace's CA, which signed the central broker's certificate)"
for file in "$ca" ${cert:+"$cert"} ${key:+"$key"} ${local_passwd:+"$local_passwd"}; do
  [ -r "$file" ] || fail "cannot read $file"
  [[ $file = /* ]] || fail "$file is not an absolute path (mosquitto reads it later, from another directory)"
done
[ -z "$password_file" ] || [ -r "$password_file" ] || fail "cannot read $password_file"
if { [ -n "$cert" ] && [ -z "$key" ]; } || { [ -z "$cert" ] && [ -n "$key" ]; }; then
  fail "--cert and --key go together"
fi
[ -n "$cert" ] || [ -n "$password_file" ] || fail "give --cert/--key, --password-file or both (the centre wants both)"
[[ $listen == *:* ]] || listen="$listen:1883"
listen_address=${listen%:*} listen_port=${listen##*:}
[[ $listen_address =~ ^[0-9.]+$ ]] || fail "--listen \"$listen\" is not an IPv4 ADDRESS[:PORT]"
[[ $listen_port =~ ^[0-9]{1,5}$ ]] && [ "$listen_port" -ge 1 ] && [ "$listen_port" -le 65535 ] \
  || fail "--listen port \"$listen_port\" is not 1-65535"
[[ $autosave =~ ^[0-9]{1,5}$ ]] && [ "$autosave" -ge 1 ] || fail "--autosave \"$autosave\" is not 1-99999 seconds"

local_auth="allow_anonymous true"
[ -z "$local_passwd" ] || local_auth=$(printf 'allow_anonymous false\npassword_file %s' "$local_passwd")
bridge_tls="# (no client certificate)"
[ -z "$cert" ] || bridge_tls=$(printf 'bridge_certfile %s\nbridge_keyfile %s' "$cert" "$key")
bridge_password="# (no password)"
if [ -n "$password_file" ]; then
  password=$(head -n 1 "$password_file")
  [ -n "$password" ] || fail "$password_file is empty"
  [[ $password != *[[:space:]]* ]] || fail "the password in $password_file holds white space, which mosquitto.conf cannot"
  bridge_password=$(printf 'remote_username %s\nremote_password %s' "$site" "$password")
fi
forward_lines=""
for prefix in "${forwards[@]}"; do
  [[ $prefix =~ ^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$ ]] \
    || fail "--forward \"$prefix\" is not a topic prefix (levels of A-Z a-z 0-9 . _ -, no wildcards)"
  [[ $prefix != coldtrace* && $prefix != sites* ]] || fail "--forward \"$prefix\": ColdTrace's own topics go already"
  forward_lines+="topic # out 1 $prefix/ sites/$site/$prefix/"$'\n'
done
[ -n "$forward_lines" ] || forward_lines="# (none)"

config=$(cat "$here/site-broker.conf")
substitute() { config=${config//"$1"/"$2"}; }
substitute @LOCAL_AUTH@ "$local_auth"
substitute @BRIDGE_TLS@ "$bridge_tls"
substitute @BRIDGE_PASSWORD@ "$bridge_password"
substitute @FORWARDS@ "${forward_lines%$'\n'}"
substitute @LISTEN_ADDRESS@ "$listen_address"
substitute @LISTEN_PORT@ "$listen_port"
substitute @AUTOSAVE@ "$autosave"
substitute @CENTRE@ "$centre"
substitute @CA_FILE@ "$ca"
substitute @SITE@ "$site"
if [ -n "$out" ]; then
  (umask 077 && printf '%s\n' "$config" > "$out")
else
  printf '%s\n' "$config"
fi
