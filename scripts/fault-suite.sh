#!/usr/bin/env bash
# The fault suite (issue 7): builds, runs the FaultSuite integration tests (real mosquitto, collector and agent
# processes on loopback) with the real two-minute link outage, and prints one row per fault. A copy of the table goes
# to benchmarks/results/fault-suite-<date>.txt. Exits non-zero when a case failed its checks.
#
#   scripts/fault-suite.sh                                        # about 5 minutes on a 2-core machine
#   COLDTRACE_FAULT_LINK_DOWN_SECONDS=15 scripts/fault-suite.sh   # a shorter outage
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh >/dev/null
swift build --build-tests 2>&1 | tail -1
results=$(mktemp)
log=$(mktemp)
trap 'rm -f "$results" "$log"' EXIT
export COLDTRACE_FAULT_RESULTS="$results"
export COLDTRACE_FAULT_LINK_DOWN_SECONDS="${COLDTRACE_FAULT_LINK_DOWN_SECONDS:-120}"
started=$(date +%s)
status=0
swift test --skip-build --filter FaultSuite >"$log" 2>&1 || status=$?
elapsed=$(( $(date +%s) - started ))
known=$(grep -ac "recorded a known issue" "$log" || true)
verdict=$([ "$status" -eq 0 ] && echo passed || echo FAILED)
[ "$known" -gt 0 ] && verdict="$verdict, $known known issues (see notes)"
if [ "$status" -ne 0 ]; then
  echo "== failures"
  grep -E "✘|failed|error" "$log" | head -40 || true
fi

table() {
  echo "Fault suite, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m); link outage ${COLDTRACE_FAULT_LINK_DOWN_SECONDS} s"
  echo "Command: scripts/fault-suite.sh (swift test --filter FaultSuite); ${elapsed} s wall time; tests $verdict"
  echo
  {
    printf 'fault\tproduced\tstored\tduplicates\tmissing\tquarantined\talerts exp/raised\tevents exp/raised\ts\tnote\n'
    cat "$results"
  } | awk -F'\t' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > width[i]) width[i] = length($i) } n = NF; rows = NR }
    END {
      for (r = 1; r <= rows; r++) {
        line = "|"
        for (i = 1; i <= n; i++) line = line sprintf(" %-" width[i] "s |", cell[r, i])
        print line
        if (r == 1) { line = "|"; for (i = 1; i <= n; i++) { s = ""; for (k = 0; k < width[i] + 2; k++) s = s "-"; line = line s "|" } print line }
      }
    }'
  echo
  echo "produced: the agent's outbox (highest seq it numbered); stored/duplicates/missing: the collector's database"
  echo "(distinct seqs; duplicate reading rows + alert events recorded twice; produced seqs neither stored nor"
  echo "quarantined); alerts: the door excursion's temp_high alert and its events (opened, resolved)."
}
mkdir -p benchmarks/results
table | tee "benchmarks/results/fault-suite-$(date -u +%Y-%m-%d).txt"
exit "$status"
