#!/usr/bin/env bash
# Adds a site's broker account on the broker host: a password in mosquitto's password file (mosquitto_passwd,
# PBKDF2-SHA512) and a client certificate from ColdTrace's CA (make-certs.sh), then asks mosquitto to reload.
#
#   sudo deploy/mosquitto/add-site.sh SITE [--pki DIR] [--passwd FILE] [--no-reload]
#
# SITE is the site id (docs/protocol.md, "Identities"), which is also the MQTT user name the ACL's %u patterns use.
# The password is $PASSWORD if set, else the existing one is kept, else a random one is made and printed once. Copy
# DIR/ca.crt, DIR/SITE.crt and DIR/SITE.key to the edge box (/etc/coldtrace/, see docs/operations.md).
# Defaults: --pki /etc/coldtrace/pki, --passwd /etc/mosquitto/coldtrace.passwd (also COLDTRACE_PKI, MOSQUITTO_PASSWD).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
  echo "usage: $0 SITE [--pki DIR] [--passwd FILE] [--no-reload]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
site=$1
shift
pki=${COLDTRACE_PKI:-/etc/coldtrace/pki}
passwd=${MOSQUITTO_PASSWD:-/etc/mosquitto/coldtrace.passwd}
reload=1
while [ $# -gt 0 ]; do
  case "$1" in
    --pki) [ $# -ge 2 ] || usage; pki=$2; shift 2 ;;
    --passwd) [ $# -ge 2 ] || usage; passwd=$2; shift 2 ;;
    --no-reload) reload=0; shift ;;
    *) usage ;;
  esac
done
if ! [[ $site =~ ^[A-Za-z0-9._-]{1,64}$ ]] || [ "$site" = . ] || [ "$site" = .. ] || [ "$site" = collector ]; then
  echo "add-site: \"$site\" is not a valid site id (1-64 of A-Z a-z 0-9 . _ -; \"collector\" is reserved)" >&2
  exit 2
fi
command -v mosquitto_passwd > /dev/null || {
  echo "add-site: mosquitto_passwd is not installed (apt-get install mosquitto)" >&2
  exit 1
}
[ -s "$pki/ca.key" ] || {
  echo "add-site: no CA in $pki (make it first: $here/make-certs.sh $pki BROKER-HOSTNAME)" >&2
  exit 1
}

password=${PASSWORD:-}
existing=0
[ -f "$passwd" ] && grep -q "^$site:" "$passwd" && existing=1
if [ -z "$password" ] && [ $existing -eq 1 ]; then
  echo "add-site: $site already has a password in $passwd; keeping it (PASSWORD=... $0 $site to change it)"
else
  [ -n "$password" ] || password=$(openssl rand -hex 16)
  if [ -f "$passwd" ]; then
    mosquitto_passwd -b "$passwd" "$site" "$password"
  else
    (umask 027 && mosquitto_passwd -c -b "$passwd" "$site" "$password")
  fi
  if getent group mosquitto > /dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then chgrp mosquitto "$passwd"; fi
  chmod 0640 "$passwd"
  [ -n "${PASSWORD:-}" ] || echo "add-site: password for $site (shown once): $password"
fi

"$here/make-certs.sh" "$pki" --client "$site"

if [ $reload -eq 1 ] && command -v systemctl > /dev/null && systemctl is-active --quiet mosquitto 2> /dev/null; then
  # SIGHUP: mosquitto re-reads the password and ACL files.
  systemctl reload mosquitto && echo "add-site: mosquitto reloaded"
fi
cat << EOT
add-site: site $site is ready. On its edge box:
  /etc/coldtrace/ca.crt        <- $pki/ca.crt
  /etc/coldtrace/$site.crt  <- $pki/$site.crt
  /etc/coldtrace/$site.key  <- $pki/$site.key   (root:coldtrace-agent 0640)
  agent.toml: site = "$site", broker = "mqtts://$site:PASSWORD@BROKER-HOST:8883" and the [tls] table
EOT
