#!/usr/bin/env bash
# Deltaprop on Spark against MLlib's MultilayerPerceptronClassifier, in one local[2] session on
# the same Fashion-MNIST rows (784-256-128-10), with single-machine Deltaprop on the same two
# cores beside them: a time-to-accuracy table (test accuracy after each epoch, or after MLlib's
# iterations, against the seconds of training so far) and its figure (spark/target/
# spark-time-to-accuracy.png), the epoch times, and the per-round compute and overhead behind
# docs/SPARK.md's scaling estimate. MLlib's 100 iterations take minutes.
#   bench/spark.sh [--local-steps 64,128] [--mllib-iterations 20,100]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

local_steps=64,128
mllib_iterations=20,100
while [ $# -gt 0 ]; do
  case "$1" in
    --local-steps) local_steps="$2"; shift 2 ;;
    --mllib-iterations) mllib_iterations="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

find_jdk
find_maven
apt_ensure dataset-fashion-mnist || die "the benchmark needs dataset-fashion-mnist"
cd "$DELTAPROP_ROOT"
say "building the spark module and its test classpath (MLlib included)"
cp=spark/target/bench.classpath
mvn -B -q -DskipTests -pl spark -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.excludeGroupIds=org.deltaprop -Dmdep.outputFile="$DELTAPROP_ROOT/$cp" >&2 || die "the build failed (output above)"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" "${DELTAPROP_JVM_FLAGS[@]}" "${SPARK_JVM_FLAGS[@]}" -Xmx8g \
  -cp "core/target/classes:spark/target/classes:spark/target/test-classes:$(cat "$cp")" \
  org.deltaprop.spark.bench.SparkBenchmark "$local_steps" "$mllib_iterations" 2>&1 |
  grep --line-buffered -v 'WARNING: Using incubator modules' | tee "$out" | grep --line-buffered -v '^POINT'

echo
echo "time to accuracy (seconds of training; test accuracy on the 10,000 test rows)"
printf '%-16s %6s %9s %9s\n' system "epoch/iter" seconds accuracy
grep '^POINT' "$out" | while read -r _ system step seconds accuracy; do
  printf '%-16s %6s %9s %9s\n' "$system" "$step" "$seconds" "$accuracy"
done
target=$(grep '^POINT mllib' "$out" | tail -n 1 | awk '{print $5}')
mllib_seconds=$(grep '^POINT mllib' "$out" | tail -n 1 | awk '{print $4}')
if [ -n "$target" ]; then
  grep '^POINT deltaprop-spark' "$out" | awk -v t="$target" -v m="$mllib_seconds" '
    $5 >= t && !done[$2] { printf "%s reaches MLlib'"'"'s final accuracy %.4f after epoch %d, %.1f s: 1/%.0f of MLlib'"'"'s %.1f s\n", $2, t, $3, $4, m / $4, m; done[$2] = 1 }
    { seen[$2] = 1 }
    END { for (s in seen) if (!done[s]) printf "%s did not reach MLlib'"'"'s final accuracy %.4f\n", s, t }'
fi
png="$DELTAPROP_ROOT/spark/target/spark-time-to-accuracy.png"
"$JAVA_HOME/bin/java" -Djava.awt.headless=true -cp "spark/target/test-classes:$(cat "$cp")" \
  org.deltaprop.spark.bench.TimeToAccuracyPlot "$out" "$png" && echo "figure: ${png#"$DELTAPROP_ROOT"/}"
