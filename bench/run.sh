#!/usr/bin/env bash
# Copy benchmark: our copy jobs side by side with their baselines on two sandbox MariaDB servers.
#   bench/run.sh [--rows 100000,1000000] [--reps 3] [--agent-heap 256m] [--buffer-pool-mb 1024] [--same-chunk 20000] [--cross-chunk 10000]
# Prints a table and writes it to bench/results/latest.md. Not part of the tests (it measures, it does not assert).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -ntp package -DskipTests
exec java -jar bench/target/csmh-bench-*-all.jar "$@"
