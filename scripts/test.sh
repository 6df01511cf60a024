#!/usr/bin/env bash
# The whole test suite: unit tests, and integration tests against real mosquitto brokers on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build --build-tests
swift test --skip-build --parallel --num-workers 2 "$@"
