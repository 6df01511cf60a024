#!/usr/bin/env bash
# The README's "Installing for real", run word for word on a freshly booted Debian 12 and checked: a debootstrapped
# root (cached in $COLDTRACE_INSTALL_TEST_CACHE, default /var/cache/coldtrace-install-test) booted with
# `systemd-nspawn --boot`, the host's Swift toolchain bound in read-only, this checkout's HEAD cloned inside. As root:
#
#   scripts/install-test.sh [--keep]      (--keep leaves the box's root in the cache for a look afterwards)
#
# Each ```sh block of the section runs as `lan` (an operator: a sudo user with the toolchain in its login PATH), in a new
# login shell per block, after the one substitution of `<this repository>` by the clone's source. Between blocks the
# test only adds a link from the clone's .build-static to a cache, so a second run does not rebuild the dependencies.
# Then: services active, readings end to end over TLS, journalctl as the operator, an alert, restarts and a reboot
# with no reading lost, backup and restore (`coldtrace backup`, `coldtrace restore FILE`) with `journal verify`, the
# last block again (an idempotent re-run), an upgrade (a new commit, the last block again: restarted, a new
# --version), `systemd-analyze security`, then `deploy/install.sh --database` (PostgreSQL; run twice). It prints a
# summary and exits 1 if a check failed. Needs debootstrap, systemd-container (apt-get install debootstrap
# systemd-container) and Debian's mirrors; not part of CI (minutes). `--site-broker` is not run here: on this one box
# it would turn the central broker itself into a site broker (docs/operations.md runs it on the facility's machine).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${COLDTRACE_INSTALL_TEST_CACHE:-/var/cache/coldtrace-install-test}
base=$cache/base-bookworm-1
root=$cache/box
keep=0
[ "${1:-}" = --keep ] && keep=1
started=$(date +%s)
# shellcheck source=scripts/install-test-box.sh
. "$repo/scripts/install-test-box.sh"
[ "$(id -u)" -eq 0 ] || { echo "install-test: run as root (it makes and boots a container)" >&2; exit 2; }
for tool in debootstrap systemd-nspawn nsenter git; do
  command -v "$tool" > /dev/null || { echo "install-test: $tool is missing (apt-get install debootstrap \
systemd-container)" >&2; exit 1; }
done
swift=$(command -v swift || echo /opt/swift/usr/bin/swift)
toolchain=$(cd "$(dirname "$(readlink -f "$swift")")/../.." && pwd)
[ -x "$toolchain/usr/bin/swift" ] || { echo "install-test: no Swift toolchain found (swift in PATH)" >&2; exit 1; }
mkdir -p "$cache"
: > "$cache/console.log"
trap 'poweroff_box; [ $keep -eq 1 ] || rm -rf "$root"' EXIT

# The blocks, and the commit under test in a bare repository the box clones from.
blocks=$(mktemp -d)
awk '/^## Installing for real/ { on = 1; next } /^## / { on = 0 } on' "$repo/README.md" \
  | awk -v dir="$blocks" '/^```sh/ { n++; inside = 1; next } /^```/ { inside = 0; next } inside { print > (dir "/" n ".sh") }'
count=$(find "$blocks" -name '*.sh' | wc -l)
[ "$count" -eq 5 ] || { echo "install-test: expected 5 sh blocks in README's Installing for real, found $count" >&2; exit 1; }
[ -d "$cache/src.git" ] || git init -q --bare "$cache/src.git"
git -C "$repo" push -q --force "$cache/src.git" HEAD:refs/heads/main
git -C "$cache/src.git" symbolic-ref HEAD refs/heads/main
commit=$(git -C "$repo" rev-parse --short=12 HEAD)
echo "install-test: testing commit $commit (uncommitted changes are not tested) with $toolchain"

make_base
fresh_root
sed -i 's|<this repository>|/srv/coldtrace.git|' "$blocks/1.sh"
mkdir -p "$root/home/lan/.install-test"
cp "$blocks"/*.sh "$root/home/lan/.install-test/"
chown -R 1000:1000 "$root/home/lan/.install-test"
boot
state=$(in_box systemctl is-system-running || true)
if [ "$state" = running ]; then result "boot Debian 12 with systemd" PASS "$state"; else
  result "boot Debian 12 with systemd" FAIL "$state: $(in_box systemctl --failed --no-legend | paste -sd' ' -)"
fi

# run_block N DIR [LINES [WHY]]: one README block in a new login shell of the operator; its output goes to the log,
# its last LINES are shown.
run_block() {
  local began=$SECONDS status=0 name="README block $1${4:+ ($4)}"
  as_operator "cd $2 && bash -e -o pipefail -x ~/.install-test/$1.sh" > "$cache/block$1.log" 2>&1 || status=$?
  sed 's/^/    /' "$cache/block$1.log" | tail -n "${3:-15}"
  if [ $status -eq 0 ]; then result "$name" PASS "$((SECONDS - began)) s"; else
    result "$name" FAIL "exit $status after $((SECONDS - began)) s (log: $cache/block$1.log)"
  fi
  return $status
}
summary() {
  echo
  echo "install-test summary (commit $commit, $(($(date +%s) - started)) s in all):"
  printf '  %s\n' "${results[@]}"
  [ $failures -eq 0 ] || { echo "install-test: $failures failed"; exit 1; }
  echo "install-test: all passed"
}

run_block 1 '~' || summary
as_operator 'mkdir -p ~/.cache/coldtrace-build-static && ln -sfn ~/.cache/coldtrace-build-static ~/coldtrace/.build-static'
run_block 2 '~/coldtrace' 30 || summary
run_block 3 '~/coldtrace' 10 || summary
run_block 4 '~/coldtrace' 30 || summary
grep -h "^install: /usr/local/bin\|stripped" "$cache"/block[24].log | sed 's/^/    /'

. "$repo/scripts/install-test-checks.sh"
# shellcheck source=scripts/install-test-database.sh
. "$repo/scripts/install-test-database.sh"
summary
