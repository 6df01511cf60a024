#!/usr/bin/env bash
# libFuzzer over ColdTrace's untrusted-input parsers (Fuzz/): reading payloads (single and batch form), the JSON
# parser, agent.toml and collector.toml. Built with -sanitize=fuzzer,address into .build-fuzz.
#   scripts/fuzz.sh [--runs N] [--smoke] [target...]
# Default: 1,000,000 inputs per target. --smoke: a few seconds per target (CI). Targets: reading reading-batch json
# agent-config collector-config (default all). Seeds: Fuzz/corpus/<target>/ (read only); what libFuzzer learns goes
# to .build-fuzz/corpus/<target>/. A crashing input is kept in Fuzz/crashes/ and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=1000000
smoke_seconds=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --smoke) smoke_seconds="${FUZZ_SMOKE_SECONDS:-5}"; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(reading reading-batch json agent-config collector-config)
case "$runs" in ''|*[!0-9]*) echo "fuzz.sh: --runs needs a whole number, got '$runs'" >&2; exit 2 ;; esac

product() {  # target name → executable product
  case "$1" in
    reading) echo FuzzReading ;;
    reading-batch) echo FuzzReadingBatch ;;
    json) echo FuzzJSON ;;
    agent-config) echo FuzzAgentConfig ;;
    collector-config) echo FuzzCollectorConfig ;;
    *) echo "fuzz.sh: unknown target '$1'" >&2; exit 2 ;;
  esac
}
for target in "${targets[@]}"; do product "$target" >/dev/null; done

build=(swift build --package-path Fuzz --scratch-path .build-fuzz --sanitize fuzzer --sanitize address)
started=$(date +%s)
mkdir -p .build-fuzz
if ! "${build[@]}" >.build-fuzz/build.log 2>&1; then
  grep -v "Cannot export local symbol" .build-fuzz/build.log | tail -30 >&2
  echo "fuzz.sh: the fuzz build failed (.build-fuzz/build.log)" >&2
  exit 1
fi
bin=$("${build[@]}" --show-bin-path)
echo "fuzz.sh: built in $(( $(date +%s) - started )) s"

mkdir -p Fuzz/crashes .build-fuzz/logs
# Swift's runtime keeps metadata caches alive for the process: leak reports at exit would be noise.
export ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"
# libFuzzer reports the crash and keeps the input; the Swift runtime's own backtracer would only get in its way.
export SWIFT_BACKTRACE=enable=no
failed=0
rows=()
for target in "${targets[@]}"; do
  exe="$bin/$(product "$target")"
  corpus=".build-fuzz/corpus/$target"
  mkdir -p "$corpus"
  log=".build-fuzz/logs/$target.log"
  max_len=16384  # room for batches; config files stay small, and shorter inputs run faster
  case "$target" in *-config) max_len=4096 ;; esac
  limit=(-runs="$runs")
  [ "$smoke_seconds" -gt 0 ] && limit=(-max_total_time="$smoke_seconds")
  t0=$(date +%s.%N)
  status=0
  "$exe" "${limit[@]}" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="Fuzz/crashes/$target-" "$corpus" "Fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  t1=$(date +%s.%N)
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  crashes=0
  if [ "$status" -ne 0 ]; then
    crashes=1
    failed=1
    echo "fuzz.sh: $target crashed (exit $status); input kept as:" >&2
    grep -E "Test unit written to|^(==[0-9]+==)?ERROR|Fatal error" "$log" | head -5 >&2 || true
    echo "  full log: $log" >&2
  fi
  rows+=("$(printf '%-17s %10s %9.1f %8s %9s' "$target" "${executed:-?}" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$crashes" \
    "${rate:-?}")")
done
printf '%-17s %10s %9s %8s %9s\n' target runs "time (s)" crashes "exec/s"
printf '%s\n' "${rows[@]}"
exit "$failed"
