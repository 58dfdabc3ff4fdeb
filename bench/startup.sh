#!/usr/bin/env bash
# Start-up benchmark: what the deltaprop command costs on a small job, where the JVM's start and
# the JIT's warm-up are most of the time. Runs each command N times (default 7) on iris
# (bench/data/iris.csv: 150 rows, 4 features, 3 species) and prints the median wall and CPU
# (user + system) seconds of each, and for train the median first epoch against the median of
# epochs 2..200:
#   deltaprop --version                                             the JVM and the command line alone
#   deltaprop train --train bench/data/iris.csv --hidden 8 --epochs 200 --batch 16 -o iris.safetensors
#   deltaprop eval -m iris.safetensors --data bench/data/iris.csv
# Usage: bench/startup.sh [--runs N] [--against CHECKOUT]
#   --against CHECKOUT: another checkout (an older commit's, say) run side by side, its
#   scripts/deltaprop with its own jar and start-up cache; the two take turns run by run, so a
#   change in the machine's load reaches both columns alike.
# Each command runs once untimed first, so the jars and start-up caches are built and the files
# are in the page cache.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

runs=7
against=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --against) against="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs $runs: give a whole number of runs, at least 1"
names=(this)
commands=("$DELTAPROP_ROOT/scripts/deltaprop")
if [ -n "$against" ]; then
  against="${against%/scripts/deltaprop}"
  [ -x "$against/scripts/deltaprop" ] || die "--against $against: no scripts/deltaprop there (give a checkout's folder)"
  names+=(against)
  commands+=("$against/scripts/deltaprop")
fi
iris="$DELTAPROP_ROOT/bench/data/iris.csv"
median() { sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in "${names[@]}"; do mkdir "$tmp/$name"; done

# The arguments of each benchmark; @ stands for the checkout's own folder in $tmp (eval reads the
# model its own train wrote).
args_of() {
  case "$1" in
    version) echo "--version" ;;
    train) echo "train --train $iris --hidden 8 --epochs 200 --batch 16 --curve @/curve.png -o @/iris.safetensors" ;;
    eval) echo "eval -m @/iris.safetensors --data $iris" ;;
  esac
}

# bench NAME: runs it once untimed per checkout, then $runs times each, taking turns.
bench() {
  local bench="$1" i k args
  for i in $(seq 0 "$runs"); do
    for k in "${!names[@]}"; do
      args=$(args_of "$bench"); args="${args//@/$tmp/${names[$k]}}"
      if [ "$i" -eq 0 ]; then
        # shellcheck disable=SC2086  # the arguments hold no blanks: paths under mktemp and the checkout
        "${commands[$k]}" $args >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; die "${commands[$k]} $args failed"; }
      else
        # shellcheck disable=SC2086
        /usr/bin/time -f '%e %U %S' -o "$tmp/${names[$k]}/$bench.$i.time" "${commands[$k]}" $args \
          >"$tmp/${names[$k]}/$bench.$i.out" 2>/dev/null
      fi
    done
  done
}

# An epoch line ends "… 4,429 samples/s 0.03 s": its milliseconds are 150 rows over the rate, to
# more digits than the seconds it prints.
epoch_ms() { awk -v which="$1" '$1 == "epoch" && (which == "first" ? $2 == 1 : $2 > 1) {
  rate = $(NF-3); gsub(",", "", rate); print 150000 / rate }' "${@:2}"; }

# report NAME LABEL: one line, a column pair per checkout.
report() {
  local name dir
  printf '%-22s' "$2"
  for name in "${names[@]}"; do
    dir="$tmp/$name"
    printf '   wall %5.2f s  cpu %5.2f s' \
      "$(cat "$dir/$1".*.time | awk '{print $1}' | median)" "$(cat "$dir/$1".*.time | awk '{print $2 + $3}' | median)"
  done
  echo
  if [ "$1" = train ]; then
    printf '%-22s' "  epoch 1 / later (ms)"
    for name in "${names[@]}"; do
      printf '   %7.1f / %-17.2f' "$(epoch_ms first "$tmp/$name"/train.*.out | median)" \
        "$(epoch_ms later "$tmp/$name"/train.*.out | median)"
    done
    echo
  fi
}

say "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), load $(cut -d' ' -f1-3 /proc/loadavg)"
for k in "${!names[@]}"; do
  say "${names[$k]}: $("${commands[$k]}" --version 2>/dev/null) from ${commands[$k]%/scripts/deltaprop} ($(git -C "${commands[$k]%/scripts/deltaprop}" log -1 --format=%h 2>/dev/null || echo "not a git checkout"))"
done
say "JAVA_HOME=${JAVA_HOME:-unset}; median of $runs runs"
printf '%-22s' ""; for name in "${names[@]}"; do printf '   %-26s' "$name"; done; echo
bench version; report version "--version"
bench train; report train "train (200 epochs)"
bench eval; report eval "eval"
say "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
