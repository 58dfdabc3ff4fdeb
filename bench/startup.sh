#!/usr/bin/env bash
# Start-up benchmark: what the deltaprop command costs on a small job, where the JVM's start and
# the JIT's warm-up are most of the time. Runs each command N times (default 7) on iris
# (bench/data/iris.csv: 150 rows, 4 features, 3 species) and prints the median wall and CPU
# (user + system) seconds of each, and for train the median first epoch against the median of
# epochs 2..200:
#   deltaprop --version                                             the JVM and the command line alone
#   deltaprop eval -m iris.safetensors --data bench/data/iris.csv
#   deltaprop train --train bench/data/iris.csv --hidden 8 --epochs 200 --batch 16 -o iris.safetensors
# Usage: bench/startup.sh [--runs N] [--deltaprop PATH]   (PATH: another checkout's
# scripts/deltaprop, e.g. an older commit's, to compare). Each command runs once before timing,
# so the jar and the start-up cache are built and the files are in the page cache.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

runs=7
deltaprop="$DELTAPROP_ROOT/scripts/deltaprop"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --deltaprop) deltaprop="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
iris="$DELTAPROP_ROOT/bench/data/iris.csv"
median() { sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# times NAME ARGS...: runs deltaprop ARGS once untimed, then $runs times, each into $tmp/NAME.i.
times() {
  local name="$1" i; shift
  "$deltaprop" "$@" >/dev/null 2>&1 || die "$deltaprop $* failed"
  for i in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S' -o "$tmp/$name.$i.time" "$deltaprop" "$@" >"$tmp/$name.$i.out" 2>/dev/null
  done
  printf '%-9s wall %6.2f s   cpu %6.2f s' "$name" \
    "$(cat "$tmp/$name".*.time | awk '{print $1}' | median)" \
    "$(cat "$tmp/$name".*.time | awk '{print $2 + $3}' | median)"
}

say "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "$("$deltaprop" --version 2>/dev/null) from $deltaprop (JAVA_HOME=${JAVA_HOME:-unset}); median of $runs runs"
times version --version; echo
# The model eval reads comes from the training run that times() makes before it times.
times train train --train "$iris" --hidden 8 --epochs 200 --batch 16 --curve "$tmp/curve.png" -o "$tmp/iris.safetensors"
# An epoch line ends "… 4,429 samples/s 0.03 s": its milliseconds are 150 rows over the rate, to
# more digits than the seconds it prints.
epoch_ms() { awk -v which="$1" '$1 == "epoch" && (which == "first" ? $2 == 1 : $2 > 1) {
  rate = $(NF-3); gsub(",", "", rate); print 150000 / rate }' "${@:2}"; }
printf '   first epoch %.1f ms, later epochs %.2f ms (medians)\n' \
  "$(epoch_ms first "$tmp"/train.*.out | median)" "$(epoch_ms later "$tmp"/train.*.out | median)"
times eval eval -m "$tmp/iris.safetensors" --data "$iris"; echo
