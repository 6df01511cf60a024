#!/usr/bin/env bash
# The power-cut suite (issue 21): the agent's state directory, and the collector's database, journal and notification
# outbox, each on a LazyFS mount (a FUSE filesystem that drops every unsynced byte on command, as a power cut does),
# killed and power-cut at random moments and at the dangerous points, checked after every cut
# (scripts/powercut/suite.py; docs/durability.md#power-cuts-proven). Prints one row per cut; a copy goes to
# benchmarks/results/powercut-suite-<date>.txt. Exits non-zero when a check failed.
#
#   scripts/powercut-suite.sh                          # 20 random cuts per component, about 2.5 minutes
#   scripts/powercut-suite.sh --cuts 40 --seed 42      # more cuts; a seed replays a run's choices
#
# Needs /dev/fuse and root (or fuse access with user_allow_other). Without them it says so and exits 0, except under
# CI=true, where it fails: CI must not pass a suite it did not run. LazyFS is built once into .build-lazyfs/ (about
# 25 s) from ../shared/tools/lazyfs and rebuilt only when its sources change.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "powercut-suite: FAILED: $1 (CI must run the power-cut suite)" >&2
    exit 1
  fi
  echo "powercut-suite: SKIPPED: $1" >&2
  exit 0
}
[ -c /dev/fuse ] || unavailable "no /dev/fuse on this machine"
[ -r /dev/fuse ] && [ -w /dev/fuse ] || unavailable "/dev/fuse is not readable and writable by $(id -un)"
if [ "$(id -u)" -ne 0 ] && ! grep -qs '^user_allow_other' /etc/fuse.conf; then
  unavailable "not root and /etc/fuse.conf lacks user_allow_other (LazyFS mounts with allow_other)"
fi
lazyfs_source=../shared/tools/lazyfs
[ -x "$lazyfs_source/build.sh" ] || unavailable "no LazyFS sources at $lazyfs_source"
scripts/bootstrap.sh >/dev/null
command -v fusermount3 >/dev/null || unavailable "fusermount3 is missing (Debian package fuse3)"

# LazyFS, built once per version of its sources.
build=.build-lazyfs
version=$(cd "$lazyfs_source" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
if [ ! -x "$build/lazyfs" ] || [ "$(cat "$build/version" 2>/dev/null)" != "$version" ]; then
  echo "powercut-suite: building LazyFS into $build"
  "$lazyfs_source/build.sh" "$PWD/$build" >/dev/null
  echo "$version" > "$build/version"
fi
swift build 2>&1 | tail -1

mkdir -p benchmarks/results
results="benchmarks/results/powercut-suite-$(date -u +%Y-%m-%d).txt"
: > "$results.new"
status=0
python3 scripts/powercut/suite.py --lazyfs "$PWD/$build" --bin "$(swift build --show-bin-path)" \
  --results "$results.new" "$@" || status=$?
mv "$results.new" "$results"
echo "powercut-suite: $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s" \
  "(LazyFS build included); table in $results"
exit "$status"
