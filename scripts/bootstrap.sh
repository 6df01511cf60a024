#!/usr/bin/env bash
# Installs what ColdTrace needs on Debian 12 besides the Swift toolchain: libmosquitto (build), mosquitto and its
# clients (demo and tests), SQLite headers and CLI, libmodbus (Modbus sensors), faketime (the fault suite's skewed
# agent clock), chromium and zlib (the HTML report's render test), msmtp and jq (the e-mail notification program
# and its test), gammu and gammu-smsd (the SMS notification programs and their test, on Gammu's dummy phone), what
# LazyFS needs to build and mount (the power-cut suite) and strace (the SD-card wear benchmark). Safe to run again.
set -euo pipefail
packages=(
  libssl-dev libmosquitto-dev mosquitto mosquitto-clients libsqlite3-dev sqlite3 libmodbus-dev pkg-config faketime
  chromium zlib1g-dev msmtp jq prometheus gammu gammu-smsd
  apprise curl  # deploy/notify/apprise.sh and zalo-zns.sh, and their tests (util-linux's flock is always there)
  cmake g++ libfuse3-dev fuse3 libtoml11-dev libspdlog-dev libfmt-dev  # LazyFS, for scripts/powercut-suite.sh
  strace  # benchmarks/sd-wear.sh counts the agent's and the collector's fsyncs
  python3  # runs the power-cut suite (scripts/powercut/) and the benchmarks' helpers
  libqrencode-dev  # the QR code of a signed HTML report (the CQRencode system library)
  zbar-tools  # the signed-report test decodes that QR code from a Chromium screenshot with zbarimg
  python3-jsonschema python3-rfc3987  # scripts/validate-epcis.py: EPCIS exports against GS1's schema, URIs checked
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "bootstrap: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts the packaged broker on port 1883; ColdTrace's demo and tests start their own on free ports.
