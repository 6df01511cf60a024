#!/usr/bin/env bash
# Makes ColdTrace's private PKI with openssl: a CA, the broker's server certificate and one client certificate per
# MQTT account (the collector and every site).
#
#   deploy/mosquitto/make-certs.sh OUTDIR [--site SITE]... [--reissue-broker] [BROKER-HOSTNAME-OR-IP]...
#   deploy/mosquitto/make-certs.sh OUTDIR --client NAME        # one more client certificate from the existing CA
#
# OUTDIR/ca.crt, ca.key            the CA (ca.key 0600: keep it on the admin's machine or the collector host, never
#                                   on an edge box); made once and reused on later runs
# OUTDIR/broker.crt, broker.key    the broker's certificate, with a subjectAltName for every host name and IP given
#                                   (default: localhost and 127.0.0.1; agents connect by one of these names)
# OUTDIR/collector.crt, .key       the collector's client certificate (CN=collector)
# OUTDIR/<site>.crt, <site>.key    one per --site: CN=<site>, the site's MQTT user name (docs/protocol.md, "Identities")
#
# Keys are 0640 (the broker's key is group-owned by `mosquitto` when that group exists, so the broker can read it
# after dropping privileges); certificates 0644. Existing files are kept, so the script can run again to add sites;
# --reissue-broker replaces the broker's key and certificate (new names) from the same CA, which the agents already
# trust. A run whose names differ from the existing broker certificate's without it stops and says so.
# Environment: DAYS (validity, default 825), KEY_BITS (RSA size, default 3072).
set -euo pipefail

usage() {
  echo "usage: $0 OUTDIR [--site SITE]... [--reissue-broker] [BROKER-HOSTNAME-OR-IP]...  |  $0 OUTDIR --client NAME" >&2
  exit 2
}
[ $# -ge 1 ] || usage
case "$1" in -*) usage ;; esac
out=$1
shift
sites=()
hosts=()
reissue_broker=0
while [ $# -gt 0 ]; do
  case "$1" in
    --site | --client)
      [ $# -ge 2 ] || usage
      sites+=("$2")
      shift 2
      ;;
    --reissue-broker)
      reissue_broker=1
      shift
      ;;
    -h | --help) usage ;;
    -*) usage ;;
    *)
      hosts+=("$1")
      shift
      ;;
  esac
done
explicit_hosts=("${hosts[@]}")
[ ${#hosts[@]} -gt 0 ] || hosts=(localhost 127.0.0.1)
for name in "${sites[@]}"; do
  # docs/protocol.md, "Identities": 1-64 of [A-Za-z0-9._-], not . or ..; "collector" is the collector's own account.
  if ! [[ $name =~ ^[A-Za-z0-9._-]{1,64}$ ]] || [ "$name" = . ] || [ "$name" = .. ]; then
    echo "make-certs: \"$name\" is not a valid site id (1-64 of A-Z a-z 0-9 . _ -)" >&2
    exit 2
  fi
done
command -v openssl > /dev/null || {
  echo "make-certs: openssl is not installed (apt-get install openssl)" >&2
  exit 1
}
days=${DAYS:-825}
bits=${KEY_BITS:-3072}
mkdir -p "$out"
umask 077

if [ ! -s "$out/ca.key" ] || [ ! -s "$out/ca.crt" ]; then
  openssl req -x509 -newkey "rsa:$bits" -nodes -days "$((days * 4))" -subj "/O=ColdTrace/CN=ColdTrace MQTT CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$out/ca.key" -out "$out/ca.crt" 2> /dev/null
  echo "make-certs: made CA $out/ca.crt"
fi
chmod 0600 "$out/ca.key"
chmod 0644 "$out/ca.crt"

# issue NAME EXTENSIONS: a key and a certificate signed by the CA, unless both exist.
issue() {
  local name=$1 extensions=$2
  if [ -s "$out/$name.key" ] && [ -s "$out/$name.crt" ]; then
    echo "make-certs: keeping $out/$name.crt"
    return
  fi
  local ext
  ext=$(mktemp)
  printf '%s\n' "$extensions" > "$ext"
  openssl req -newkey "rsa:$bits" -nodes -subj "/O=ColdTrace/CN=$name" -keyout "$out/$name.key" \
    -out "$out/$name.csr" 2> /dev/null
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$ext" -out "$out/$name.crt" 2> /dev/null
  rm -f "$out/$name.csr" "$ext"
  chmod 0640 "$out/$name.key"
  chmod 0644 "$out/$name.crt"
  echo "make-certs: made $out/$name.crt"
}

san=""
for host in "${hosts[@]}"; do
  if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then san+="IP:$host,"; else san+="DNS:$host,"; fi
done
if [ -s "$out/broker.crt" ] && [ ${#explicit_hosts[@]} -gt 0 ]; then
  existing=$(openssl x509 -in "$out/broker.crt" -noout -ext subjectAltName 2> /dev/null | tail -n +2 | tr -d ' ' \
    | sed 's/IPAddress:/IP:/g' | tr ',' '\n' | sort -u | paste -sd, -)
  wanted=$(printf '%s' "${san%,}" | tr ',' '\n' | sort -u | paste -sd, -)
  if [ "$existing" != "$wanted" ] && [ $reissue_broker -eq 0 ]; then
    echo "make-certs: $out/broker.crt names $existing, not $wanted; to reissue it for the new names (the CA and" \
      "the agents' files stay): $0 $out --reissue-broker ${explicit_hosts[*]}" >&2
    exit 1
  fi
fi
if [ $reissue_broker -eq 1 ]; then rm -f "$out/broker.crt" "$out/broker.key"; fi
issue broker "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=${san%,}"
if getent group mosquitto > /dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then chgrp mosquitto "$out/broker.key"; fi

client_extensions="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
issue collector "$client_extensions"
for site in "${sites[@]}"; do issue "$site" "$client_extensions"; done
