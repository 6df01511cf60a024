#!/usr/bin/env bash
# Installs ColdTrace on Debian 12, from this checkout, as root. Safe to run again: it never overwrites a config,
# a password, a key or a certificate that is already there; binaries and systemd units are replaced.
#
#   sudo deploy/install.sh --collector [--broker-host NAME]... [--dry-run] [--no-build] [--bin-dir DIR]
#       The collector host, which also runs the broker: mosquitto with deploy/mosquitto/ (TLS on 8883 with client
#       certificates, passwords, ACL; a loopback listener on 1883 for the collector), ColdTrace's CA and the broker's
#       certificate in /etc/coldtrace/pki (one SAN per --broker-host; default: this host's names, localhost and
#       127.0.0.1), the collector's password, `coldtrace` in /usr/local/bin and coldtrace-collector.service (started).
#   sudo deploy/install.sh --edge [--certs DIR --site SITE] [--dry-run] [--no-build] [--bin-dir DIR]
#       An edge box: `coldtrace-agent` (built with --static-swift-stdlib) and coldtrace-agent.service (enabled; start it
#       once /etc/coldtrace/agent.toml is filled in). With --certs, copies DIR/ca.crt, DIR/SITE.crt and DIR/SITE.key
#       (from `deploy/mosquitto/add-site.sh SITE` on the collector host) to /etc/coldtrace/.
#
# --dry-run prints every step and changes nothing (no root needed). --no-build installs the binaries already built
# (.build-static/release); --bin-dir takes them from DIR instead (e.g. cross-built).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
role=""
dry_run=0
build=1
bin_dir=""
certs=""
site=""
broker_hosts=()

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --collector) role=collector; shift ;;
    --edge) role=edge; shift ;;
    --dry-run) dry_run=1; shift ;;
    --no-build) build=0; shift ;;
    --bin-dir) [ $# -ge 2 ] || usage; bin_dir=$2; build=0; shift 2 ;;
    --broker-host) [ $# -ge 2 ] || usage; broker_hosts+=("$2"); shift 2 ;;
    --certs) [ $# -ge 2 ] || usage; certs=$2; shift 2 ;;
    --site) [ $# -ge 2 ] || usage; site=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "install: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$role" ] || { echo "install: say --collector or --edge" >&2; usage; }
if [ -n "$certs" ] && [ -z "$site" ]; then echo "install: --certs needs --site SITE" >&2; exit 2; fi
if [ $dry_run -eq 0 ] && [ "$(id -u)" -ne 0 ]; then echo "install: run as root (or with --dry-run)" >&2; exit 1; fi
[ $dry_run -eq 1 ] && echo "install: dry run for the $role role: nothing is changed"

# run CMD...: runs a command, or prints it in a dry run.
run() {
  if [ $dry_run -eq 1 ]; then echo "would run: $*"; else echo "+ $*"; "$@"; fi
}
# put SRC DST MODE OWNER:GROUP: installs a file, replacing an older one (binaries, units, scripts' outputs).
put() {
  run install -D -m "$3" -o "${4%:*}" -g "${4#*:}" "$1" "$2"
}
# keep_or_put SRC DST MODE OWNER:GROUP: installs a file only if DST does not exist (configs, secrets).
keep_or_put() {
  if [ -e "$2" ]; then echo "keep $2 (exists; not overwritten)"; else put "$@"; fi
}
# directory PATH MODE OWNER:GROUP
directory() {
  run install -d -m "$2" -o "${3%:*}" -g "${3#*:}" "$1"
}
# service_user NAME HOME [GROUPS]: a system user with no login and no home directory of its own.
service_user() {
  if id -u "$1" > /dev/null 2>&1; then
    echo "keep user $1 (exists)"
  else
    run useradd --system --user-group --home-dir "$2" --no-create-home --shell /usr/sbin/nologin "$1"
  fi
  if [ -n "${3:-}" ]; then run usermod --append --groups "$3" "$1"; fi
}

# 1. Packages: building needs the -dev ones (scripts/bootstrap.sh); prebuilt binaries only their runtime libraries.
# The broker host also needs mosquitto and openssl.
extra_packages=(openssl ca-certificates)
if [ -n "$bin_dir" ]; then
  extra_packages+=(libmosquitto1 libmodbus5 libsqlite3-0)
elif [ $dry_run -eq 1 ]; then
  echo "would run: $repo/scripts/bootstrap.sh"
else
  "$repo/scripts/bootstrap.sh"
fi
[ "$role" = collector ] && extra_packages+=(mosquitto mosquitto-clients sqlite3)
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${extra_packages[@]}"

# 2. Binaries.
if [ "$role" = collector ]; then program=coldtrace; else program=coldtrace-agent; fi
if [ -n "$bin_dir" ]; then
  built="$bin_dir/$program"
else
  # A static Swift runtime for both: no toolchain libraries on the server or the edge box, a smaller resident set
  # (benchmarks/README.md, "Agent RSS"), and a shell command that starts in about half the time (no dynamic linking
  # of Foundation).
  built="$repo/.build-static/release/$program"
  [ $build -eq 0 ] || run swift build --package-path "$repo" --scratch-path "$repo/.build-static" -c release \
    --static-swift-stdlib --product "$program"
fi
if [ $dry_run -eq 0 ] && [ ! -x "$built" ]; then echo "install: $built is missing (build it first)" >&2; exit 1; fi
put "$built" "/usr/local/bin/$program" 0755 root:root

# 3. Users, directories, configs.
directory /etc/coldtrace 0755 root:root
if [ "$role" = collector ]; then
  service_user coldtrace /var/lib/coldtrace
  directory /var/lib/coldtrace 0750 coldtrace:coldtrace
  directory /var/log/coldtrace 0750 coldtrace:coldtrace
  directory /etc/coldtrace/pki 0700 root:root
else
  # dialout: Modbus RTU serial adapters (/dev/ttyUSB*); the probes under /sys are world-readable.
  service_user coldtrace-agent /var/lib/coldtrace-agent dialout
  directory /var/lib/coldtrace-agent 0750 coldtrace-agent:coldtrace-agent
fi

if [ "$role" = collector ]; then
  # 4. The broker: PKI, passwords, ACL, settings; every file readable by the mosquitto user it drops to.
  if [ ${#broker_hosts[@]} -eq 0 ]; then
    read -r -a broker_hosts <<< "$(printf '%s\n' "$(hostname -f 2> /dev/null || hostname)" "$(hostname)" localhost \
      127.0.0.1 | awk '!seen[$0]++' | tr '\n' ' ')"
  fi
  pki=/etc/coldtrace/pki
  run env KEY_BITS="${KEY_BITS:-3072}" "$repo/deploy/mosquitto/make-certs.sh" "$pki" "${broker_hosts[@]}"
  directory /etc/mosquitto/ca_certificates 0755 root:root
  directory /etc/mosquitto/certs 0755 root:root
  put "$pki/ca.crt" /etc/mosquitto/ca_certificates/coldtrace-ca.crt 0644 root:root
  put "$pki/broker.crt" /etc/mosquitto/certs/coldtrace-broker.crt 0644 root:root
  put "$pki/broker.key" /etc/mosquitto/certs/coldtrace-broker.key 0640 root:mosquitto
  put "$repo/deploy/mosquitto/coldtrace.conf" /etc/mosquitto/conf.d/coldtrace.conf 0644 root:root
  put "$repo/deploy/mosquitto/coldtrace.acl" /etc/mosquitto/coldtrace.acl 0640 root:mosquitto
  passwd=/etc/mosquitto/coldtrace.passwd
  if [ -e /etc/coldtrace/collector.toml ]; then
    echo "keep /etc/coldtrace/collector.toml (exists; not overwritten)"
  else
    # The collector's own account: a random password, written into the passwd file and the collector's config.
    password=$(openssl rand -hex 16)
    if [ $dry_run -eq 1 ]; then
      echo "would run: mosquitto_passwd -b $passwd collector <random password>"
      echo "would write /etc/coldtrace/collector.toml (root:coldtrace 0640) from deploy/collector.toml with" \
        "broker = \"mqtt://collector:<password>@127.0.0.1:1883\""
    else
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
  run chown root:mosquitto "$passwd"
  run chmod 0640 "$passwd"
  unit=coldtrace-collector
  run systemctl restart mosquitto
else
  keep_or_put "$repo/deploy/agent.toml" /etc/coldtrace/agent.toml 0640 root:coldtrace-agent
  if [ -n "$certs" ]; then
    keep_or_put "$certs/ca.crt" /etc/coldtrace/ca.crt 0644 root:root
    keep_or_put "$certs/$site.crt" "/etc/coldtrace/$site.crt" 0644 root:root
    keep_or_put "$certs/$site.key" "/etc/coldtrace/$site.key" 0640 root:coldtrace-agent
  fi
  unit=coldtrace-agent
fi

# 5. The systemd unit.
put "$repo/deploy/systemd/$unit.service" "/etc/systemd/system/$unit.service" 0644 root:root
run systemctl daemon-reload
run systemctl enable "$unit.service"
if [ "$role" = collector ]; then
  run systemctl restart "$unit.service"
  echo "install: collector host ready. Add each site: sudo $repo/deploy/mosquitto/add-site.sh SITE"
else
  echo "install: edge box ready. Fill in /etc/coldtrace/agent.toml (site, agent, broker, [tls], sensors), check it"
  echo "  with: coldtrace-agent check-config --config /etc/coldtrace/agent.toml; then: systemctl start $unit"
fi
