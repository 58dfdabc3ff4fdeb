#!/usr/bin/env bash
# Benchmarks, all in one run so that the ratios compare like with like on a noisy machine:
#   1. JMH: GEMM on the squares and the training shapes, per backend and thread count;
#   2. OpenBLAS sgemm (numpy) on the same shapes at the same thread counts;
#   3. JMH: one whole training step per backend (samples/s, speed-up over scalar);
#   4. end-to-end training on Fashion-MNIST against PyTorch CPU (bench/e2e.sh).
# Prints the tables and writes them, the raw results and a chart to out/bench/.
#
# The peers run with their best settings: this kind of machine sets OPENBLAS_CORETYPE=Haswell
# and OPENBLAS_L2_SIZE, which pin OpenBLAS (and PyTorch, which calls it) to AVX2 kernels even
# on AVX-512 CPUs, so the peer processes (and only they) run with both unset. The report
# starts with the machine: CPU and vector extensions, JDK and vector width, the OpenBLAS kernel.
#
#   scripts/bench.sh                      everything (about 25 minutes on 2 cores)
#   scripts/bench.sh --quick              fewer shapes, shorter runs (about 6 minutes)
#   scripts/bench.sh --backends "simd opencl" --threads "1 2" --no-e2e
# Backends that cannot run here are left out with a note. JMH options can be passed
# after --, e.g. -- -f 2 -i 10.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

backends="simd opencl"
threads_list="1 2"
quick=0
e2e=1
jmh_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --backends) backends="$2"; shift 2 ;;
    --threads) threads_list="$2"; shift 2 ;;
    --no-e2e) e2e=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    --) shift; jmh_extra=("$@"); break ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

find_jdk
find_maven
apt_ensure python3-numpy libopenblas0-pthread || die "the OpenBLAS comparison needs python3-numpy and libopenblas0-pthread"
ensure_opencl || true

cd "$DELTAPROP_ROOT"
say "building the library and the benchmarks (mvn install, then bench/)"
mvn -B -q -DskipTests install >&2 || die "the build failed (output above)"
mvn -B -q -f bench/pom.xml package >&2 || die "the benchmark build failed (output above)"
jar="$DELTAPROP_ROOT/bench/target/benchmarks.jar"
java=("$JAVA_HOME/bin/java" "${DELTAPROP_JVM_FLAGS[@]}" -Djava.awt.headless=true)

out="$DELTAPROP_ROOT/out/bench"
rm -rf "$out.tmp" && mkdir -p "$out.tmp"

# Only the backends that can run here take part; the others are named with the reason.
info=$("${java[@]}" -cp "$jar" org.deltaprop.cli.Main info 2>/dev/null)
usable=()
for b in $backends; do
  if grep -qE "^  $b +usable" <<<"$info"; then
    usable+=("$b")
  else
    say "leaving out backend $b: $(grep -E "^  $b " <<<"$info" | sed 's/^ *//')"
  fi
done
[ ${#usable[@]} -gt 0 ] || die "none of the backends ($backends) can run here"
# OpenCL on a CPU (PoCL) runs on every core, so it is labelled, and compared with OpenBLAS,
# at the largest thread count of the run; on a GPU the label means nothing.
all_threads=$(printf '%s\n' $threads_list | sort -n | tail -n 1)

if [ "$quick" = 1 ]; then
  shapes="nn-1024-1024-1024,nt-128-256-784,nn-128-784-256,tn-256-784-128,nt-128-128-256,nt-128-10-128"
  timing=(-wi 2 -w 1 -i 3 -r 1)
  blas_seconds=1
else
  shapes=""   # the benchmark's own list
  timing=()
  blas_seconds=2
fi

# GEMM: the simd backend at every thread count; OpenCL once, with the device's own threads.
jsons=()
for b in "${usable[@]}"; do
  tl="$threads_list"
  [ "$b" = opencl ] && tl=$all_threads
  for t in $tl; do
    say "JMH GemmBenchmark backend=$b threads=$t"
    json="$out.tmp/gemm-$b-$t.json"
    args=(GemmBenchmark -p backend="$b" -p threads="$t" -rf json -rff "$json" "${timing[@]}")
    [ -n "$shapes" ] && args+=(-p shape="$shapes")
    "${java[@]}" -jar "$jar" "${args[@]}" "${jmh_extra[@]}" >"$out.tmp/gemm-$b-$t.log" 2>&1 ||
      { tail -30 "$out.tmp/gemm-$b-$t.log" >&2; die "JMH failed (log: $out.tmp/gemm-$b-$t.log)"; }
    jsons+=("$json")
  done
done

# The machine, first in the report.
bash "$DELTAPROP_ROOT/bench/machine.sh" "${java[@]}" -cp "$jar" org.deltaprop.cli.Main >"$out.tmp/machine.md"

# OpenBLAS on the same shapes, same thread counts, same run, with its own choice of kernel.
all_shapes=${shapes:-$(sed -n '/@Param({"nn-256/,/})/p' bench/src/main/java/org/deltaprop/bench/GemmBenchmark.java |
  grep -o '"[nt][nt]-[0-9-]*"' | tr -d '"' | paste -sd,)}
for t in $threads_list; do
  say "OpenBLAS sgemm threads=$t"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/openblas_sgemm.py --threads "$t" --seconds "$blas_seconds" ${all_shapes//,/ } >>"$out.tmp/openblas.csv" ||
    die "the OpenBLAS timing failed"
done

# One training step: scalar (the baseline) and every usable backend.
for b in scalar "${usable[@]}"; do
  tl="$threads_list"
  [ "$b" = scalar ] && tl=1
  [ "$b" = opencl ] && tl=$all_threads
  for t in $tl; do
    say "JMH TrainStepBenchmark backend=$b threads=$t"
    json="$out.tmp/step-$b-$t.json"
    "${java[@]}" -jar "$jar" TrainStepBenchmark -p backend="$b" -p threads="$t" -rf json -rff "$json" \
        "${timing[@]}" "${jmh_extra[@]}" >"$out.tmp/step-$b-$t.log" 2>&1 ||
      { tail -30 "$out.tmp/step-$b-$t.log" >&2; die "JMH failed (log: $out.tmp/step-$b-$t.log)"; }
    jsons+=("$json")
  done
done

"${java[@]}" -cp "$jar" org.deltaprop.bench.Report "$out.tmp" "${jsons[@]}"

if [ "$e2e" = 1 ]; then
  bash "$DELTAPROP_ROOT/bench/e2e.sh" --threads "$threads_list" --results "$out.tmp/e2e.csv" | tee "$out.tmp/e2e.txt"
fi

# Replace the previous results only once this run has finished.
rm -rf "$out" && mv "$out.tmp" "$out"
say "results in $out (table.md, gemm.png, the JMH JSON and logs)"
