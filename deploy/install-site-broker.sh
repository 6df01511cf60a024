# Sourced by deploy/install.sh --site-broker: a facility's own mosquitto, bridged to the central broker
# (deploy/mosquitto/site-broker.conf, filled in by make-site-broker.sh). Keeps running when the uplink is down.
# shellcheck shell=bash

conf=/etc/mosquitto/conf.d/coldtrace-site.conf
site_cert=/etc/mosquitto/certs/coldtrace-site.crt
site_key=/etc/mosquitto/certs/coldtrace-site.key
site_ca=/etc/mosquitto/ca_certificates/coldtrace-ca.crt
# The bridge opens its TLS files when it connects, after mosquitto has dropped to its own user: they must be readable
# by `mosquitto`, the key by nobody else.
directory /etc/mosquitto/ca_certificates 0755 root:root
directory /etc/mosquitto/certs 0755 root:root
directory /etc/mosquitto/conf.d 0755 root:root
put "$certs/ca.crt" "$site_ca" 0644 root:root mosquitto
put "$certs/$site.crt" "$site_cert" 0644 root:root mosquitto
put "$certs/$site.key" "$site_key" 0640 root:mosquitto mosquitto
options=(--password-file "$password_file" --listen "$listen")
# The local clients' logins (a mosquitto_passwd file), where mosquitto reads it: replaced when the given one differs.
local_logins=/etc/mosquitto/coldtrace-site.passwd
[ -z "$local_passwd" ] || put "$local_passwd" "$local_logins" 0640 root:mosquitto mosquitto
for prefix in "${forwards[@]}"; do options+=(--forward "$prefix"); done
generator=("$repo/deploy/mosquitto/make-site-broker.sh" "$site" --centre "$centre" --ca "$site_ca" --cert "$site_cert"
  --key "$site_key" "${options[@]}" ${local_passwd:+--local-passwd "$local_logins"})
if [ $dry_run -eq 1 ]; then
  # The generator reads the installed files, which a dry run has not installed: check its input with the given ones.
  given=$(realpath "$certs")
  "$repo/deploy/mosquitto/make-site-broker.sh" "$site" --centre "$centre" --ca "$given/ca.crt" \
    --cert "$given/$site.crt" --key "$given/$site.key" "${options[@]}" \
    ${local_passwd:+--local-passwd "$(realpath "$local_passwd")"} > /dev/null
  echo "would write $conf (root:mosquitto 0640: it holds the site's password) with: ${generator[*]}"
  replaced[mosquitto]+="$conf "
else
  "${generator[@]}" > "$stage/coldtrace-site.conf"
  put "$stage/coldtrace-site.conf" "$conf" 0640 root:mosquitto mosquitto
fi
# A bridge is not re-read on SIGHUP: a changed file needs a restart, which keeps the queue (persistence).
if [ -n "${replaced[mosquitto]:-}" ] || ! systemctl is-active --quiet mosquitto 2> /dev/null; then
  restart mosquitto "${replaced[mosquitto]:+replaced ${replaced[mosquitto]}}"
else
  echo "install: mosquitto keeps running: none of its files changed"
fi
systemctl is-enabled --quiet mosquitto.service 2> /dev/null || run systemctl enable mosquitto.service

# The bridge's own word on its link, retained on the local broker: 1 connected, 0 not (yet).
if [ $dry_run -eq 0 ]; then
  state=""
  for _ in $(seq 1 20); do
    state=$(mosquitto_sub -h "${listen%:*}" -p "${listen##*:}" -t "coldtrace/v1/bridge/$site" -C 1 -W 2 \
      2> /dev/null || true)
    [ "$state" = 1 ] && break
    sleep 1
  done
  if [ "$state" = 1 ]; then
    echo "install: site broker ready: bridged to $centre as $site (coldtrace/v1/bridge/$site = 1)"
  else
    echo "install: the site broker runs but its bridge to $centre is not connected yet (state: ${state:-none});" \
      "it keeps every message until it is. Look at: journalctl -u mosquitto; /var/log/mosquitto/mosquitto.log"
  fi
  echo "  point the agent (broker = \"mqtt://${listen}\") and Zigbee2MQTT/Tasmota (server ${listen}) at it"
  case "${listen%:*}" in
    127.*) ;;
    *) [ -n "$local_passwd" ] || echo "install: warning: ${listen} takes clients without a password: any device on" \
      "that network may publish as $site; where the LAN is not trusted, run this again with --local-passwd FILE" \
      "(made with mosquitto_passwd)" ;;
  esac
  [ -z "$local_passwd" ] || echo "  local clients log in with a user of $local_logins (mosquitto_passwd; this run" \
    "replaces it when --local-passwd differs)"
fi
