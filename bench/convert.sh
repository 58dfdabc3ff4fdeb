#!/usr/bin/env bash
# deltaprop convert on CSV of two sizes: MB/s of CSV read on one core (the JVM pinned to one
# CPU with taskset, JIT and GC included; the seconds are convert's own, from its report; CPU s
# is the whole process's user + system time, JVM start included), and the heap it needs. Each size runs twice: with
# the default heap, timed, and with -Xmx64m, under which the largest heap after a GC (the
# data kept alive) is read from the GC log; it is the same for both sizes when convert
# streams. The CSV is a 784-pixel image per row and its label, the pixels 0..255 with three
# in four 0, as MNIST's are: generated once (rows repeated) into a temporary folder.
# Usage: bench/convert.sh [--sizes "200 1000"] (MB of CSV) [--dtype uint8|float16|float32]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

sizes="200 1000"
dtype=uint8
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --dtype) dtype="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

find_jdk
find_maven
build_jar
command -v taskset >/dev/null || die "taskset (util-linux) is needed to pin the JVM to one core"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A block of about 10 MB of rows, written by awk (fast, no dependencies); files are copies of it.
awk 'BEGIN { srand(1); for (r = 0; r < 4000; r++) { line = (r % 10);
  for (j = 0; j < 784; j++) line = line "," (rand() < 0.75 ? 0 : int(rand() * 256)); print line } }' >"$tmp/block.csv"
block=$(stat -c %s "$tmp/block.csv")

printf '\ndeltaprop convert, CSV of 784 pixels + label per row, --dtype %s, one core (taskset -c 0)\n' "$dtype"
printf '%-8s %-9s %-9s %-7s %-9s %-11s %-16s %s\n' "CSV MB" rows seconds "MB/s" "CPU s" "MB/CPU s" "heap after GC" "max RSS"
for mb in $sizes; do
  copies=$(( (mb * 1000000 + block - 1) / block ))
  csv="$tmp/in-$mb.csv"
  { printf 'label'; for j in $(seq 0 783); do printf ',p%d' "$j"; done; printf '\n'
    for _ in $(seq "$copies"); do cat "$tmp/block.csv"; done; } >"$csv"
  size=$(stat -c %s "$csv")
  rm -rf "$tmp/store"
  /usr/bin/time -f '%M %U %S' -o "$tmp/time" taskset -c 0 "$JAVA_HOME/bin/java" "${DELTAPROP_JVM_FLAGS[@]}" \
    -jar "$DELTAPROP_ROOT/cli/target/deltaprop.jar" convert "$csv" -o "$tmp/store" --dtype "$dtype" >"$tmp/out" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; die "convert failed"; }
  seconds=$(sed -n 's/.* in \([0-9.]*\) s .*/\1/p' "$tmp/out")
  rows=$(sed -n 's/^wrote [^:]*: \([0-9,]*\) rows.*/\1/p' "$tmp/out")
  rm -rf "$tmp/store"
  taskset -c 0 "$JAVA_HOME/bin/java" "${DELTAPROP_JVM_FLAGS[@]}" -Xmx64m "-Xlog:gc:file=$tmp/gc.log" \
    -jar "$DELTAPROP_ROOT/cli/target/deltaprop.jar" convert "$csv" -o "$tmp/store" --dtype "$dtype" >/dev/null 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; die "convert failed with -Xmx64m"; }
  after=$(sed -n 's/.*Pause.* [0-9.]*[KMG]->\([0-9.]*\)M(.*/\1/p' "$tmp/gc.log" | sort -g | tail -n 1)
  read -r rss user sys <"$tmp/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.1f", u + s}')
  printf '%-8.0f %-9s %-9s %-7.0f %-9s %-11.0f %-16s %s\n' "$(awk -v s="$size" 'BEGIN {print s / 1e6}')" "$rows" \
    "$seconds" "$(awk -v s="$size" -v t="$seconds" 'BEGIN {print s / 1e6 / t}')" "$cpu" \
    "$(awk -v s="$size" -v c="$cpu" 'BEGIN {print s / 1e6 / c}')" "${after:-none} MB (-Xmx64m)" \
    "$(awk -v k="$rss" 'BEGIN {printf "%.0f MB", k / 1024}')"
  rm -f "$csv"
done
