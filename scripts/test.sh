#!/usr/bin/env bash
# The whole test suite: unit tests, and integration tests against real mosquitto brokers on free loopback ports.
#
# Each test suite runs in a test process of its own, several processes at a time (COLDTRACE_TEST_JOBS, default 6).
# Most integration tests spend their time waiting for a broker, a collector or an agent; a single test process runs
# only as many tests at once as the machine has cores (Swift's cooperative thread pool), so one process for the whole
# suite leaves a 2-core machine idle for most of its run. With arguments (e.g. `--filter REGEX`), they go to one
# `swift test` run instead, as before.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build --build-tests
if [ $# -gt 0 ]; then
  exec swift test --skip-build --parallel --num-workers 2 "$@"
fi

bundle=$(swift build --show-bin-path)/ColdTracePackageTests.xctest
jobs=${COLDTRACE_TEST_JOBS:-6}
logs=$(mktemp -d /tmp/coldtrace-tests.XXXXXX)
"$bundle" --testing-library swift-testing --list-tests > "$logs/tests"
# The integration and simulation suites (the long ones) start first, the quick unit suites fill the gaps after.
sed 's#/.*##' "$logs/tests" | sort -u | awk '{ print (/^(ColdTraceIntegrationTests|ColdRoomSimulationTests)\./ ? 0 : 1), $0 }' |
  sort -s -k1,1n | cut -d' ' -f2 > "$logs/suites"
started=$(date +%s)
echo "running $(wc -l < "$logs/suites") suites, $jobs at a time (logs: $logs)"

run_suite() {
  local suite=$1 log="$logs/$1.log" began status
  began=$(date +%s)
  status=0
  "$bundle" --testing-library swift-testing --filter "^${suite//./\\.}/" > "$log" 2>&1 || status=$?
  if [ "$status" -eq 0 ]; then
    echo "ok   $suite ($(( $(date +%s) - began )) s)"
  else
    echo "FAIL $suite (exit $status after $(( $(date +%s) - began )) s)"
    sed 's/^/    /' "$log"
  fi
  return "$status"
}
export -f run_suite
export bundle logs

status=0
xargs -P "$jobs" -I{} bash -c 'run_suite "$1"' _ {} < "$logs/suites" || status=$?
tests=$(grep -ho 'Test run with [0-9]* tests\?' "$logs"/*.log | awk '{ n += $4 } END { print n + 0 }')
listed=$(wc -l < "$logs/tests")
echo "ran $tests of $listed tests in $(wc -l < "$logs/suites") suites in $(( $(date +%s) - started )) s"
if [ "$status" -ne 0 ] || [ "$tests" -ne "$listed" ]; then
  echo "the test suite failed (failing suites: $(grep -l 'Test run with .* failed' "$logs"/*.log | wc -l))"
  exit 1
fi
rm -rf "$logs"
