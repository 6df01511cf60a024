#!/usr/bin/env bash
# Installs the Debian 12 packages ColdTrace needs besides the Swift toolchain, with apt (sudo when not root). Safe to
# run again: it installs only what is missing, and needs no network when nothing is.
#
#   scripts/bootstrap.sh [EXTRA-PACKAGE...]             a developer's or CI machine: build, demo and every test
#   scripts/bootstrap.sh --build [EXTRA-PACKAGE...]     a machine that builds the release (deploy/install.sh)
#   scripts/bootstrap.sh --runtime [EXTRA-PACKAGE...]   a production box: only the libraries the binaries link
#   scripts/bootstrap.sh [--runtime | --build] --list    print the packages of that set, install nothing
#
# deploy/install.sh adds the broker host's packages (mosquitto, mosquitto-clients, sqlite3) as extra packages; the
# notification programs' packages are installed with the channel (docs/operations.md, "Notification channels").
set -euo pipefail

# What `coldtrace` and `coldtrace-agent` link (ldd of a release build; the Swift runtime is linked statically), and
# what install.sh itself runs: openssl for the broker's PKI, ca-certificates for mqtts:// to a public CA.
# libqrencode4: the QR code of a signed HTML report (the CQRencode system library). libpq5: PostgreSQL's client
# library, which `coldtrace` links for `access` and `database` (the CLibPQ system library).
runtime=(libmosquitto1 libmodbus5 libsqlite3-0 libssl3 libqrencode4 libpq5 openssl ca-certificates)
# Building those binaries: the headers and pkg-config files of the system libraries (Package.swift's systemLibrary
# targets), and the static libstdc++ deploy/static-libstdc++ links into the agent (Debian 12's gcc 12).
# libpq-dev: the PostgreSQL client library's headers for the CLibPQ system library (ColdTracePostgres).
build=(
  libssl-dev libmosquitto-dev libsqlite3-dev libmodbus-dev libqrencode-dev pkg-config libstdc++-12-dev binutils git
  libpq-dev
)
# Only for the demo and the tests: mosquitto and its clients (the demo and the tests start their own brokers),
# sqlite3 (tests inspect databases), faketime (the fault suite's skewed agent clock), chromium and zlib (the HTML
# report's render test), msmtp and jq (the e-mail notification program and its test), gammu and gammu-smsd (the SMS
# programs and their test, on Gammu's dummy phone), prometheus (promtool checks the alert rules), apprise and curl
# (deploy/notify/apprise.sh and zalo-zns.sh and their tests; util-linux's flock is always there).
# systemd (systemd-analyze scores the units' hardening in InstallScriptTests).
tests=(
  mosquitto mosquitto-clients sqlite3 faketime chromium zlib1g-dev msmtp jq prometheus gammu gammu-smsd apprise curl
  systemd
  cmake g++ libfuse3-dev fuse3 libtoml11-dev libspdlog-dev libfmt-dev  # LazyFS, for scripts/powercut-suite.sh
  strace  # benchmarks/sd-wear.sh counts the agent's and the collector's fsyncs
  python3  # runs the power-cut suite (scripts/powercut/) and the benchmarks' helpers
  zbar-tools  # the signed-report test decodes the HTML report's QR code from a Chromium screenshot with zbarimg
  python3-jsonschema python3-rfc3987  # scripts/validate-epcis.py: EPCIS exports against GS1's schema, URIs checked
  # PostgreSQL 15's server and psql: the PostgreSQL suites and benchmarks/postgres-ingest.sh start throw-away clusters
  # with /usr/lib/postgresql/15/bin/initdb and pg_ctl, as the `postgres` system user the package creates (PostgreSQL
  # refuses to run as root). Debian also creates a cluster `main` on port 5432, which nothing here uses.
  postgresql-15 postgresql-client-15
)

case "${1:-}" in
  --list) packages=("${runtime[@]}" "${build[@]}" "${tests[@]}") ;;
  --runtime) packages=("${runtime[@]}"); shift ;;
  --build) packages=("${runtime[@]}" "${build[@]}"); shift ;;
  -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "bootstrap: unknown option $1 (--runtime, --build or none)" >&2; exit 2 ;;
  *) packages=("${runtime[@]}" "${build[@]}" "${tests[@]}") ;;
esac
list=0
if [ "${1:-}" = --list ]; then list=1; shift; fi
packages+=("$@")
if [ $list -eq 1 ]; then printf '%s\n' "${packages[@]}"; exit 0; fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "bootstrap: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts the packaged broker on port 1883; ColdTrace's demo and tests start their own on free ports.
