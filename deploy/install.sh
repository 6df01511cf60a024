#!/usr/bin/env bash
# Installs ColdTrace on Debian 12, from this checkout, as root. Safe to run again: it never overwrites a config,
# a password, a key or a CA; binaries, units and the broker's settings are replaced when they differ, and the services
# whose files were replaced are restarted (nothing else is). Every tool it needs is checked before anything changes.
#
#   sudo deploy/install.sh --collector [--broker-host NAME]... [options]
#       The collector host, which also runs the broker: mosquitto with deploy/mosquitto/ (TLS on 8883 with client
#       certificates, passwords, ACL; a loopback listener on 1883 for the collector), ColdTrace's CA and the broker's
#       certificate in /etc/coldtrace/pki (one SAN per --broker-host; default: this host's names, localhost and
#       127.0.0.1; other names on a later run reissue it), the collector's password, `coldtrace` in /usr/local/bin,
#       the notification programs in /usr/local/lib/coldtrace/notify and coldtrace-collector.service (started).
#   sudo deploy/install.sh --edge [--certs DIR --site SITE] [options]
#       An edge box: `coldtrace-agent` and coldtrace-agent.service (enabled; start it once /etc/coldtrace/agent.toml
#       is filled in). With --certs, copies DIR/ca.crt, DIR/SITE.crt and DIR/SITE.key (from
#       `deploy/mosquitto/add-site.sh SITE` on the collector host) to /etc/coldtrace/.
#   sudo deploy/install.sh --site-broker --site SITE --centre HOST[:PORT] --certs DIR --password-file FILE
#                          [--listen ADDRESS[:PORT]] [--local-passwd FILE] [--forward PREFIX]... [--dry-run]
#       A facility's own mosquitto (for the agent, Zigbee2MQTT, Tasmota), which keeps everything while the uplink is
#       down, bridged over TLS to the central broker HOST (port 8883) as the site's account: DIR/ca.crt, DIR/SITE.crt,
#       DIR/SITE.key and the site's password from add-site.sh. Local clients connect to --listen (127.0.0.1:1883;
#       0.0.0.0 for devices on the LAN), with a login from --local-passwd (a mosquitto_passwd file) when it is given;
#       --forward zigbee2mqtt bridges that tree up for the collector's [[source]].
#   sudo deploy/install.sh --database [options]
#       PostgreSQL 15 for ColdTrace (docs/postgresql.md): postgresql-15, the durable settings in
#       /etc/postgresql/15/main/conf.d/coldtrace.conf, ColdTrace's lines in pg_hba.conf (the unix socket, loopback),
#       the role `coldtrace` (LOGIN only: no superuser, no CREATEROLE; the coldtrace system user logs in as it over the
#       socket with no password) owning the database `coldtrace`, `coldtrace` in /usr/local/bin, and the schema
#       (`coldtrace database setup`). It prints the postgres:// URL to use.
# Options:
#   --dry-run         print the checks and every step; change nothing (no root needed)
#   --no-build        install what is already built in .build-static/release
#   --bin-dir DIR     install the binaries in DIR (built elsewhere, e.g. for arm64); installs no build packages
#   --swift PATH      the swift driver to build with (default: found in PATH, the sudo user's login PATH, /opt/swift)
#   --operator USER   the person who reads the logs, added to systemd-journal (default: the user who ran sudo)
set -euo pipefail
# Directories install -D makes (e.g. /usr/local/lib/coldtrace/notify) must be readable by the service users whatever
# umask the caller's sudo passed on.
umask 022
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deploy/install-checks.sh
. "$repo/deploy/install-checks.sh"
role="" dry_run=0 build=1 bin_dir="" certs="" site="" swift="" operator=${SUDO_USER:-}
broker_hosts=()
centre="" password_file="" listen=127.0.0.1:1883 local_passwd="" forwards=()

usage() {
  sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --collector) role=collector; shift ;;
    --edge) role=edge; shift ;;
    --site-broker) role="site-broker"; build=0; shift ;;
    --database) role=database; shift ;;
    --centre) [ $# -ge 2 ] || usage; centre=$2; shift 2 ;;
    --password-file) [ $# -ge 2 ] || usage; password_file=$2; shift 2 ;;
    --listen) [ $# -ge 2 ] || usage; listen=$2; shift 2 ;;
    --local-passwd) [ $# -ge 2 ] || usage; local_passwd=$2; shift 2 ;;
    --forward) [ $# -ge 2 ] || usage; forwards+=("$2"); shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --no-build) build=0; shift ;;
    --bin-dir) [ $# -ge 2 ] || usage; bin_dir=$2; build=0; shift 2 ;;
    --broker-host) [ $# -ge 2 ] || usage; broker_hosts+=("$2"); shift 2 ;;
    --certs) [ $# -ge 2 ] || usage; certs=$2; shift 2 ;;
    --site) [ $# -ge 2 ] || usage; site=$2; shift 2 ;;
    --swift) [ $# -ge 2 ] || usage; swift=$2; shift 2 ;;
    --operator) [ $# -ge 2 ] || usage; operator=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "install: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$role" ] || { echo "install: say --collector, --edge, --site-broker or --database" >&2; usage; }
if [ -n "$certs" ] && [ -z "$site" ]; then echo "install: --certs needs --site SITE" >&2; exit 2; fi
if [ "$role" = site-broker ]; then
  for given in "--site:$site" "--centre:$centre" "--certs:$certs" "--password-file:$password_file"; do
    [ -n "${given#*:}" ] || { echo "install: --site-broker needs ${given%%:*}" >&2; exit 2; }
  done
  [[ $listen == *:* ]] || listen="$listen:1883"  # as make-site-broker.sh reads it (the readiness check uses both)
elif [ -n "$centre$password_file$local_passwd${forwards[*]}" ]; then
  echo "install: --centre, --password-file, --local-passwd and --forward are for --site-broker" >&2
  exit 2
fi
[ $dry_run -eq 1 ] && echo "install: dry run for the $role role: nothing is changed"
# --database installs the `coldtrace` the collector runs too (the schema and `access` are its commands).
if [ "$role" = collector ] || [ "$role" = database ]; then service=coldtrace-collector programs=(coldtrace)
elif [ "$role" = edge ]; then
  service=coldtrace-agent programs=(coldtrace-agent)
else
  service=mosquitto programs=()
fi
source_dir=${bin_dir:-$repo/.build-static/release}
# The build runs as the checkout's owner (the user who ran sudo), so it leaves no root-owned files in the checkout.
build_user=$(stat -c %U "$repo")
declare -A replaced=()
failed_checks=()
preflight

# 1. Packages: the libraries the binaries link, the build's headers when building here, the broker on its host
# (scripts/bootstrap.sh; nothing the tests alone need).
packages=()
[ "$role" = collector ] && packages+=(mosquitto mosquitto-clients sqlite3)
[ "$role" = site-broker ] && packages+=(mosquitto mosquitto-clients)
[ "$role" = database ] && packages+=(postgresql-15 postgresql-client-15)
if [ $build -eq 1 ]; then mode=--build; else mode=--runtime; fi
run "$repo/scripts/bootstrap.sh" "$mode" "${packages[@]}"
stage=$(mktemp -d "${TMPDIR:-/tmp}/coldtrace-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
if [ "$role" = site-broker ]; then
  # shellcheck source=deploy/install-site-broker.sh
  . "$repo/deploy/install-site-broker.sh"
  exit 0
fi

# 2. Binaries: a release build with the static Swift runtime (no toolchain libraries on the server or the edge box,
# a smaller resident set: benchmarks/README.md, "Agent RSS"), the commit baked in for --version, stripped.
as_builder=()
[ "$build_user" = root ] || as_builder=(runuser -u "$build_user" --)
if [ $build -eq 1 ]; then
  commit=$("${as_builder[@]}" git -C "$repo" describe --always --dirty --abbrev=12 2> /dev/null || echo unknown)
  builder_home=$(getent passwd "$build_user" | cut -d: -f6)
  for program in "${programs[@]}"; do
    run "${as_builder[@]}" env HOME="$builder_home" PATH="$(dirname "${swift:-swift}"):/usr/bin:/bin" \
      COLDTRACE_BUILD_COMMIT="$commit" "${swift:-swift}" build --package-path "$repo" \
      --scratch-path "$repo/.build-static" -c release --static-swift-stdlib --product "$program"
  done
fi
for program in "${programs[@]}"; do
  built="$source_dir/$program"
  if [ $dry_run -eq 1 ]; then
    echo "would run: strip --strip-all a copy of $built"
  else
    cp "$built" "$stage/$program"
    strip --strip-all "$stage/$program" 2> /dev/null \
      || echo "install: could not strip $built (another architecture?); installing it as it is"
    echo "+ stripped $built: $(human "$(stat -c %s "$built")") -> $(human "$(stat -c %s "$stage/$program")")"
  fi
  put "$stage/$program" "/usr/local/bin/$program" 0755 root:root "$service"
done
if [ "$role" = database ]; then
  # shellcheck source=deploy/install-database.sh
  . "$repo/deploy/install-database.sh"
  exit 0
fi

# 3. Users, directories, the operator's access to the logs.
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
if [ -n "$operator" ] && [ "$operator" != root ]; then
  if id -nG "$operator" 2> /dev/null | tr ' ' '\n' | grep -qx systemd-journal; then
    echo "keep $operator in systemd-journal (reads the services' logs)"
  else
    run usermod --append --groups systemd-journal "$operator"
    echo "install: $operator can read the services' logs with journalctl after logging in again"
  fi
fi

if [ "$role" = collector ]; then
  # 4. The broker: PKI, passwords, ACL, settings; every file readable by the mosquitto user it drops to.
  . "$repo/deploy/install-broker.sh"
  # The notification programs, where [[notify]] command = [...] points (deploy/collector.toml).
  for program in "$repo"/deploy/notify/*.sh; do
    put "$program" "/usr/local/lib/coldtrace/notify/$(basename "$program")" 0755 root:root "$service"
  done
else
  keep_or_put "$repo/deploy/agent.toml" /etc/coldtrace/agent.toml 0640 root:coldtrace-agent
  if [ -n "$certs" ]; then
    keep_or_put "$certs/ca.crt" /etc/coldtrace/ca.crt 0644 root:root
    keep_or_put "$certs/$site.crt" "/etc/coldtrace/$site.crt" 0644 root:root
    keep_or_put "$certs/$site.key" "/etc/coldtrace/$site.key" 0640 root:coldtrace-agent
  fi
fi

# 5. The systemd unit; the service is restarted only when something it runs was replaced.
put "$repo/deploy/systemd/$service.service" "/etc/systemd/system/$service.service" 0644 root:root "$service"
run systemctl daemon-reload
systemctl is-enabled --quiet "$service.service" 2> /dev/null || run systemctl enable "$service.service"
active=0
systemctl is-active --quiet "$service.service" 2> /dev/null && active=1
if [ $active -eq 1 ] && [ -n "${replaced[$service]:-}" ]; then
  restart "$service.service" "replaced ${replaced[$service]}"
elif [ $active -eq 1 ]; then
  echo "install: $service keeps running: none of its files changed"
elif [ "$role" = collector ]; then
  run systemctl start "$service.service"
fi

# The collector makes its database when it starts: wait for it, so the commands that follow (status) find it.
if [ $dry_run -eq 0 ] && [ "$role" = collector ]; then
  db=$(sed -n 's/^db = "\(.*\)"/\1/p' /etc/coldtrace/collector.toml | head -1)
  for _ in $(seq 1 60); do
    [ -e "${db:-/var/lib/coldtrace/coldtrace.db}" ] && break
    sleep 0.5
  done
  if ! systemctl is-active --quiet "$service.service"; then
    echo "install: $service is not running; its last lines:" >&2
    journalctl -u "$service.service" -n 20 --no-pager >&2 || true
    exit 1
  fi
fi
for program in "${programs[@]}"; do
  if [ $dry_run -eq 0 ]; then
    echo "install: /usr/local/bin/$program $("/usr/local/bin/$program" --version)," \
      "$(human "$(stat -c %s "/usr/local/bin/$program")") installed"
  fi
done
if [ "$role" = collector ]; then
  echo "install: collector host ready. Add each site: sudo $repo/deploy/mosquitto/add-site.sh SITE"
  echo "  logs: journalctl -u $service -f (as a member of systemd-journal, or with sudo)"
elif [ $active -eq 0 ]; then
  echo "install: edge box ready. Fill in /etc/coldtrace/agent.toml (site, agent, broker, [tls], sensors), check it"
  echo "  with: sudo -u coldtrace-agent coldtrace-agent check-config --config /etc/coldtrace/agent.toml;"
  echo "  then: sudo systemctl start $service; logs: journalctl -u $service -f"
fi
