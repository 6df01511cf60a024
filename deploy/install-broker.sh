# Sourced by deploy/install.sh --collector: the broker's PKI, settings, ACL and the collector's account.
# shellcheck shell=bash

pki=/etc/coldtrace/pki
# san_list NAME...: the subjectAltName entries for host names and IPs, sorted ("DNS:a,IP:1.2.3.4").
san_list() {
  local host
  for host in "$@"; do
    if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then echo "IP:$host"; else echo "DNS:$host"; fi
  done | sort -u | paste -sd, -
}
# The names in the broker certificate there is, in the same form.
current_sans() {
  openssl x509 -in "$pki/broker.crt" -noout -ext subjectAltName 2> /dev/null | tail -n +2 | tr -d ' ' \
    | sed 's/IPAddress:/IP:/g' | tr ',' '\n' | sort -u | paste -sd, -
}
reissue=()
if [ -s "$pki/broker.crt" ] && [ ${#broker_hosts[@]} -eq 0 ]; then
  echo "keep the broker certificate for $(current_sans) (give --broker-host NAME... to change its names)"
else
  if [ ${#broker_hosts[@]} -eq 0 ]; then
    read -r -a broker_hosts <<< "$(printf '%s\n' "$(hostname -f 2> /dev/null || hostname)" "$(hostname)" localhost \
      127.0.0.1 | awk '!seen[$0]++' | tr '\n' ' ')"
  fi
  if [ -s "$pki/broker.crt" ] && [ "$(current_sans)" != "$(san_list "${broker_hosts[@]}")" ]; then
    # Agents trust the CA, not this certificate: a new one for the new names needs nothing on the edge boxes.
    echo "install: the broker certificate names $(current_sans); reissuing it for $(san_list "${broker_hosts[@]}")"
    reissue=(--reissue-broker)
  fi
  run env KEY_BITS="${KEY_BITS:-3072}" "$repo/deploy/mosquitto/make-certs.sh" "$pki" "${reissue[@]}" \
    "${broker_hosts[@]}"
fi
directory /etc/mosquitto/ca_certificates 0755 root:root
directory /etc/mosquitto/certs 0755 root:root
put "$pki/ca.crt" /etc/mosquitto/ca_certificates/coldtrace-ca.crt 0644 root:root mosquitto
put "$pki/broker.crt" /etc/mosquitto/certs/coldtrace-broker.crt 0644 root:root mosquitto
put "$pki/broker.key" /etc/mosquitto/certs/coldtrace-broker.key 0640 root:mosquitto mosquitto
put "$repo/deploy/mosquitto/coldtrace.conf" /etc/mosquitto/conf.d/coldtrace.conf 0644 root:root mosquitto
put "$repo/deploy/mosquitto/coldtrace.acl" /etc/mosquitto/coldtrace.acl 0640 root:mosquitto mosquitto
passwd=/etc/mosquitto/coldtrace.passwd
if [ -e /etc/coldtrace/collector.toml ]; then
  echo "keep /etc/coldtrace/collector.toml (exists; not overwritten)"
else
  # The collector's own account: a random password, written into the passwd file and the collector's config.
  replaced[mosquitto]+="$passwd "
  replaced[coldtrace-collector]+="/etc/coldtrace/collector.toml "
  if [ $dry_run -eq 1 ]; then
    echo "would run: mosquitto_passwd -b $passwd collector <random password>"
    echo "would write /etc/coldtrace/collector.toml (root:coldtrace 0640) from deploy/collector.toml with" \
      "broker = \"mqtt://collector:<password>@127.0.0.1:1883\""
  else
    password=$(openssl rand -hex 16)
    [ -e "$passwd" ] || install -m 0640 -o root -g mosquitto /dev/null "$passwd"
    mosquitto_passwd -b "$passwd" collector "$password"
    config=$(mktemp)
    sed "s|^broker = .*|broker = \"mqtt://collector:$password@127.0.0.1:1883\"|" "$repo/deploy/collector.toml" \
      > "$config"
    install -m 0640 -o root -g coldtrace "$config" /etc/coldtrace/collector.toml
    rm -f "$config"
    echo "+ wrote /etc/coldtrace/collector.toml with the collector's new password"
  fi
fi
[ $dry_run -eq 1 ] || [ -e "$passwd" ] || install -m 0640 -o root -g mosquitto /dev/null "$passwd"
if [ $dry_run -eq 1 ] || [ "$(stat -c '%a %U:%G' "$passwd")" != "640 root:mosquitto" ]; then
  run chown root:mosquitto "$passwd"
  run chmod 0640 "$passwd"
fi
if [ -n "${replaced[mosquitto]:-}" ] || ! systemctl is-active --quiet mosquitto 2> /dev/null; then
  restart mosquitto "${replaced[mosquitto]:+replaced ${replaced[mosquitto]}}"
else
  echo "install: mosquitto keeps running: none of its files changed"
fi
